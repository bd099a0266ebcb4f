using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

/// <summary>
/// <c>score</c>, <c>analyze</c> and <c>paths</c> on a file NOT grouped by customer (issue 18 item 3): the file is sorted
/// by customer on disk in small runs and merged. The answer is the whole read's byte for byte, and the same as on the
/// file grouped by customer (customers in the order of their first event, each customer's rows in the same order); bad
/// rows keep the file's line numbers and are reported once; no temporary file is left behind.
/// </summary>
public sealed class CliEventSourceTests : IDisposable
{
    private readonly string _dir = Path.Combine(TestTemp.Root, "jk-spilled-" + Guid.NewGuid().ToString("N"));
    private readonly string _temp;

    public CliEventSourceTests()
    {
        Directory.CreateDirectory(_dir);
        _temp = Directory.CreateDirectory(Path.Combine(_dir, "temp")).FullName;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(StreamedCommandTests.Commands), MemberType = typeof(StreamedCommandTests))]
    public void ShuffledSample_SortedOnDisk_EqualsWholeReadAndGroupedFile(string[] command)
    {
        (string shuffled, string grouped) = ShuffledAndGrouped(TestPaths.Sample("retail-bank-account-opening.events.csv"), seed: 18);
        string[] args = [.. command, "--journey", TestPaths.BankJourney];
        CliRun sorted = Sorted(shuffled, args, runEvents: 101, batchEvents: 97);
        CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(shuffled), [.. args, "--events", "-"]);
        CliRun onGrouped = Sorted(grouped, args, runEvents: 101, batchEvents: 97);
        Assert.Equal(whole.Exit, sorted.Exit);
        Assert.True(sorted.Exit == 0 || command[^1] == "nobody", sorted.Err);
        Assert.Equal(whole.Out, sorted.Out);
        Assert.Equal(onGrouped.Out, sorted.Out);
        Assert.StartsWith("note: shuffled.csv is not grouped by customer (customer '", sorted.Err, StringComparison.Ordinal);
        Assert.Contains("sorting it by customer in a temporary file in " + _temp, sorted.Err, StringComparison.Ordinal);
        Assert.Equal(whole.Err, WithoutNote(sorted.Err));
        Assert.DoesNotContain("not grouped", onGrouped.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void ShuffledGeneratedFile_AnyRunSize_EqualsWholeRead(int runEvents)
    {
        string events = Path.Combine(_dir, "g.csv");
        CliRun generate = CliRunner.Run("generate", "-j", TestPaths.ShopJourney, "-n", "120", "-s", "7", "-o", events);
        Assert.True(generate.Exit == 0, generate.Err);
        (string shuffled, _) = ShuffledAndGrouped(events, seed: runEvents);
        foreach (string[] command in (string[][])[
                     ["score", "--format", "json"],
                     ["analyze", "--format", "json", "--funnel", "web.browse,cart.add,checkout.start,order.placed", "--window", "1d", "--as-of", "2026-01-20T00:00:00Z"],
                     ["paths", "--format", "json"]])
        {
            string[] args = [.. command, "-j", TestPaths.ShopJourney];
            CliRun sorted = Sorted(shuffled, args, runEvents, batchEvents: 5);
            CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(shuffled), [.. args, "--events", "-"]);
            Assert.True(sorted.Exit == 0, sorted.Err);
            Assert.Equal(whole.Out, sorted.Out);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Theory]
    [InlineData("--as-of", "2026-02-01T00:00:00Z")]
    [InlineData("--format", "json")]
    public void BadRowInShuffledFile_FailsWithItsLine_AndLeavesNothingBehind(string option, string value)
    {
        // Lines 2–6 interleave c1 and c2 (runs of 1 and batches of 1: c1 comes back after its batch), line 7 is bad.
        string events = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(events, "customer_id,touchpoint,timestamp\nc1,application.start,2026-01-01T00:00:00Z\nc2,application.start,2026-01-01T02:00:00Z\nc1,application.submit,2026-01-01T01:00:00Z\nc2,application.submit,2026-01-01T03:00:00Z\nc1,id.upload,2026-01-01T04:00:00Z\nc3,id.upload,nope\n");
        string[] args = ["score", "-j", TestPaths.BankJourney, option, value];
        CliRun sorted = Sorted(events, args, runEvents: 1, batchEvents: 1);
        CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(events), [.. args, "--events", "-"]);
        Assert.Equal(1, sorted.Exit);
        Assert.Contains("bad.csv:7", sorted.Err, StringComparison.Ordinal);
        Assert.Equal(whole.Err.Replace("<stdin>", events, StringComparison.Ordinal), WithoutNote(sorted.Err));
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Fact]
    public void SkippedBadRowsInShuffledFile_AreReportedOnce()
    {
        // Without --as-of the command reads twice (the latest event, then the answer): the bad rows (lines 3 and 6) are
        // still listed once each, with the file's line numbers, as the whole read lists them.
        string events = Path.Combine(_dir, "skip.csv");
        File.WriteAllText(events, "customer_id,touchpoint,timestamp\nc1,application.start,2026-01-01T00:00:00Z\nc2,application.start,later\nc2,application.submit,2026-01-01T03:00:00Z\nc1,application.submit,2026-01-01T01:00:00Z\nc1,id.upload,nope\n");
        string[] args = ["analyze", "-j", TestPaths.BankJourney, "--skip-bad-rows", "--format", "json"];
        CliRun sorted = Sorted(events, args, runEvents: 1, batchEvents: 1);
        CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(events), [.. args, "--events", "-"]);
        Assert.True(sorted.Exit == 0, sorted.Err);
        Assert.Equal(whole.Out, sorted.Out);
        Assert.Equal(whole.Err.Replace("<stdin>", events, StringComparison.Ordinal), WithoutNote(sorted.Err));
        Assert.Single(sorted.Err.Split('\n'), l => l.StartsWith(events + ":3:", StringComparison.Ordinal));
        Assert.Single(sorted.Err.Split('\n'), l => l.StartsWith(events + ":6:", StringComparison.Ordinal));
    }

    [Fact]
    public void UnwritableTempDirectory_IsAnErrorNamingIt()
    {
        string events = Path.Combine(_dir, "mixed.csv");
        File.WriteAllText(events, "customer_id,touchpoint,timestamp\nc1,application.start,2026-01-01T00:00:00Z\nc2,application.start,2026-01-01T02:00:00Z\nc1,id.upload,2026-01-01T03:00:00Z\n");
        string missing = Path.Combine(_dir, "gone");
        CliEventSource.TempDirectoryForTests.Value = missing;
        try
        {
            CliRun sorted = Sorted(events, ["score", "-j", TestPaths.BankJourney], runEvents: 1, batchEvents: 1);
            Assert.Equal(2, sorted.Exit);
            Assert.Contains("cannot create a temporary file for sorting the events by customer in '" + missing + "'", sorted.Err, StringComparison.Ordinal);
            Assert.Equal(string.Empty, sorted.Out);
        }
        finally
        {
            CliEventSource.TempDirectoryForTests.Value = null;
        }
    }

    /// <summary>The stderr of a sorted read without the note saying the file is not grouped.</summary>
    private static string WithoutNote(string err) =>
        string.Join('\n', err.Split('\n').Where(l => !l.StartsWith("note: ", StringComparison.Ordinal)));

    /// <summary>The command on the file read by customer (sorted on disk in runs of <paramref name="runEvents"/> when it is
    /// not grouped), temporary files in the test's directory.</summary>
    private CliRun Sorted(string events, string[] command, int runEvents, int batchEvents)
    {
        CliEventStream.BatchEventsForTests.Value = batchEvents;
        CliEventSource.RunEventsForTests.Value = runEvents;
        CliEventSource.TempDirectoryForTests.Value ??= _temp;
        try
        {
            return CliRunner.Run([.. command, "--events", events]);
        }
        finally
        {
            CliEventStream.BatchEventsForTests.Value = null;
            CliEventSource.RunEventsForTests.Value = null;
        }
    }

    /// <summary>
    /// The file's rows shuffled (a seeded shuffle), and the same rows grouped by customer — customers in the order of
    /// their first row in the shuffled file, each customer's rows in their shuffled order — so both have the same
    /// whole-read batch.
    /// </summary>
    private (string Shuffled, string Grouped) ShuffledAndGrouped(string events, int seed)
    {
        string[] lines = File.ReadAllLines(events);
        string[] rows = lines[1..];
        new Random(seed).Shuffle(rows);
        var byCustomer = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (string row in rows)
        {
            string customer = row[..row.IndexOf(',', StringComparison.Ordinal)]; // the samples' customer ids have no quotes
            if (!byCustomer.TryGetValue(customer, out List<string>? list))
            {
                byCustomer.Add(customer, list = []);
                order.Add(customer);
            }

            list.Add(row);
        }

        string shuffled = Path.Combine(_dir, "shuffled.csv");
        string grouped = Path.Combine(_dir, "grouped.csv");
        File.WriteAllLines(shuffled, [lines[0], .. rows]);
        File.WriteAllLines(grouped, [lines[0], .. order.SelectMany(c => byCustomer[c])]);
        Assert.StartsWith("customer_id,", lines[0], StringComparison.Ordinal);
        return (shuffled, grouped);
    }
}
