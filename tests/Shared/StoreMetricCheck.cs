using System.Diagnostics.Metrics;
using JourneyKit.Events;
using JourneyKit.Storage;
using Xunit;

namespace JourneyKit.Tests.Shared;

/// <summary>
/// The store-metrics test shared by the SQLite and PostgreSQL stores (issue 20 item 7; linked into both test projects):
/// after a first append that creates the schema, an append, a read, a save and a stale save give one count of 1 each on
/// JourneyKit's meter, in call order, tagged with the store and the operation (the stale save also with the concurrency
/// exception's type), and one duration each. The caller runs it in a collection that is not parallel with other tests,
/// whose stores would add to the counts.
/// </summary>
internal static class StoreMetricCheck
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(JourneyStore store, string storeName)
    {
        var counts = new List<(string Operation, long Value, string? Error)>();
        var durations = new List<(string Operation, double Seconds)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == JourneyKitDiagnostics.MeterName && instrument.Name.StartsWith("journeykit.store.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            (string? store, string? operation, string? error) = Read(tags);
            if (store == storeName)
            {
                lock (counts)
                {
                    counts.Add((operation!, value, error));
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            (string? store, string? operation, _) = Read(tags);
            if (store == storeName)
            {
                lock (durations)
                {
                    durations.Add((operation!, value));
                }
            }
        });

        await store.Events.AppendAsync([new JourneyEvent("ann", "form.start", T0) { EventId = "1" }]); // creates the schema, uncounted
        listener.Start();
        await store.Events.AppendAsync([new JourneyEvent("ann", "form.submit", T0.AddMinutes(1)) { EventId = "2" }]);
        Assert.Equal(2, (await store.Events.ReadAsync("ann")).Count);
        string etag = await store.Instances.SaveAsync("ann", "onboarding", 1, new byte[] { 1 }, null, null);
        await Assert.ThrowsAsync<JourneyConcurrencyException>(() => store.Instances.SaveAsync("ann", "onboarding", 1, new byte[] { 2 }, null, etag + "-stale"));
        listener.Dispose();

        // One count of 1 per call, in call order; the stale save failed with the concurrency exception.
        Assert.Equal(
            [("events.append", 1L, (string?)null), ("events.read", 1L, null), ("instances.save", 1L, null), ("instances.save", 1L, typeof(JourneyConcurrencyException).FullName)],
            counts);
        Assert.Equal(["events.append", "events.read", "instances.save", "instances.save"], durations.Select(d => d.Operation));
        Assert.All(durations, d => Assert.InRange(d.Seconds, 0, 60));
    }

    private static (string? Store, string? Operation, string? Error) Read(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? store = null, operation = null, error = null;
        foreach (KeyValuePair<string, object?> t in tags)
        {
            switch (t.Key)
            {
                case JourneyKitDiagnostics.StoreTag: store = (string?)t.Value; break;
                case JourneyKitDiagnostics.StoreOperationTag: operation = (string?)t.Value; break;
                case JourneyKitDiagnostics.ErrorTypeTag: error = (string?)t.Value; break;
            }
        }

        return (store, operation, error);
    }
}
