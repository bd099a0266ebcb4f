using JourneyKit.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JourneyKit.Storage.Sqlite.Tests;

/// <summary>The file path and a connection string are separate settings; the store checks itself at start-up (issue 21 item 6).</summary>
public sealed class SqliteOptionsTests
{
    /// <summary>Before: the path was pasted into "Data Source=…", so "x;Mode=Memory" opened an in-memory database and
    /// silently created no file. Now a path is only a path.</summary>
    [Fact]
    public async Task DataSource_WithSemicolonAndKeyword_IsAFileName_Issue21()
    {
        string directory = Directory.CreateTempSubdirectory("jk-path-").FullName;
        string path = Path.Combine(directory, "events;Mode=Memory.db");
        try
        {
            var store = new SqliteJourneyStore(new SqliteStoreOptions { DataSource = path });
            await store.Events.AppendAsync([new JourneyEvent("ann", "form.start", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { EventId = "1" }]);
            Assert.True(File.Exists(path));

            // a second store over the same path sees the event: it is in the file, not in a connection's memory
            var reopened = new SqliteJourneyStore(new SqliteStoreOptions { DataSource = path });
            Assert.Equal(1, await reopened.Events.CountAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("Data Source=x.db;Mode=Memory")]
    [InlineData("Data Source=:memory:")]
    [InlineData("Mode=ReadWriteCreate")]
    [InlineData("Data Source=x.db;Colour=red")]
    public void ConnectionString_InMemoryNoFileOrUnknownKeyword_Rejected_Issue21(string connectionString)
    {
        var options = new SqliteStoreOptions { ConnectionString = connectionString };
        string problem = Assert.Single(options.Validate());
        Assert.Contains("ConnectionString", problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddJourneyKit().UseSqlite(o => o.ConnectionString = connectionString));
    }

    [Fact]
    public void DataSource_Memory_Rejected_Issue21() =>
        Assert.Contains("in-memory", Assert.Single(new SqliteStoreOptions { DataSource = ":memory:" }.Validate()), StringComparison.Ordinal);

    [Fact]
    public void ConnectionString_File_Accepted() =>
        Assert.Empty(new SqliteStoreOptions { ConnectionString = "Data Source=x.db;Cache=Shared" }.Validate());

    /// <summary>Before: a store in a directory that does not exist failed on the first request. Now the start-up
    /// validation (what a host runs when it starts) fails, naming the file.</summary>
    [Fact]
    public void UseSqlite_UnopenableFile_FailsAtStartupNamingTheFile_Issue21()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-missing-{Guid.NewGuid():N}", "journeys.db");
        var services = new ServiceCollection();
        services.AddJourneyKit().UseSqlite(path);
        using ServiceProvider provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public void UseSqlite_NotADatabase_FailsAtStartup_Issue21()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-notadb-{Guid.NewGuid():N}.db");
        File.WriteAllText(path, "this is a text file, not a SQLite database, and it is long enough to have a header......");
        try
        {
            var services = new ServiceCollection();
            services.AddJourneyKit().UseSqlite(path);
            using ServiceProvider provider = services.BuildServiceProvider();
            var e = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);
            Assert.Contains("cannot start", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void UseSqlite_GoodFile_StartupValidationCreatesTheSchema()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-start-{Guid.NewGuid():N}.db");
        try
        {
            var services = new ServiceCollection();
            services.AddJourneyKit().UseSqlite(path);
            using ServiceProvider provider = services.BuildServiceProvider();
            _ = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
            Assert.True(File.Exists(path));
            Assert.IsType<SqliteJourneyStore>(provider.GetRequiredService<JourneyStore>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(f);
            }
        }
    }
}
