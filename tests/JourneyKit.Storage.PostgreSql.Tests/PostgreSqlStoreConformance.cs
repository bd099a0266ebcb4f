using System.Reflection;
using JourneyKit.Testing;

namespace JourneyKit.Storage.PostgreSql.Tests;

/// <summary>The whole conformance kit against PostgreSQL: every test on a fresh schema of this class's database.</summary>
public sealed class PostgreSqlStoreConformance(PostgresDatabase database) : JourneyStoreConformanceTests, IClassFixture<PostgresDatabase>
{
    protected override Task<JourneyStore> CreateStoreAsync() => Task.FromResult<JourneyStore>(database.NewStore());
}

/// <summary>The kit again with every append through binary COPY (threshold 1), so both append paths pass it.</summary>
public sealed class PostgreSqlCopyPathConformance(PostgresDatabase database) : JourneyStoreConformanceTests, IClassFixture<PostgresDatabase>
{
    protected override Task<JourneyStore> CreateStoreAsync() => Task.FromResult<JourneyStore>(database.NewStore(copyThreshold: 1));
}

public sealed class PostgreSqlConformanceGuardTests
{
    /// <summary>Every abstract suite in JourneyKit.Testing has a concrete PostgreSQL subclass here.</summary>
    [Fact]
    public void EverySuite_HasAPostgreSqlConformanceClass()
    {
        Type[] suites = typeof(JourneyStoreConformanceTests).Assembly.GetTypes()
            .Where(t => t.IsAbstract && t.IsPublic && t.Name.EndsWith("ConformanceTests", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(suites);
        foreach (Type suite in suites)
        {
            Assert.Contains(Assembly.GetExecutingAssembly().GetTypes(), t => !t.IsAbstract && suite.IsAssignableFrom(t) && t.Name.StartsWith("PostgreSql", StringComparison.Ordinal));
        }
    }
}
