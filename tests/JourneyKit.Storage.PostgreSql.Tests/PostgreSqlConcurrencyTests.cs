using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Storage.PostgreSql.Tests;

public sealed class PostgreSqlConcurrencyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly CompiledJourney Onboarding = new JourneyBuilder("onboarding")
        .Touchpoint("form.start", Channel.Web)
        .Touchpoint("form.submit", Channel.Web)
        .Touchpoint("id.upload", Channel.Mobile)
        .Touchpoint("id.check", Channel.Web)
        .Touchpoint("first.login", Channel.Mobile)
        .Touchpoint("help.call", Channel.Voice)
        .Stage("apply", s => s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)))
        .Stage("verify", s => s.Touchpoints("id.upload", "id.check").StandardTime(TimeSpan.FromDays(1)))
        .Stage("active", s => s.Touchpoints("first.login").Goal())
        .MomentOfTruth("upload-retry", "id.upload id.upload", MomentOfTruthOutcome.Negative)
        .Build()
        .Compile();

    private static readonly JourneyRule[] Rules =
    [
        JourneyRule.Create("entered").WhenEntered(null).Then("hello", Channel.Email).SuppressWhenProgressed(false).Build(),
        JourneyRule.Create("negative").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("help", Channel.Chat).Build(),
    ];

    private static readonly string[] Path = ["form.start", "form.submit", "id.upload", "help.call", "id.upload", "id.check", "form.submit", "id.check", "first.login"];

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
        var random = new Random(seed);
        var events = new List<JourneyEvent>();
        for (int c = 0; c < 6; c++)
        {
            int length = 3 + random.Next(Path.Length - 2);
            for (int i = 0; i < length; i++)
            {
                DateTimeOffset at = T0.AddMinutes((i * 10) + c);
                events.Add(new JourneyEvent($"c{c}", Path[i], at) { EventId = $"c{c}/{Path[i]}/{at.UtcTicks}" });
            }
        }

        var clock = new FakeTimeProvider(T0);
        clock.Advance(TimeSpan.FromDays(30));
        var sequentialStore = new InMemoryJourneyStore();
        var sequential = new JourneyEngine(Onboarding, sequentialStore, new RecordingInterventionDispatcher(), Rules, timeProvider: clock);
        foreach (JourneyEvent e in events.OrderBy(e => e.TimestampTicks))
        {
            await sequential.IngestAsync(e);
        }

        string schema = database.NewSchema();
        await using var first = new PostgreSqlJourneyStore(new PostgreSqlStoreOptions { ConnectionString = database.ConnectionString, Schema = schema });
        await using var second = new PostgreSqlJourneyStore(new PostgreSqlStoreOptions { ConnectionString = database.ConnectionString, Schema = schema });
        var sent = new RecordingInterventionDispatcher();
        var options = new OrchestrationOptions { MaxConflictRetries = 100 };
        JourneyEngine[] engines =
        [
            new(Onboarding, first, sent, Rules, options, timeProvider: clock),
            new(Onboarding, second, sent, Rules, options, timeProvider: clock),
        ];
        JourneyEvent[] shuffled = [.. events, .. events.Where((_, i) => i % 5 == 0)];
        random.Shuffle(shuffled);
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < shuffled.Length)
            {
                await engines[(i + worker) % 2].IngestAsync(shuffled[i]);
            }
        })));

        for (int c = 0; c < 6; c++)
        {
            byte[] expected = (await sequential.GetInstanceAsync($"c{c}"))!.Serialize();
            byte[] actual = (await engines[1].GetInstanceAsync($"c{c}"))!.Serialize();
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"customer c{c}");
        }

        Assert.Equal(await sequentialStore.Events.CountAsync(), await first.Events.CountAsync());
    }
}
