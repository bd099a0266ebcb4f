namespace JourneyKit.Storage.Sqlite.Tests;

[CollectionDefinition(nameof(SqliteTelemetryTests), DisableParallelization = true)]
public sealed class SqliteTelemetryCollection;

/// <summary>
/// Issue 20 item 7: the SQLite store counts and times every operation on JourneyKit's meter, tagged with the store, the
/// operation and, for a failure, the exception type, and traces each as a span on JourneyKit's activity source. Not run in parallel with other tests, whose stores would add to the counts.
/// </summary>
[Collection(nameof(SqliteTelemetryTests))]
public sealed class SqliteTelemetryTests
{
    [Fact]
    public async Task Operations_AreCountedAndTimed_WithStoreOperationAndError()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-telemetry-{Guid.NewGuid():N}.db");
        try
        {
            await JourneyKit.Tests.Shared.StoreMetricCheck.RunAsync(new SqliteJourneyStore(path), "sqlite");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Operations_AreTraced_AsStoreSpansUnderTheCaller()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-spans-{Guid.NewGuid():N}.db");
        try
        {
            await JourneyKit.Tests.Shared.StoreSpanCheck.RunAsync(new SqliteJourneyStore(path), "sqlite");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
