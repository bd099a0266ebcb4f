using JourneyKit.Events;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

/// <summary>Issue 17 item 5: the engine reads an ingest batch's states with one GetManyAsync, not one GetAsync per customer.</summary>
public sealed class BulkStateReadTests
{
    [Fact]
    public async Task IngestBatch_ReadsEveryCustomersStateInOneCall()
    {
        var store = new CountingStore();
        var engine = Engine(store, new RecordingInterventionDispatcher(), Clock());
        await engine.IngestAsync(Event("a", "form.start", T0)); // one customer: a single GetAsync
        Assert.Equal((0, 1), (store.Counting.ManyCalls, store.Counting.SingleCalls));

        // three customers, "a" twice and with a saved state: one GetManyAsync with each customer once, in first-seen order
        await engine.IngestBatchAsync(
        [
            Event("b", "form.start", T0.AddMinutes(1)), Event("a", "form.submit", T0.AddMinutes(2)),
            Event("c", "form.start", T0.AddMinutes(3)), Event("a", "id.upload", T0.AddMinutes(4)),
        ]);
        Assert.Equal((1, 1), (store.Counting.ManyCalls, store.Counting.SingleCalls));
        Assert.Equal(["b", "a", "c"], store.Counting.LastMany);

        // and the states it read were used: a has all three of its events, b and c one each
        Assert.Equal(3, (await engine.GetInstanceAsync("a"))!.EventCount);
        Assert.Equal(1, (await engine.GetInstanceAsync("c"))!.EventCount);
    }

    private sealed class CountingStore : JourneyStore
    {
        private readonly InMemoryJourneyStore _inner = new();

        public CountingStore() => Counting = new CountingStates(_inner.Instances);

        public CountingStates Counting { get; }

        public override EventStore Events => _inner.Events;

        public override JourneyDefinitionStore Definitions => _inner.Definitions;

        public override InstanceStateStore Instances => Counting;

        public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) => _inner.EraseCustomerAsync(customerId, cancellationToken);
    }

    private sealed class CountingStates(InstanceStateStore inner) : InstanceStateStore
    {
        public int SingleCalls { get; private set; }

        public int ManyCalls { get; private set; }

        public string[] LastMany { get; private set; } = [];

        public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default)
        {
            SingleCalls++;
            return inner.GetAsync(customerId, journeyId, cancellationToken);
        }

        public override Task<IReadOnlyList<StoredState?>> GetManyAsync(string journeyId, IReadOnlyList<string> customerIds, CancellationToken cancellationToken = default)
        {
            ManyCalls++;
            LastMany = [.. customerIds];
            return inner.GetManyAsync(journeyId, customerIds, cancellationToken);
        }

        public override Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default) =>
            inner.SaveAsync(customerId, journeyId, journeyVersion, state, dueAt, expectedETag, cancellationToken);

        public override Task<IReadOnlyList<string?>> SaveManyAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken = default) =>
            inner.SaveManyAsync(writes, cancellationToken);

        public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default) =>
            inner.GetDueAsync(journeyId, asOf, limit, cancellationToken);
    }
}
