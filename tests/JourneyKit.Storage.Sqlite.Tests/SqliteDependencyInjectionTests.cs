using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace JourneyKit.Storage.Sqlite.Tests;

public sealed class SqliteDependencyInjectionTests
{
    [Fact]
    public void UseSqlite_RegistersTheSqliteStore()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit().UseSqlite(Path.Combine(TestTemp.Root, "jk-di-" + Guid.NewGuid().ToString("N") + ".db"));
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<SqliteJourneyStore>(provider.GetRequiredService<JourneyStore>());
    }

    [Fact]
    public void UseSqlite_InvalidOptions_ThrowsWithEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddJourneyKit().UseSqlite(o =>
        {
            o.DataSource = "";
            o.BusyTimeout = TimeSpan.FromSeconds(-1);
        }));
        Assert.Contains("DataSource", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BusyTimeout", ex.Message, StringComparison.Ordinal);
    }
}
