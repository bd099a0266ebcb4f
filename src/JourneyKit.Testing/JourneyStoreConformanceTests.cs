using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Storage;
using Xunit;

namespace JourneyKit.Testing;

/// <summary>
/// The storage contract as xunit tests. A provider author derives one class, returns a fresh, empty store from
/// <see cref="CreateStoreAsync"/>, and gets every behaviour checked: idempotent appends by (customer, event id),
/// ordering with equal timestamps, range bounds, versioned definitions, ETag conflicts under concurrent writers, due
/// states, erasure, large batches, unicode ids, cancellation, and a model-based run against
/// <see cref="InMemoryJourneyStore"/>.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyStoreConformance : JourneyStoreConformanceTests
/// {
///     protected override Task&lt;JourneyStore&gt; CreateStoreAsync() =&gt; Task.FromResult&lt;JourneyStore&gt;(new MyStore(...));
/// }
/// </code>
/// </example>
public abstract class JourneyStoreConformanceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Creates a fresh, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<JourneyStore> CreateStoreAsync();

    private static JourneyEvent E(string customer, string touchpoint, int seconds, string? id = null) =>
        new(customer, touchpoint, T0.AddSeconds(seconds), Channel.Web) { EventId = id };

    /// <summary>Appending the same event id twice stores it once and reports the duplicate.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Append_SameEventIdTwice_StoresOnce()
    {
        JourneyStore store = await CreateStoreAsync();
        Assert.Equal(new AppendResult(2, 0), await store.Events.AppendAsync([E("c", "a", 0, "e1"), E("c", "b", 1, "e2")]));
        Assert.Equal(new AppendResult(1, 1), await store.Events.AppendAsync([E("c", "a", 0, "e1"), E("c", "x", 2, "e3")]));
        Assert.Equal(new AppendResult(1, 1), await store.Events.AppendAsync([E("c", "y", 3, "e4"), E("c", "y", 3, "e4")]));
        Assert.Equal(4, await store.Events.CountAsync());
    }

    /// <summary>
    /// An event's identity is (customer, event id): two customers with the same event id are two events; the same
    /// customer with the same event id is a duplicate (the first one stored wins), within a batch and across batches.
    /// Erasing one customer forgets only that customer's ids.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Append_SameEventIdForTwoCustomers_TwoEventsSameCustomerDuplicate()
    {
        JourneyStore store = await CreateStoreAsync();

        // Two exports that both number their events from 1.
        Assert.Equal(new AppendResult(2, 0), await store.Events.AppendAsync([E("ann", "a", 0, "1"), E("bob", "b", 0, "1")]));

        // bob/1 is stored (duplicate); cat/1 and ann/2 are new; the second cat/1 repeats one of this batch.
        Assert.Equal(new AppendResult(2, 2), await store.Events.AppendAsync([E("bob", "x", 1, "1"), E("cat", "c", 2, "1"), E("ann", "y", 3, "2"), E("cat", "z", 4, "1")]));
        Assert.Equal(4, await store.Events.CountAsync());
        Assert.Equal(["a", "y"], (await store.Events.ReadAsync("ann")).Select(e => e.Touchpoint));
        Assert.Equal(["b"], (await store.Events.ReadAsync("bob")).Select(e => e.Touchpoint)); // the first bob/1 won
        Assert.Equal(["c"], (await store.Events.ReadAsync("cat")).Select(e => e.Touchpoint));
        Assert.Equal(4, (await store.Events.ReadBatchAsync()).Count);

        // Erasing ann forgets ann/1 only: ann/1 can be stored again, bob/1 and cat/1 are still duplicates.
        Assert.Equal(new ErasureResult(2, 0), await store.EraseCustomerAsync("ann"));
        Assert.Equal(new AppendResult(1, 2), await store.Events.AppendAsync([E("ann", "again", 5, "1"), E("bob", "x", 5, "1"), E("cat", "x", 5, "1")]));
        Assert.Equal(3, await store.Events.CountAsync());
    }

    /// <summary>Events without an id are never duplicates.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Append_WithoutEventId_AlwaysStored()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Events.AppendAsync([E("c", "a", 0), E("c", "a", 0)]);
        Assert.Equal(2, (await store.Events.ReadAsync("c")).Count);
    }

    /// <summary>Reads are in timestamp order whatever the append order; equal timestamps keep append order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Read_OrdersByTimestamp_TiesInAppendOrder()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Events.AppendAsync([E("c", "late", 10), E("c", "tie1", 5)]);
        await store.Events.AppendAsync([E("c", "tie2", 5), E("c", "first", 0), E("other", "x", 1)]);
        await store.Events.AppendAsync([E("c", "tie3", 5)]);
        IReadOnlyList<JourneyEvent> read = await store.Events.ReadAsync("c");
        Assert.Equal(["first", "tie1", "tie2", "tie3", "late"], read.Select(e => e.Touchpoint));
    }

    /// <summary>Ranges include the start and exclude the end.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Read_Range_FromInclusiveToExclusive()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Events.AppendAsync([E("c", "a", 0), E("c", "b", 10), E("c", "c", 20), E("c", "d", 30)]);
        IReadOnlyList<JourneyEvent> read = await store.Events.ReadAsync("c", T0.AddSeconds(10), T0.AddSeconds(30));
        Assert.Equal(["b", "c"], read.Select(e => e.Touchpoint));
        Assert.Empty(await store.Events.ReadAsync("nobody"));
        Assert.Equal(4, (await store.Events.ReadAsync("c", null, null)).Count);
    }

    /// <summary>Every field survives a round trip, including unicode ids, attributes and offsets normalized to UTC.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Append_Read_RoundTripsFields_UnicodeIds()
    {
        JourneyStore store = await CreateStoreAsync();
        var e = new JourneyEvent("客户-ü-😀", "app.öffnen", T0.ToOffset(TimeSpan.FromHours(5)).AddTicks(7), Channel.ContactCentre)
        {
            EventId = "ид-1",
            Value = -12.75,
            Attributes = new Dictionary<string, string> { ["plan"] = "gold", ["emoji"] = "✓" },
        };
        await store.Events.AppendAsync([e]);
        JourneyEvent back = Assert.Single(await store.Events.ReadAsync("客户-ü-😀"));
        Assert.Equal(e.Touchpoint, back.Touchpoint);
        Assert.Equal(e.Timestamp, back.Timestamp);
        Assert.Equal(Channel.ContactCentre, back.Channel);
        Assert.Equal("ид-1", back.EventId);
        Assert.Equal(-12.75, back.Value);
        Assert.Equal("✓", back.Attributes!["emoji"]);
        Assert.Equal("gold", back.Attributes["plan"]);
    }

    /// <summary>The scan is ordered by customer (ordinal), time and append order, and filters touchpoints.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Scan_OrdersByCustomerThenTime_FiltersTouchpoints()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Events.AppendAsync([E("b", "x", 1), E("a", "y", 5), E("a", "x", 2), E("b", "z", 0)]);
        var all = new List<string>();
        await foreach (JourneyEvent e in store.Events.ScanAsync())
        {
            all.Add(e.CustomerId + ":" + e.Touchpoint);
        }

        Assert.Equal(["a:x", "a:y", "b:z", "b:x"], all);
        EventBatch batch = await store.Events.ReadBatchAsync(["x"]);
        Assert.Equal(2, batch.Count);
    }

    /// <summary>In a batch of 300 events, every third repeats an earlier id of the same batch or a stored one: each
    /// id is stored once, ties keep append order, and the counts add up.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Append_DuplicatesSpreadThroughABatch_StoredOnceInOrder()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Events.AppendAsync([E("c", "stored", 0, "s")]);
        var events = new List<JourneyEvent>();
        for (int i = 0; i < 300; i++)
        {
            // Every third event is a duplicate: of the stored "s" (i = 0) or of event i - 2 (an earlier non-duplicate).
            string id = i % 3 == 0 ? (i == 0 ? "s" : "b" + (i - 2)) : "b" + i;
            events.Add(E("c", "t" + (i % 5), 7, id)); // all at the same instant: order is append order
        }

        AppendResult result = await store.Events.AppendAsync(events);
        Assert.Equal(new AppendResult(200, 100), result); // i = 0 duplicates "s", i = 3k (k ≥ 1) duplicates b(3k - 2)
        IReadOnlyList<JourneyEvent> read = await store.Events.ReadAsync("c");
        Assert.Equal(201, read.Count);
        var expected = new List<string> { "s" };
        for (int i = 0; i < 300; i++)
        {
            if (i % 3 != 0)
            {
                expected.Add("b" + i);
            }
        }

        Assert.Equal(expected, read.Select(e => e.EventId));
    }

    /// <summary>50,000 events in one batch are all stored and read back in order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Append_LargeBatch_AllStored()
    {
        JourneyStore store = await CreateStoreAsync();
        var events = new List<JourneyEvent>(50_000);
        for (int i = 0; i < 50_000; i++)
        {
            events.Add(E("c" + (i % 100), "t" + (i % 7), 50_000 - i, "id" + i));
        }

        Assert.Equal(new AppendResult(50_000, 0), await store.Events.AppendAsync(events));
        Assert.Equal(50_000, await store.Events.CountAsync());
        IReadOnlyList<JourneyEvent> c0 = await store.Events.ReadAsync("c0");
        Assert.Equal(500, c0.Count);
        Assert.True(c0.Zip(c0.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
    }

    /// <summary>A cancelled token throws and writes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Cancelled_ThrowsAndWritesNothing()
    {
        JourneyStore store = await CreateStoreAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Events.AppendAsync([E("c", "a", 0, "e1")], cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Instances.SaveAsync("c", "j", 1, new byte[] { 1 }, null, null, cts.Token));
        Assert.Equal(0, await store.Events.CountAsync());
        Assert.Null(await store.Instances.GetAsync("c", "j"));
    }

    /// <summary>Definitions: versions are immutable; same content is idempotent; latest and list work.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Definitions_VersionsImmutable_LatestAndList()
    {
        JourneyStore store = await CreateStoreAsync();
        Journey v1 = Journey(1, "One");
        Journey v2 = Journey(2, "Two");
        await store.Definitions.SaveAsync(v1);
        await store.Definitions.SaveAsync(v2);
        await store.Definitions.SaveAsync(v1); // same content: no-op
        await Assert.ThrowsAsync<JourneyConcurrencyException>(() => store.Definitions.SaveAsync(Journey(1, "Changed")));

        Assert.Equal(v2, await store.Definitions.GetAsync("j"));
        Assert.Equal(v1, await store.Definitions.GetAsync("j", 1));
        Assert.Null(await store.Definitions.GetAsync("j", 3));
        Assert.Null(await store.Definitions.GetAsync("missing"));
        Assert.Equal([("j", 1), ("j", 2)], await store.Definitions.ListAsync());
    }

    /// <summary>Creating needs a null ETag; a stale ETag throws and changes nothing; each save makes a new ETag.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task State_StaleETag_ThrowsAndChangesNothing()
    {
        JourneyStore store = await CreateStoreAsync();
        string e1 = await store.Instances.SaveAsync("c", "j", 1, new byte[] { 1 }, null, null);
        await Assert.ThrowsAsync<JourneyConcurrencyException>(() => store.Instances.SaveAsync("c", "j", 1, new byte[] { 9 }, null, null));
        string e2 = await store.Instances.SaveAsync("c", "j", 2, new byte[] { 2, 2 }, T0, e1);
        Assert.NotEqual(e1, e2);
        await Assert.ThrowsAsync<JourneyConcurrencyException>(() => store.Instances.SaveAsync("c", "j", 3, new byte[] { 3 }, null, e1));

        StoredState? state = await store.Instances.GetAsync("c", "j");
        Assert.NotNull(state);
        Assert.Equal(new byte[] { 2, 2 }, state.State.ToArray());
        Assert.Equal(2, state.JourneyVersion);
        Assert.Equal(e2, state.ETag);
        Assert.Equal(T0, state.DueAt);
    }

    /// <summary>
    /// SaveMany checks each write's ETag on its own: fresh writes (create, update) apply, a stale one is skipped with a
    /// null result and changes nothing; a second write of the same state in one call is stale.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task State_SaveMany_EachWriteCheckedStaleSkipped()
    {
        JourneyStore store = await CreateStoreAsync();
        string a1 = await store.Instances.SaveAsync("a", "j", 1, new byte[] { 1 }, null, null);
        string b1 = await store.Instances.SaveAsync("b", "j", 1, new byte[] { 1 }, null, null);
        string b2 = await store.Instances.SaveAsync("b", "j", 1, new byte[] { 2 }, null, b1);
        IReadOnlyList<string?> etags = await store.Instances.SaveManyAsync(
        [
            new StateWrite("a", "j", 1, new byte[] { 10 }, T0, a1),  // fresh update
            new StateWrite("b", "j", 1, new byte[] { 20 }, null, b1), // stale
            new StateWrite("c", "j", 1, new byte[] { 30 }, null, null), // create
            new StateWrite("a", "j", 1, new byte[] { 11 }, null, a1),  // same state again: a1 is stale now
        ]);
        Assert.Equal(4, etags.Count);
        Assert.NotNull(etags[0]);
        Assert.Null(etags[1]);
        Assert.NotNull(etags[2]);
        Assert.Null(etags[3]);
        StoredState? a = await store.Instances.GetAsync("a", "j");
        Assert.Equal(new byte[] { 10 }, a!.State.ToArray());
        Assert.Equal(etags[0], a.ETag);
        Assert.Equal(T0, a.DueAt);
        StoredState? b = await store.Instances.GetAsync("b", "j");
        Assert.Equal(new byte[] { 2 }, b!.State.ToArray());
        Assert.Equal(b2, b.ETag);
        Assert.Equal(new byte[] { 30 }, (await store.Instances.GetAsync("c", "j"))!.State.ToArray());
        Assert.Empty(await store.Instances.SaveManyAsync([]));
    }

    /// <summary>
    /// GetMany answers, per customer asked and in that order, what GetAsync answers: the state of that journey, null
    /// when there is none (a state of another journey does not count); a customer asked twice gets it twice.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task State_GetMany_InOrderAsGetAnswers()
    {
        JourneyStore store = await CreateStoreAsync();
        string a = await store.Instances.SaveAsync("a", "j", 1, new byte[] { 1 }, T0, null);
        string c = await store.Instances.SaveAsync("c", "j", 2, new byte[] { 3, 3 }, null, null);
        await store.Instances.SaveAsync("b", "other", 1, new byte[] { 2 }, null, null);
        IReadOnlyList<StoredState?> states = await store.Instances.GetManyAsync("j", ["c", "b", "a", "missing", "c"]);
        Assert.Equal(5, states.Count);
        Assert.Equal(("c", "j", 2, c, (DateTimeOffset?)null), (states[0]!.CustomerId, states[0]!.JourneyId, states[0]!.JourneyVersion, states[0]!.ETag, states[0]!.DueAt));
        Assert.Equal(new byte[] { 3, 3 }, states[0]!.State.ToArray());
        Assert.Null(states[1]); // "b" has a state only in journey "other"
        Assert.Equal(("a", a, (DateTimeOffset?)T0), (states[2]!.CustomerId, states[2]!.ETag, states[2]!.DueAt));
        Assert.Null(states[3]);
        Assert.Equal(c, states[4]!.ETag);
        Assert.Empty(await store.Instances.GetManyAsync("j", []));
    }

    /// <summary>Of many concurrent saves with the same ETag exactly one wins; the others conflict.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task State_ConcurrentWriters_ExactlyOneWins()
    {
        JourneyStore store = await CreateStoreAsync();
        string etag = await store.Instances.SaveAsync("c", "j", 1, new byte[] { 0 }, null, null);
        const int writers = 16;
        var results = await Task.WhenAll(Enumerable.Range(1, writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.Instances.SaveAsync("c", "j", 1, new byte[] { (byte)i }, null, etag);
                return i;
            }
            catch (JourneyConcurrencyException)
            {
                return 0;
            }
        })));
        int winner = Assert.Single(results, r => r != 0);
        StoredState? state = await store.Instances.GetAsync("c", "j");
        Assert.Equal(new byte[] { (byte)winner }, state!.State.ToArray());
    }

    /// <summary>Due states come oldest first (ties by customer), at or before the instant, limited, per journey.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task State_Due_OrderedLimitedPerJourney()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Instances.SaveAsync("b", "j", 1, new byte[] { 1 }, T0.AddHours(1), null);
        await store.Instances.SaveAsync("a", "j", 1, new byte[] { 1 }, T0.AddHours(1), null);
        await store.Instances.SaveAsync("c", "j", 1, new byte[] { 1 }, T0, null);
        await store.Instances.SaveAsync("d", "j", 1, new byte[] { 1 }, T0.AddHours(2), null);
        await store.Instances.SaveAsync("e", "j", 1, new byte[] { 1 }, null, null);
        await store.Instances.SaveAsync("f", "other", 1, new byte[] { 1 }, T0, null);

        IReadOnlyList<StoredState> due = await store.Instances.GetDueAsync("j", T0.AddHours(1), 10);
        Assert.Equal(["c", "a", "b"], due.Select(s => s.CustomerId));
        Assert.Equal(["c", "a"], (await store.Instances.GetDueAsync("j", T0.AddHours(5), 2)).Select(s => s.CustomerId));
    }

    /// <summary>Erasing a customer removes their events and states, reports counts, and leaves others alone.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Erase_RemovesOnlyThatCustomer()
    {
        JourneyStore store = await CreateStoreAsync();
        await store.Events.AppendAsync([E("gone", "a", 0, "g1"), E("gone", "b", 1), E("kept", "a", 0, "k1")]);
        await store.Instances.SaveAsync("gone", "j", 1, new byte[] { 1 }, null, null);
        await store.Instances.SaveAsync("gone", "j2", 1, new byte[] { 1 }, null, null);
        await store.Instances.SaveAsync("kept", "j", 1, new byte[] { 1 }, null, null);

        Assert.Equal(new ErasureResult(2, 2), await store.EraseCustomerAsync("gone"));
        Assert.Empty(await store.Events.ReadAsync("gone"));
        Assert.Null(await store.Instances.GetAsync("gone", "j"));
        Assert.Single(await store.Events.ReadAsync("kept"));
        Assert.NotNull(await store.Instances.GetAsync("kept", "j"));
        Assert.Equal(new ErasureResult(0, 0), await store.EraseCustomerAsync("gone"));
    }

    /// <summary>Random operation sequences give the same answers as the in-memory model.</summary>
    /// <param name="seed">The random seed.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ModelBased_RandomOperations_MatchInMemoryModel(int seed)
    {
        JourneyStore store = await CreateStoreAsync();
        var model = new InMemoryJourneyStore();
        var random = new Random(seed);
        var etags = new Dictionary<string, (string? Store, string? Model)>();
        for (int step = 0; step < 200; step++)
        {
            string customer = "c" + random.Next(5);
            switch (random.Next(5))
            {
                case 0:
                case 1:
                    var batch = Enumerable.Range(0, random.Next(1, 6))
                        .Select(_ => E("c" + random.Next(5), "t" + random.Next(3), random.Next(20), random.Next(2) == 0 ? "id" + random.Next(30) : null))
                        .ToList();
                    Assert.Equal(await model.Events.AppendAsync(batch), await store.Events.AppendAsync(batch));
                    break;
                case 2:
                    DateTimeOffset from = T0.AddSeconds(random.Next(20)), to = from.AddSeconds(random.Next(10));
                    Assert.Equal(
                        (await model.Events.ReadAsync(customer, from, to)).Select(Describe),
                        (await store.Events.ReadAsync(customer, from, to)).Select(Describe));
                    break;
                case 3:
                    etags.TryGetValue(customer, out var tags);
                    bool stale = random.Next(4) == 0;
                    byte[] bytes = [(byte)step];
                    Exception? me = await Record(() => model.Instances.SaveAsync(customer, "j", 1, bytes, null, stale ? "nope" : tags.Model));
                    Exception? se = await Record(() => store.Instances.SaveAsync(customer, "j", 1, bytes, null, stale ? "nope" : tags.Store));
                    Assert.Equal(me?.GetType(), se?.GetType());
                    if (me is null)
                    {
                        etags[customer] = ((await store.Instances.GetAsync(customer, "j"))!.ETag, (await model.Instances.GetAsync(customer, "j"))!.ETag);
                    }

                    break;
                default:
                    Assert.Equal(await model.EraseCustomerAsync(customer), await store.EraseCustomerAsync(customer));
                    etags.Remove(customer);
                    break;
            }
        }

        Assert.Equal(await model.Events.CountAsync(), await store.Events.CountAsync());
    }

    private static string Describe(JourneyEvent e) => $"{e.CustomerId}|{e.Touchpoint}|{e.TimestampTicks}|{e.EventId}";

    private static async Task<Exception?> Record(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (JourneyStoreException e)
        {
            return e;
        }
    }

    private static Journey Journey(int version, string name) => new JourneyBuilder("j")
        .Version(version)
        .Name(name)
        .Stage("s", s => s.Touchpoints("a").StandardTime(TimeSpan.FromDays(1)))
        .Stage("g", s => s.Touchpoints("b").Goal())
        .Build();
}
