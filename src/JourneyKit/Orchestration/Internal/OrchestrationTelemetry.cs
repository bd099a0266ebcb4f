using System.Diagnostics;
using System.Diagnostics.Metrics;
using JourneyKit.Internal;

namespace JourneyKit.Orchestration.Internal;

/// <summary>
/// The orchestration instruments of the meter named <c>JourneyKit</c> (docs/orchestration.md#telemetry); each carries
/// <see cref="JourneyKitDiagnostics.JourneyIdTag"/>, a dropped occurrence also the rule and the reason.
/// </summary>
internal static class OrchestrationTelemetry
{
    public static readonly ActivitySource ActivitySource = JourneyKitTelemetry.ActivitySource;

    public static readonly Meter Meter = JourneyKitTelemetry.Meter;

    public static readonly Counter<long> EventsIngested = Meter.CreateCounter<long>("journeykit.events.ingested", "{event}", "Events appended to the event store by the engine (duplicates excluded).");

    public static readonly Counter<long> EventsDuplicate = Meter.CreateCounter<long>("journeykit.events.duplicates", "{event}", "Events skipped because their event id was already stored.");

    public static readonly Counter<long> InterventionsFired = Meter.CreateCounter<long>("journeykit.interventions.fired", "{intervention}", "Interventions recorded in an outbox.");

    public static readonly Counter<long> InterventionsDropped = Meter.CreateCounter<long>("journeykit.interventions.dropped", "{intervention}", "Rule occurrences suppressed, cooled down or capped.");

    public static readonly Counter<long> InterventionsDispatched = Meter.CreateCounter<long>("journeykit.interventions.dispatched", "{intervention}", "Interventions dispatched and acknowledged.");

    public static readonly Counter<long> InterventionsFailed = Meter.CreateCounter<long>("journeykit.interventions.failed", "{intervention}", "Dispatch attempts that failed (retried later).");

    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("journeykit.state.conflicts", "{conflict}", "Instance-state saves that lost an optimistic-concurrency race.");

    public static readonly Histogram<double> IngestDuration = Meter.CreateHistogram<double>("journeykit.ingest.duration", "s", "Time to ingest one call: append, evaluate, save, dispatch.");

    /// <summary>The tags of an instrument of <paramref name="journeyId"/>.</summary>
    public static TagList Journey(string journeyId) => new() { { JourneyKitDiagnostics.JourneyIdTag, journeyId } };

    /// <summary>The tags of a dropped occurrence: journey, rule and why.</summary>
    public static TagList Dropped(string journeyId, string rule, OccurrenceOutcome outcome) => new()
    {
        { JourneyKitDiagnostics.JourneyIdTag, journeyId },
        { JourneyKitDiagnostics.RuleTag, rule },
        { JourneyKitDiagnostics.ReasonTag, ReasonName(outcome) },
    };

    /// <summary>The <see cref="JourneyKitDiagnostics.ReasonTag"/> value of an outcome: its snake_case name.</summary>
    public static string ReasonName(OccurrenceOutcome outcome) => outcome switch
    {
        OccurrenceOutcome.Suppressed => "suppressed",
        OccurrenceOutcome.Cooldown => "cooldown",
        OccurrenceOutcome.RuleFrequencyCap => "rule_frequency_cap",
        OccurrenceOutcome.CustomerFrequencyCap => "customer_frequency_cap",
        OccurrenceOutcome.EvaluationLimit => "evaluation_limit",
        OccurrenceOutcome.History => "history",
        _ => "fired",
    };
}
