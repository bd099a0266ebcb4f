using System.Diagnostics.Metrics;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

/// <summary>Issue 20 item 7: the orchestration counters carry the journey id, a dropped occurrence its rule and reason.</summary>
public sealed class TelemetryTagTests
{
    /// <summary>Records the long measurements of JourneyKit's meter whose journey tag is <paramref name="journeyId"/> (other tests run in parallel).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

        public Recorder(string journeyId)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == JourneyKitDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (KeyValuePair<string, object?> t in tags)
                {
                    map[t.Key] = t.Value;
                }

                if (map.TryGetValue(JourneyKitDiagnostics.JourneyIdTag, out object? id) && (string?)id == journeyId)
                {
                    lock (_measurements)
                    {
                        _measurements.Add((instrument.Name, value, map));
                    }
                }
            });
            _listener.Start();
        }

        public List<(string Instrument, long Value, Dictionary<string, object?> Tags)> Of(string instrument)
        {
            lock (_measurements)
            {
                return _measurements.Where(m => m.Instrument == instrument).ToList();
            }
        }

        public long Sum(string instrument) => Of(instrument).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();
    }

    private static CompiledJourney Journey(string id) => new JourneyBuilder(id)
        .Touchpoint("form.start", Channel.Web)
        .Touchpoint("form.submit", Channel.Web)
        .Touchpoint("id.upload", Channel.Mobile)
        .Touchpoint("first.login", Channel.Mobile)
        .Stage("apply", s => s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)))
        .Stage("verify", s => s.Touchpoints("id.upload").StandardTime(TimeSpan.FromDays(1)))
        .Stage("active", s => s.Touchpoints("first.login").Goal())
        .Build()
        .Compile();

    [Fact]
    public async Task Ingest_TagsTheCountsWithTheJourney_AndADropWithItsRuleAndReason()
    {
        string journeyId = "telemetry-" + Guid.NewGuid().ToString("N");
        using var recorder = new Recorder(journeyId);
        FakeTimeProviderAdvance(out var clock);
        JourneyRule rule = JourneyRule.Create("welcome-back").WhenEntered("apply").Then("hello", Channel.Email).WithCooldown(TimeSpan.FromDays(1)).SuppressWhenProgressed(false).Build();
        var engine = new JourneyEngine(Journey(journeyId), new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), [rule], null, timeProvider: clock);

        // apply at 0h (fires), verify at 1h, apply again at 2h: within the 1-day cooldown → dropped; then a duplicate.
        await engine.IngestAsync(Event("ada", "form.start", T0));
        await engine.IngestAsync(Event("ada", "id.upload", T0.AddHours(1)));
        await engine.IngestAsync(Event("ada", "form.submit", T0.AddHours(2)));
        await engine.IngestAsync(Event("ada", "form.start", T0));

        Assert.Equal(3, recorder.Sum("journeykit.events.ingested"));
        Assert.Equal(1, recorder.Sum("journeykit.events.duplicates"));
        Assert.Equal(1, recorder.Sum("journeykit.interventions.fired"));
        Assert.Equal(1, recorder.Sum("journeykit.interventions.dispatched"));
        var dropped = Assert.Single(recorder.Of("journeykit.interventions.dropped"));
        Assert.Equal((1L, "welcome-back", "cooldown"), (dropped.Value, (string?)dropped.Tags[JourneyKitDiagnostics.RuleTag], (string?)dropped.Tags[JourneyKitDiagnostics.ReasonTag]));
    }

    [Fact]
    public async Task Ingest_FrequencyCap_IsTheDropReason()
    {
        string journeyId = "telemetry-" + Guid.NewGuid().ToString("N");
        using var recorder = new Recorder(journeyId);
        FakeTimeProviderAdvance(out var clock);
        JourneyRule rule = JourneyRule.Create("any-entry").WhenEntered(null).Then("ping", Channel.Email).WithFrequencyCap(2, TimeSpan.FromDays(1)).SuppressWhenProgressed(false).Build();
        var engine = new JourneyEngine(Journey(journeyId), new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), [rule], null, timeProvider: clock);

        // stage entries at 0h, 1h, 2h: a cap of 2 a day fires the first two and drops the third.
        await engine.IngestAsync(Event("bo", "form.start", T0));
        await engine.IngestAsync(Event("bo", "id.upload", T0.AddHours(1)));
        await engine.IngestAsync(Event("bo", "form.start", T0.AddHours(2)));

        Assert.Equal(2, recorder.Sum("journeykit.interventions.fired"));
        var dropped = Assert.Single(recorder.Of("journeykit.interventions.dropped"));
        Assert.Equal(("any-entry", "rule_frequency_cap"), ((string?)dropped.Tags[JourneyKitDiagnostics.RuleTag], (string?)dropped.Tags[JourneyKitDiagnostics.ReasonTag]));
    }

    [Fact]
    public async Task Meter_IsNamedAndVersioned()
    {
        var versions = new Dictionary<string, string?>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == JourneyKitDiagnostics.MeterName)
                {
                    lock (versions)
                    {
                        versions[instrument.Name] = instrument.Meter.Version;
                    }
                }
            },
        };
        _ = StoreTelemetry.Enabled; // the store instruments exist once the type is used
        await Engine(new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), Clock()).IngestAsync(Event("cy", "form.start", T0)); // and the orchestration ones
        listener.Start();
        Assert.Equal("1.0", JourneyKitDiagnostics.MeterVersion);
        foreach (string name in new[] { "journeykit.events.ingested", "journeykit.interventions.dropped", "journeykit.store.operations", "journeykit.store.operation.duration" })
        {
            Assert.True(versions.TryGetValue(name, out string? version), name + " not published");
            Assert.Equal(JourneyKitDiagnostics.MeterVersion, version);
        }
    }

    private static void FakeTimeProviderAdvance(out Microsoft.Extensions.Time.Testing.FakeTimeProvider clock)
    {
        clock = Clock();
        clock.Advance(TimeSpan.FromDays(10));
    }
}
