namespace JourneyKit.Storage.PostgreSql.Tests;

[CollectionDefinition(nameof(PostgreSqlTelemetryTests), DisableParallelization = true)]
public sealed class PostgreSqlTelemetryCollection;

/// <summary>
/// Issue 20 item 7: the PostgreSQL store counts and times every operation on JourneyKit's meter, tagged with the store, the
/// operation and, for a failure, the exception type, and traces each as a span on JourneyKit's activity source. Not run in parallel with other tests, whose stores would add to the counts.
/// </summary>
[Collection(nameof(PostgreSqlTelemetryTests))]
public sealed class PostgreSqlTelemetryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public Task Operations_AreCountedAndTimed_WithStoreOperationAndError() =>
        JourneyKit.Tests.Shared.StoreMetricCheck.RunAsync(database.NewStore(), "postgresql");

    [Fact]
    public Task Operations_AreTraced_AsStoreSpansUnderTheCaller() =>
        JourneyKit.Tests.Shared.StoreSpanCheck.RunAsync(database.NewStore(), "postgresql");
}
