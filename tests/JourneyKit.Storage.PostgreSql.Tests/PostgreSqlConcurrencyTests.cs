using JourneyKit.Events;
using JourneyKit.Tests.Shared;

namespace JourneyKit.Storage.PostgreSql.Tests;

public sealed class PostgreSqlConcurrencyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = OnboardingJourney.T0;

    /// <summary>
    /// Four tasks append overlapping 3,000-event batches through COPY at once (each holds the same 2,000 shared events,
    /// in its own order, plus 1,000 of its own): no deadlock, each (customer, id) stored once, and the appended counts
    /// add up to the distinct events (2,000 shared + 4 × 1,000 own = 6,000).
    /// </summary>
    [Fact]
    public async Task OverlappingBulkAppends_NoDeadlock_EachEventOnce()
    {
        PostgreSqlJourneyStore store = database.NewStore();
        JourneyEvent Shared(int i) => new("c" + (i % 40), "t", T0.AddSeconds(i)) { EventId = "s" + i };
        AppendResult[] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(task => Task.Run(async () =>
        {
            var batch = Enumerable.Range(0, 2_000).Select(Shared).ToList();
            new Random(task).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
            batch.AddRange(Enumerable.Range(0, 1_000).Select(i => new JourneyEvent("c" + (i % 40), "own", T0.AddSeconds(i)) { EventId = $"own{task}-{i}" }));
            return await store.Events.AppendAsync(batch);
        })));
        Assert.Equal(6_000, results.Sum(r => r.Appended));
        Assert.Equal(4 * 3_000 - 6_000, results.Sum(r => r.Duplicates));
        Assert.Equal(6_000, await store.Events.CountAsync());
    }

    /// <summary>
    /// Two tasks save the same 300 states at once with SaveMany, in opposite orders, each with the ETag it read: no
    /// deadlock, and each state is won by exactly one of them (the winner's bytes are stored).
    /// </summary>
    [Fact]
    public async Task OverlappingSaveMany_NoDeadlock_OneWinnerPerState()
    {
        PostgreSqlJourneyStore store = database.NewStore();
        var etags = new string[300];
        for (int i = 0; i < etags.Length; i++)
        {
            etags[i] = await store.Instances.SaveAsync("c" + i, "j", 1, new byte[] { 0 }, null, null);
        }

        IReadOnlyList<string?>[] results = await Task.WhenAll(new[] { 1, 2 }.Select(writer => Task.Run(() =>
        {
            IEnumerable<int> order = writer == 1 ? Enumerable.Range(0, 300) : Enumerable.Range(0, 300).Reverse();
            return store.Instances.SaveManyAsync([.. order.Select(i => new StateWrite("c" + i, "j", 1, new byte[] { (byte)writer }, null, etags[i]))]);
        })));
        for (int i = 0; i < 300; i++)
        {
            string? byOne = results[0][i];
            string? byTwo = results[1][299 - i];
            Assert.True(byOne is null != (byTwo is null), $"state c{i}: exactly one writer wins");
            StoredState state = (await store.Instances.GetAsync("c" + i, "j"))!;
            Assert.Equal(byOne ?? byTwo, state.ETag);
            Assert.Equal(byOne is not null ? 1 : 2, state.State.Span[0]);
        }
    }

    /// <summary>
    /// Two engines, each over its own store object and connection pool (two "processes") on one schema, ingest shuffled
    /// events, a fifth of them twice, from 16 tasks: every customer ends in the state a single engine reaches ingesting
    /// the events once in time order, and the log holds each event once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task TwoEngines_ParallelIngest_SameStatesAsSequential(int seed)
    {
        string schema = database.NewSchema();
        await using var first = new PostgreSqlJourneyStore(new PostgreSqlStoreOptions { ConnectionString = database.ConnectionString, Schema = schema });
        await using var second = new PostgreSqlJourneyStore(new PostgreSqlStoreOptions { ConnectionString = database.ConnectionString, Schema = schema });
        await ParallelIngestCheck.RunAsync(first, second, seed);
    }
}
