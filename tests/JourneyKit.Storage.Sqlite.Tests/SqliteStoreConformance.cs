using System.Diagnostics;
using System.Reflection;
using JourneyKit.Events;
using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;
using JourneyKit.Testing;
using JourneyKit.Tests.Shared;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace JourneyKit.Storage.Sqlite.Tests;

public sealed class SqliteStoreConformance : JourneyStoreConformanceTests
{
    protected override Task<JourneyStore> CreateStoreAsync() =>
        Task.FromResult<JourneyStore>(new SqliteJourneyStore(Path.Combine(TestTemp.Root, "jk-conf-" + Guid.NewGuid().ToString("N") + ".db")));
}

public sealed class SqliteStoreTests(ITestOutputHelper output)
{
    private static string NewPath() => Path.Combine(TestTemp.Root, "jk-sqlite-" + Guid.NewGuid().ToString("N") + ".db");

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
        Assert.Equal(2, r.GetInt64(0)); // 001 and 002, each once
        Assert.Equal(2, r.GetInt64(1));
        using SqliteCommand mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
    }

    /// <summary>The version 1 schema exactly as it shipped (001_initial.sql), to build an old database by hand.</summary>
    private const string SchemaV1 = """
        CREATE TABLE events (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            customer   TEXT    NOT NULL,
            touchpoint TEXT    NOT NULL,
            ts         INTEGER NOT NULL,
            channel    TEXT,
            event_id   TEXT,
            value      REAL,
            attributes TEXT
        );
        CREATE UNIQUE INDEX ux_events_event_id ON events (event_id) WHERE event_id IS NOT NULL;
        CREATE INDEX ix_events_customer_ts ON events (customer, ts, seq);
        CREATE TABLE journeys (id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (id, version));
        CREATE TABLE states (
            customer        TEXT    NOT NULL,
            journey         TEXT    NOT NULL,
            journey_version INTEGER NOT NULL,
            state           BLOB    NOT NULL,
            etag            TEXT    NOT NULL,
            due             INTEGER,
            PRIMARY KEY (customer, journey)
        );
        CREATE INDEX ix_states_due ON states (journey, due, customer) WHERE due IS NOT NULL;
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        """;

    /// <summary>
    /// A database made by JourneyKit with schema version 1 (event ids unique across customers) opens with the current
    /// store: migration 002 runs once, the stored events and states are intact, and from then on two customers with event
    /// id "1" are two events (issue 14).
    /// </summary>
    [Fact]
    public async Task Migration002_Version1Database_KeepsDataRunsOnce_EventIdentityPerCustomer_Issue14()
    {
        string path = NewPath();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand create = connection.CreateCommand();
            create.CommandText = SchemaV1 + """
                INSERT INTO events (customer, touchpoint, ts, channel, event_id, value, attributes) VALUES
                    ('ann', 'form.start', 638000000000000000, 'web', '1', NULL, '{"plan":"gold"}'),
                    ('ann', 'form.submit', 638000000010000000, 'mobile', '2', 12.5, NULL),
                    ('bob', 'form.start', 638000000020000000, NULL, NULL, NULL, NULL);
                INSERT INTO states (customer, journey, journey_version, state, etag, due) VALUES ('ann', 'j', 1, x'0102', 'etag-1', NULL);
                """;
            create.ExecuteNonQuery();
            using SqliteCommand insertBob = connection.CreateCommand();
            insertBob.CommandText = "INSERT INTO events (customer, touchpoint, ts, event_id) VALUES ('bob', 'x', 0, '1')";
            Assert.Throws<SqliteException>(() => insertBob.ExecuteNonQuery()); // the version 1 behaviour being fixed
        }

        var store = new SqliteJourneyStore(path);
        IReadOnlyList<JourneyEvent> ann = await store.Events.ReadAsync("ann");
        Assert.Equal(["form.start|web|1||gold", "form.submit|mobile|2|12.5|"], ann.Select(e =>
            $"{e.Touchpoint}|{e.Channel.Name}|{e.EventId}|{e.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{e.Attributes?["plan"]}"));
        Assert.Equal(new DateTimeOffset(638000000000000000, TimeSpan.Zero), ann[0].Timestamp);
        Assert.Single(await store.Events.ReadAsync("bob"));
        StoredState? state = await store.Instances.GetAsync("ann", "j");
        Assert.Equal("etag-1", state!.ETag);
        Assert.Equal(new byte[] { 1, 2 }, state.State.ToArray());

        // Now (customer, event id) is the identity: bob's "1" is a new event, ann's "1" is still a duplicate.
        Assert.Equal(new AppendResult(1, 1), await store.Events.AppendAsync([
            new JourneyEvent("bob", "form.submit", DateTimeOffset.UnixEpoch) { EventId = "1" },
            new JourneyEvent("ann", "form.submit", DateTimeOffset.UnixEpoch) { EventId = "1" }]));
        Assert.Equal(4, await new SqliteJourneyStore(path).Events.CountAsync()); // a second store: no second migration

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal("1,2", Scalar(check, "SELECT group_concat(version, ',') FROM (SELECT version FROM schema_version ORDER BY version)"));
        Assert.Equal("ix_events_customer_ts,ux_events_customer_event_id", Scalar(check, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name)"));
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
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
    /// Kill a child process (SIGKILL) in the middle of appending 2,000-event batches, reopen: every acknowledged batch
    /// is there in full, no batch is there in part, and <c>PRAGMA integrity_check</c> says ok. Short mode: 3 kills; long
    /// mode: <c>JOURNEYKIT_CRASH_KILLS=1000</c> (docs/storage.md), 25 kills per database file.
    /// </summary>
    [Fact]
    public async Task KilledMidAppend_LosesNothingAcknowledged_NoPartialBatch()
    {
        string host = Path.Combine(AppContext.BaseDirectory, "JourneyKit.Storage.Sqlite.CrashHost.dll");
        Assert.True(File.Exists(host), "crash host not built next to the tests: " + host);
        var files = new List<string>();
        CrashTestReport report = await CrashTestDriver.RunAsync(
            CrashTestDriver.Kills(shortMode: 3),
            rotateEvery: 25,
            newDatabase: () =>
            {
                foreach (string old in files)
                {
                    SqliteConnection.ClearAllPools();
                    foreach (string f in new[] { old, old + "-wal", old + "-shm" })
                    {
                        File.Delete(f);
                    }
                }

                files.Clear();
                files.Add(NewPath());
                return Task.FromResult(files[0]);
            },
            startChild: (path, firstBatch) => new ProcessStartInfo("dotnet", [host, path, firstBatch.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
            countPerBatch: async path =>
            {
                var perBatch = new Dictionary<int, int>();
                await foreach (JourneyEvent e in new SqliteJourneyStore(path).Events.ScanAsync())
                {
                    int batch = CrashTestDriver.BatchOf(e.EventId!);
                    perBatch[batch] = perBatch.GetValueOrDefault(batch) + 1;
                }

                return perBatch;
            },
            integrityCheck: path =>
            {
                using var connection = new SqliteConnection($"Data Source={path}");
                connection.Open();
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "PRAGMA integrity_check";
                return Task.FromResult((string?)command.ExecuteScalar() == "ok");
            },
            log: output.WriteLine);
        output.WriteLine("SQLite crash test: " + report);
        Assert.Equal((0, 0, 0), (report.AcknowledgedLost, report.PartialBatches, report.IntegrityFailures));
        Assert.True(report.AcknowledgedBatches >= 5, report.ToString()); // the first kill comes after 5 acks
    }
}
