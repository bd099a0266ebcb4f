using System.Diagnostics;
using JourneyKit.Events;
using JourneyKit.Storage;
using Xunit;

namespace JourneyKit.Tests.Shared;

/// <summary>
/// The store-span test shared by the SQLite and PostgreSQL stores (issue 20): append, read, save and a stale save under a
/// caller's span give one <c>JourneyKit.Store</c> span each on JourneyKit's activity source — children of the caller,
/// kind client, display name and tag the operation, the store's tag, and for the stale save status error with
/// <c>error.type</c> — and the caller's span is current again after each call.
/// </summary>
internal static class StoreSpanCheck
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(JourneyStore store, string storeName)
    {
        await store.Events.AppendAsync([new JourneyEvent("ann", "form.start", T0) { EventId = "1" }]); // creates the schema, before listening

        var spans = new List<Activity>();
        using var caller = new ActivitySource("JourneyKit.Tests.Caller");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == JourneyKitDiagnostics.ActivitySourceName || s.Name == caller.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        ActivitySpanId parent;
        using (Activity root = caller.StartActivity("caller")!)
        {
            parent = root.SpanId;
            await store.Events.AppendAsync([new JourneyEvent("ann", "form.submit", T0.AddMinutes(1)) { EventId = "2" }]);
            Assert.Same(root, Activity.Current); // the store's span ended and is not left current
            Assert.Equal(2, (await store.Events.ReadAsync("ann")).Count);
            string etag = await store.Instances.SaveAsync("ann", "onboarding", 1, new byte[] { 1 }, null, null);
            Assert.Same(root, Activity.Current);
            await Assert.ThrowsAsync<JourneyConcurrencyException>(() => store.Instances.SaveAsync("ann", "onboarding", 1, new byte[] { 2 }, null, etag + "-stale"));
            Assert.Same(root, Activity.Current);
        }

        // Only this test's spans: children of its caller span (other tests may run stores at the same time).
        List<Activity> ours;
        lock (spans)
        {
            ours = spans.Where(s => s.ParentSpanId == parent).ToList();
        }

        Assert.Equal(["events.append", "events.read", "instances.save", "instances.save"], ours.Select(s => s.DisplayName));
        Assert.All(ours, s =>
        {
            Assert.Equal(StoreTelemetry.ActivityName, s.OperationName);
            Assert.Equal(JourneyKitDiagnostics.ActivitySourceName, s.Source.Name);
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal(storeName, s.GetTagItem(JourneyKitDiagnostics.StoreTag));
            Assert.Equal(s.DisplayName, s.GetTagItem(JourneyKitDiagnostics.StoreOperationTag));
            Assert.True(s.Duration >= TimeSpan.Zero);
        });
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Unset, ActivityStatusCode.Unset, ActivityStatusCode.Error], ours.Select(s => s.Status));
        Assert.Equal([null, null, null, typeof(JourneyConcurrencyException).FullName], ours.Select(s => s.GetTagItem(JourneyKitDiagnostics.ErrorTypeTag)));
    }
}
