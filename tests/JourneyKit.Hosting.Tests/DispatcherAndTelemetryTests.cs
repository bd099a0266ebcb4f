using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class DispatcherAndTelemetryTests
{
    private static Intervention Sample() => new()
    {
        Name = "call-back",
        CustomerId = "ada",
        JourneyId = "onboarding",
        Rule = "recover",
        Channel = Channel.Voice,
        TemplateId = "tpl-1",
        Priority = 3,
        Occurrence = "moment:upload-retry:1",
        OccurredAt = T0,
        IdempotencyKey = Intervention.DeriveIdempotencyKey("onboarding", "ada", "recover", "moment:upload-retry:1"),
    };

    [Fact]
    public void DeriveIdempotencyKey_Deterministic_DiffersPerOccurrence()
    {
        string a = Intervention.DeriveIdempotencyKey("j", "c", "r", "entered:apply:1");
        Assert.Equal(a, Intervention.DeriveIdempotencyKey("j", "c", "r", "entered:apply:1"));
        Assert.NotEqual(a, Intervention.DeriveIdempotencyKey("j", "c", "r", "entered:apply:2"));
        Assert.NotEqual(a, Intervention.DeriveIdempotencyKey("j", "c2", "r", "entered:apply:1"));
        Assert.Matches("^[0-9a-f]{32}$", a);
    }

    [Fact]
    public async Task IngestAsync_Meter_CountsEventsAndInterventions()
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JourneyKitDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        var engine = Engine(new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), Clock(), null, JourneyRule.Create("w").WhenEntered("apply").Then("hi", Channel.Email).Build());
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();
        string customer = $"metrics-{Guid.NewGuid():N}";
        await engine.IngestBatchAsync([Event(customer, "form.start", T0), Event(customer, "form.submit", T0.AddMinutes(1))]);
        await engine.IngestAsync(Event(customer, "form.start", T0)); // duplicate
        listener.Dispose();

        // other tests may run in parallel and add to the same instruments: at least ours are counted
        Assert.True(totals.GetValueOrDefault("journeykit.events.ingested") >= 2);
        Assert.True(totals.GetValueOrDefault("journeykit.events.duplicates") >= 1);
        Assert.True(totals.GetValueOrDefault("journeykit.interventions.fired") >= 1);
        Assert.True(totals.GetValueOrDefault("journeykit.interventions.dispatched") >= 1);
    }
}
