using System.Diagnostics;
using System.Reflection;
using JourneyKit.Events;
using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;
using JourneyKit.Testing;
using Microsoft.Data.Sqlite;

namespace JourneyKit.Storage.Sqlite.Tests;

public sealed class SqliteStoreConformance : JourneyStoreConformanceTests
{
    protected override Task<JourneyStore> CreateStoreAsync() =>
        Task.FromResult<JourneyStore>(new SqliteJourneyStore(Path.Combine(Path.GetTempPath(), "jk-conf-" + Guid.NewGuid().ToString("N") + ".db")));
}

public sealed class SqliteStoreTests
{
    private static string NewPath() => Path.Combine(Path.GetTempPath(), "jk-sqlite-" + Guid.NewGuid().ToString("N") + ".db");

    [Fact]
    public void EverySuite_HasASqliteConformanceClass()
    {
        Type[] suites = typeof(JourneyStoreConformanceTests).Assembly.GetTypes()
            .Where(t => t.IsAbstract && t.IsPublic && t.Name.EndsWith("ConformanceTests", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(suites);
        foreach (Type suite in suites)
        {
            Assert.Contains(Assembly.GetExecutingAssembly().GetTypes(), t => !t.IsAbstract && suite.IsAssignableFrom(t) && t.Name.StartsWith("Sqlite", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Schema_CreatedOnce_WithVersionTableAndWal()
    {
        string path = NewPath();
        await new SqliteJourneyStore(path).Events.CountAsync();
        await new SqliteJourneyStore(path).Events.CountAsync(); // second open: no migration again
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using SqliteCommand versions = connection.CreateCommand();
        versions.CommandText = "SELECT COUNT(*), MAX(version) FROM schema_version";
        using SqliteDataReader r = versions.ExecuteReader();
        r.Read();
        Assert.Equal(1, r.GetInt64(0));
        Assert.Equal(1, r.GetInt64(1));
        using SqliteCommand mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
    }

    [Fact]
    public async Task Data_SurvivesReopen()
    {
        string path = NewPath();
        await new SqliteJourneyStore(path).Events.AppendAsync([new JourneyEvent("c", "a", DateTimeOffset.UnixEpoch) { EventId = "x" }]);
        var reopened = new SqliteJourneyStore(path);
        Assert.Single(await reopened.Events.ReadAsync("c"));
        Assert.Equal(new AppendResult(0, 1), await reopened.Events.AppendAsync([new JourneyEvent("c", "a", DateTimeOffset.UnixEpoch) { EventId = "x" }]));
    }

    [Fact]
    public void Options_Invalid_ThrowsWithMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SqliteJourneyStore(new SqliteStoreOptions { DataSource = " ", BusyTimeout = TimeSpan.Zero }));
        Assert.Contains("DataSource", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BusyTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotADatabase_ThrowsUnavailable()
    {
        string path = NewPath();
        await File.WriteAllTextAsync(path, new string('x', 4096));
        await Assert.ThrowsAsync<JourneyStoreUnavailableException>(() => new SqliteJourneyStore(path).Events.CountAsync());
    }

    /// <summary>
    /// Kill a child process in the middle of appending 2,000-event batches, reopen: every acknowledged batch is there
    /// in full, and no batch is there in part.
    /// </summary>
    [Fact]
    public async Task KilledMidAppend_LosesNothingAcknowledged_NoPartialBatch()
    {
        string path = NewPath();
        string host = Path.Combine(AppContext.BaseDirectory, "JourneyKit.Storage.Sqlite.CrashHost.dll");
        Assert.True(File.Exists(host), "crash host not built next to the tests: " + host);
        var start = new ProcessStartInfo("dotnet", [host, path]) { RedirectStandardOutput = true, UseShellExecute = false };
        using Process child = Process.Start(start)!;
        int acked = -1;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (acked < 5)
        {
            string? line = await child.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            acked = int.Parse(line!["ack ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }

        child.Kill(entireProcessTree: true); // mid-way through the next batch, most likely
        await child.WaitForExitAsync(timeout.Token);

        var store = new SqliteJourneyStore(path);
        var perBatch = new Dictionary<string, int>();
        await foreach (JourneyEvent e in store.Events.ScanAsync())
        {
            string id = e.EventId!;
            string batch = id[..id.IndexOf('-', StringComparison.Ordinal)];
            perBatch[batch] = perBatch.GetValueOrDefault(batch) + 1;
        }

        for (int b = 0; b <= acked; b++)
        {
            Assert.Equal(2_000, perBatch.GetValueOrDefault("b" + b));
        }

        Assert.All(perBatch.Values, count => Assert.Equal(2_000, count));
    }
}
