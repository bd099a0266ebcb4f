using System.Reflection;
using JourneyKit.Events;
using JourneyKit.Storage;
using JourneyKit.Testing;

namespace JourneyKit.Tests.Storage;

public sealed class InMemoryStoreConformance : JourneyStoreConformanceTests
{
    protected override Task<JourneyStore> CreateStoreAsync() => Task.FromResult<JourneyStore>(new InMemoryJourneyStore());
}

public sealed class ConformanceGuardTests
{
    /// <summary>Every abstract suite in JourneyKit.Testing has a concrete subclass for the in-memory provider here.</summary>
    [Fact]
    public void EverySuite_HasAnInMemoryConformanceClass()
    {
        Type[] suites = typeof(JourneyStoreConformanceTests).Assembly.GetTypes()
            .Where(t => t.IsAbstract && t.IsPublic && t.Name.EndsWith("ConformanceTests", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(suites);
        foreach (Type suite in suites)
        {
            Assert.Contains(Assembly.GetExecutingAssembly().GetTypes(), t => !t.IsAbstract && suite.IsAssignableFrom(t) && t.Name.StartsWith("InMemory", StringComparison.Ordinal));
        }
    }

    /// <summary>The kit catches a store that ignores ETags.</summary>
    [Fact]
    public async Task Kit_CatchesAStoreThatIgnoresETags()
    {
        var suite = new BrokenStoreConformance();
        await Assert.ThrowsAnyAsync<Exception>(suite.State_StaleETag_ThrowsAndChangesNothing);
        await Assert.ThrowsAnyAsync<Exception>(suite.State_ConcurrentWriters_ExactlyOneWins);
        await suite.Append_SameEventIdTwice_StoresOnce(); // the parts it gets right still pass
    }

    /// <summary>The kit catches a store that de-duplicates by event id alone, across customers (issue 14).</summary>
    [Fact]
    public async Task Kit_CatchesAStoreThatDeduplicatesByEventIdAlone_Issue14()
    {
        var suite = new EventIdAloneConformance();
        await Assert.ThrowsAnyAsync<Exception>(suite.Append_SameEventIdForTwoCustomers_TwoEventsSameCustomerDuplicate);
        await suite.Append_SameEventIdTwice_StoresOnce(); // one customer only: it passes
    }

    private sealed class EventIdAloneConformance : JourneyStoreConformanceTests
    {
        protected override Task<JourneyStore> CreateStoreAsync() => Task.FromResult<JourneyStore>(new EventIdAloneStore());
    }

    /// <summary>Delegates to the in-memory store but treats an event id seen for any customer as a duplicate.</summary>
    private sealed class EventIdAloneStore : JourneyStore
    {
        private readonly InMemoryJourneyStore _inner = new();

        public EventIdAloneStore() => Events = new GlobalIdEvents(_inner.Events);

        public override EventStore Events { get; }

        public override JourneyDefinitionStore Definitions => _inner.Definitions;

        public override InstanceStateStore Instances => _inner.Instances;

        public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) =>
            _inner.EraseCustomerAsync(customerId, cancellationToken);

        private sealed class GlobalIdEvents(EventStore inner) : EventStore
        {
            private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

            public override async Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default)
            {
                var kept = events.Where(e => e.EventId is not { } id || _ids.Add(id)).ToList();
                AppendResult result = await inner.AppendAsync(kept, cancellationToken);
                return new AppendResult(result.Appended, events.Count - result.Appended);
            }

            public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default) =>
                inner.ReadAsync(customerId, from, to, cancellationToken);

            public override IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, CancellationToken cancellationToken = default) =>
                inner.ScanAsync(touchpoints, cancellationToken);

            public override Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);
        }
    }

    private sealed class BrokenStoreConformance : JourneyStoreConformanceTests
    {
        protected override Task<JourneyStore> CreateStoreAsync() => Task.FromResult<JourneyStore>(new EtagIgnoringStore());
    }

    /// <summary>Delegates to the in-memory store but saves states without checking the ETag.</summary>
    private sealed class EtagIgnoringStore : JourneyStore
    {
        private readonly InMemoryJourneyStore _inner = new();

        public EtagIgnoringStore() => Instances = new LaxStates(_inner.Instances);

        public override EventStore Events => _inner.Events;

        public override JourneyDefinitionStore Definitions => _inner.Definitions;

        public override InstanceStateStore Instances { get; }

        public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) =>
            _inner.EraseCustomerAsync(customerId, cancellationToken);

        private sealed class LaxStates(InstanceStateStore inner) : InstanceStateStore
        {
            public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default) =>
                inner.GetAsync(customerId, journeyId, cancellationToken);

            public override async Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default)
            {
                StoredState? current = await inner.GetAsync(customerId, journeyId, cancellationToken);
                return await inner.SaveAsync(customerId, journeyId, journeyVersion, state, dueAt, current?.ETag, cancellationToken);
            }

            public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default) =>
                inner.GetDueAsync(journeyId, asOf, limit, cancellationToken);
        }
    }
}
