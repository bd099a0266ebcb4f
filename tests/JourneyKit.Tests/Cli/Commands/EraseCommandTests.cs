using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;

namespace JourneyKit.Tests.Cli.Commands;

/// <summary><c>journeykit erase</c> (issue 21 item 5): the right to be forgotten on a SQLite store from the command line.</summary>
public sealed class EraseCommandTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Erase_TwoCustomers_RemovesTheirEventsAndStates_KeepsOthers_Issue21()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-cli-erase-{Guid.NewGuid():N}.db");
        try
        {
            var store = new SqliteJourneyStore(path);
            await store.Events.AppendAsync([
                new JourneyEvent("ann", "form.start", T0) { EventId = "1" },
                new JourneyEvent("ann", "form.submit", T0.AddMinutes(1)) { EventId = "2" },
                new JourneyEvent("bob", "form.start", T0) { EventId = "1" },
                new JourneyEvent("cat", "form.start", T0) { EventId = "1" },
            ]);
            await store.Instances.SaveAsync("ann", "onboarding", 1, new byte[] { 1, 2, 3 }, null, null);

            CliRun run = CliRunner.Run("erase", "--store", path, "--customer", "ann", "--customer", "bob", "--format", "json");
            Assert.Equal((0, ""), (run.Exit, run.Err));
            using JsonDocument json = JsonDocument.Parse(run.Out);
            JsonElement[] erased = [.. json.RootElement.GetProperty("erased").EnumerateArray()];
            // ann: 2 events and 1 state; bob: 1 event, no state
            Assert.Equal([("ann", 2, 1), ("bob", 1, 0)], erased.Select(e => (e.GetProperty("customer_id").GetString(), e.GetProperty("events").GetInt32(), e.GetProperty("states").GetInt32())));

            Assert.Empty(await store.Events.ReadAsync("ann"));
            Assert.Null(await store.Instances.GetAsync("ann", "onboarding"));
            Assert.Single(await store.Events.ReadAsync("cat"));

            CliRun table = CliRunner.Run("erase", "-s", path, "-c", "cat");
            Assert.Equal((0, "erased customer cat: 1 events, 0 states\n"), (table.Exit, table.Out));
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

    [Fact]
    public void Erase_StoreFileMissing_Exit2AndNoFileCreated_Issue21()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-cli-missing-{Guid.NewGuid():N}.db");
        CliRun run = CliRunner.Run("erase", "--store", path, "--customer", "ann");
        Assert.Equal(2, run.Exit);
        Assert.Contains(path, run.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Erase_NoCustomer_UsageError()
    {
        CliRun run = CliRunner.Run("erase", "--store", "x.db");
        Assert.Equal(2, run.Exit);
        Assert.Contains("--customer", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Erase_FileIsNotADatabase_Exit2WithMessage_Issue21()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-cli-notdb-{Guid.NewGuid():N}.db");
        File.WriteAllText(path, "not a database, just text that is long enough to look like a header of some file......");
        try
        {
            CliRun run = CliRunner.Run("erase", "--store", path, "--customer", "ann");
            Assert.Equal(2, run.Exit);
            Assert.Contains("SQLite", run.Err, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
