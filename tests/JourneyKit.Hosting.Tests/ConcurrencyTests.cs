using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class ConcurrencyTests
{
    private static readonly string[] Path = ["form.start", "form.submit", "id.upload", "help.call", "id.upload", "id.check", "form.submit", "id.check", "first.login"];

    private static readonly JourneyRule[] Rules =
    [
        JourneyRule.Create("entered").WhenEntered(null).Then("hello", Channel.Email).SuppressWhenProgressed(false).Build(),
        JourneyRule.Create("negative").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("help", Channel.Chat).Build(),
    ];

    private static List<JourneyEvent> Events(int customers, int seed)
    {
        var random = new Random(seed);
        var events = new List<JourneyEvent>();
        for (int c = 0; c < customers; c++)
        {
            int length = 3 + random.Next(Path.Length - 2);
            for (int i = 0; i < length; i++)
            {
                events.Add(Event($"c{c}", Path[i], T0.AddMinutes((i * 10) + c)));
            }
        }

        return events;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public async Task IngestAsync_ParallelAcrossTwoEngines_SameStatesAsSequential(int seed, bool sqlite)
    {
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"jk-concurrency-{Guid.NewGuid():N}.db");
        try
        {
            await Run(seed, sqlite ? () => new JourneyKit.Storage.Sqlite.SqliteJourneyStore(file) : null);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>Two engines (two "processes": with SQLite, two store objects over one file) ingest in parallel.</summary>
    private static async Task Run(int seed, Func<JourneyStore>? newStore)
    {
        List<JourneyEvent> events = Events(customers: 6, seed);
        var clock = Clock();
        clock.Advance(TimeSpan.FromDays(30));

        // sequential, in time order
        var sequentialStore = new InMemoryJourneyStore();
        JourneyEngine sequential = Engine(sequentialStore, new RecordingInterventionDispatcher(), clock, null, Rules);
        foreach (JourneyEvent e in events.OrderBy(e => e.TimestampTicks))
        {
            await sequential.IngestAsync(e);
        }

        // parallel: shuffled, 16 tasks, two engines (two "processes") over one store; some events sent twice
        JourneyStore store = newStore?.Invoke() ?? new InMemoryJourneyStore();
        JourneyStore second = newStore?.Invoke() ?? store;
        var sent = new RecordingInterventionDispatcher();
        var options = new OrchestrationOptions { MaxConflictRetries = 100 };
        JourneyEngine[] engines = [Engine(store, sent, clock, options, Rules), Engine(second, sent, clock, options, Rules)];
        var random = new Random(seed);
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
            byte[] actual = (await engines[0].GetInstanceAsync($"c{c}"))!.Serialize();
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"customer c{c}");
        }

        Assert.Equal(await sequentialStore.Events.CountAsync(), await store.Events.CountAsync());
    }
}
