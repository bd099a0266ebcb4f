using JourneyKit.Storage;
using JourneyKit.Tests.Shared;

namespace JourneyKit.Hosting.Tests;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public async Task IngestAsync_ParallelAcrossTwoEngines_SameStatesAsSequential(int seed, bool sqlite)
    {
        string file = System.IO.Path.Combine(TestTemp.Root, $"jk-concurrency-{Guid.NewGuid():N}.db");
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
    private static Task Run(int seed, Func<JourneyStore>? newStore)
    {
        JourneyStore store = newStore?.Invoke() ?? new InMemoryJourneyStore();
        return ParallelIngestCheck.RunAsync(store, newStore?.Invoke() ?? store, seed);
    }
}
