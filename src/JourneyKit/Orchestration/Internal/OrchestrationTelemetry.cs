using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JourneyKit.Orchestration.Internal;

/// <summary>The meter and activity source named <c>JourneyKit</c>, and the orchestration instruments.</summary>
internal static class OrchestrationTelemetry
{
    public static readonly ActivitySource ActivitySource = new(JourneyKitDiagnostics.ActivitySourceName);

    public static readonly Meter Meter = new(JourneyKitDiagnostics.MeterName);

    public static readonly Counter<long> EventsIngested = Meter.CreateCounter<long>("journeykit.events.ingested", "{event}", "Events appended to the event store by the engine (duplicates excluded).");

    public static readonly Counter<long> EventsDuplicate = Meter.CreateCounter<long>("journeykit.events.duplicates", "{event}", "Events skipped because their event id was already stored.");

    public static readonly Counter<long> InterventionsFired = Meter.CreateCounter<long>("journeykit.interventions.fired", "{intervention}", "Interventions recorded in an outbox.");

    public static readonly Counter<long> InterventionsDropped = Meter.CreateCounter<long>("journeykit.interventions.dropped", "{intervention}", "Rule occurrences suppressed, cooled down or capped.");

    public static readonly Counter<long> InterventionsDispatched = Meter.CreateCounter<long>("journeykit.interventions.dispatched", "{intervention}", "Interventions dispatched and acknowledged.");

    public static readonly Counter<long> InterventionsFailed = Meter.CreateCounter<long>("journeykit.interventions.failed", "{intervention}", "Dispatch attempts that failed (retried later).");

    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("journeykit.state.conflicts", "{conflict}", "Instance-state saves that lost an optimistic-concurrency race.");

    public static readonly Histogram<double> IngestDuration = Meter.CreateHistogram<double>("journeykit.ingest.duration", "s", "Time to ingest one call: append, evaluate, save, dispatch.");
}
