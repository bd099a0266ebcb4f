using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

/// <summary>
/// <see cref="EventFile.SortByCustomer"/> (issue 18 item 3): a file in any order, sorted by customer on disk in runs
/// of any size and merged into batches of whole customers, gives the whole read — same customers in the same order,
/// same events (sorted, de-duplicated, values, event ids, attributes), same summary and latest instant — with the file's
/// own line numbers in errors, and leaves no temporary file behind.
/// </summary>
public sealed class CustomerSortedEventsTests : IDisposable
{
    private readonly string _dir = Path.Combine(TestTemp.Root, "jk-sorted-" + Guid.NewGuid().ToString("N"));
    private readonly string _temp;

    public CustomerSortedEventsTests()
    {
        Directory.CreateDirectory(_dir);
        _temp = Directory.CreateDirectory(Path.Combine(_dir, "temp")).FullName;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property(MaxTest = 150)]
    public Property SortedRunsMerged_AreTheWholeRead() => Prop.ForAll(
        AwkwardEvents.Of(maxCustomers: 8, maxEvents: 60),
        Arb.From(from r in Gen.Choose(1, 12) from b in Gen.Choose(1, 12) from c in Gen.Elements(true, false) select (Run: r, Batch: b, Csv: c)),
        (events, sizes) =>
        {
            (int runEvents, int batchEvents, bool csv) = sizes;
            // The generator draws events in random order: customers interleaved, ties, duplicate event ids; runs of 1 to
            // 12 events cut the file into many runs, so a customer's events (and its duplicates) spread over several.
            string path = Path.Combine(_dir, csv ? "events.csv" : "events.jsonl");
            using (var stream = File.Create(path))
            using (EventWriter writer = csv
                       ? new CsvEventWriter(new StreamWriter(stream, new UTF8Encoding(false)), AwkwardEvents.Keys)
                       : new JsonLinesEventWriter(stream, AwkwardEvents.Keys))
            {
                foreach (JourneyEvent e in events)
                {
                    writer.Write(e);
                }
            }

            EventReadResult whole = EventFile.Read(path);
            var lines = new List<string>();
            var seen = new HashSet<string>();
            EventReadSummary summary;
            DateTimeOffset? latest;
            using (CustomerSortedEvents sorted = EventFile.SortByCustomer(path, null, runEvents, _temp))
            {
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Empty(Directory.GetFileSystemEntries(_temp)); // unlinked as soon as created
                }

                summary = sorted.ReadByCustomer(batchEvents, batch =>
                {
                    for (int run = 0; run < batch.CustomerCount; run++)
                    {
                        Assert.True(seen.Add(batch.Customers[batch.CustomerOfRun(run)]), "a customer in two batches");
                    }

                    lines.AddRange(Describe(batch));
                });
                latest = sorted.LatestTimestamp;
            }

            Assert.Equal(Describe(whole.Batch), lines);
            Assert.Equal((whole.Rows, whole.Batch.Count, whole.Duplicates, whole.Skipped), (summary.Rows, summary.Added, summary.Duplicates, summary.Skipped));
            Assert.Equal(whole.Batch.LatestTimestamp, latest);
            Assert.Empty(Directory.GetFileSystemEntries(_temp));
        });

    [Fact]
    public void DuplicateInALaterRun_IsDropped_AndTheLatestInstantIsTheKeptEvents()
    {
        // Runs of one event: run 0 = c1 e1 at +0 s, run 1 = c2 at +1 s, run 2 = c1 e1 again at +9 s. The whole read keeps
        // the first e1 of c1, so c1 has one event at +0 s, and the latest event is c2's at +1 s (the +9 s row, the
        // latest row of the file, is a duplicate): 3 rows = 2 added + 1 duplicate.
        string path = Write("customer_id,touchpoint,timestamp,event_id\nc1,a,1767225600,e1\nc2,b,1767225601,\nc1,c,1767225609,e1\n");
        using CustomerSortedEvents sorted = EventFile.SortByCustomer(path, null, 1, _temp);
        Assert.Equal(3, sorted.RunCount);
        var lines = new List<string>();
        EventReadSummary summary = sorted.ReadByCustomer(100, batch => lines.AddRange(Describe(batch)));
        Assert.Equal(["customer c1", $"c1|a|{T0.UtcTicks}||e1||", "customer c2", $"c2|b|{T0.AddSeconds(1).UtcTicks}||||"], lines);
        Assert.Equal((3L, 2L, 1L), (summary.Rows, summary.Added, summary.Duplicates));
        Assert.Equal(T0.AddSeconds(1), sorted.LatestTimestamp);
    }

    [Fact]
    public void CustomersComeInTheOrderOfTheirFirstEvent_AndBatchesAreCutBeforeANewCustomer()
    {
        // First events: c3 (line 2), c1 (line 3), c2 (line 5). Runs of 2: [c3, c1], [c1, c2], [c3]. Merged: c3 (2 events),
        // c1 (2), c2 (1) — the whole read's order; with batches of 2, c3 fills the first batch, c1 the second, c2 the third.
        string path = Write("customer_id,touchpoint,timestamp\nc3,a,1767225605\nc1,a,1767225600\nc1,b,1767225601\nc2,a,1767225602\nc3,b,1767225603\n");
        using CustomerSortedEvents sorted = EventFile.SortByCustomer(path, null, 2, _temp);
        var batches = new List<List<string>>();
        sorted.ReadByCustomer(2, batch => batches.Add([.. batch.Customers.ToList()]));
        Assert.Equal([["c3"], ["c1"], ["c2"]], batches);
        Assert.Equal(["c3", "c1", "c2"], EventFile.Read(path).Batch.Customers.ToList());
    }

    [Fact]
    public void BadRow_FailsWithTheFilesLineNumber_AndLeavesNothingBehind()
    {
        // Line 5 has a bad timestamp; runs of one event were already written for lines 2–4.
        string path = Write("customer_id,touchpoint,timestamp\nc2,a,1767225600\nc1,a,1767225601\nc2,b,1767225602\nc1,b,nope\n");
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventFile.SortByCustomer(path, null, 1, _temp));
        Assert.Equal(5, e.Line);
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Fact]
    public void SkippedBadRows_AreReportedOnce_WithTheFilesLineNumbers()
    {
        string path = Write("customer_id,touchpoint,timestamp\nc2,a,nope\nc1,a,1767225601\nc2,b,1767225602\nc1,b,later\n");
        var options = new EventReaderOptions { BadRows = BadRowHandling.Skip };
        using CustomerSortedEvents sorted = EventFile.SortByCustomer(path, options, 1, _temp);
        EventReadSummary summary = sorted.ReadByCustomer(1, _ => { });
        Assert.Equal([2L, 5L], summary.Errors.Select(x => x.Line).ToArray());
        Assert.Equal((4L, 2L, 2L), (summary.Rows, summary.Added, summary.Skipped));
    }

    [Fact]
    public void TempDirectoryThatCannotBeWritten_IsAnIOErrorNamingIt()
    {
        string path = Write("customer_id,touchpoint,timestamp\nc1,a,1767225600\n");
        string missing = Path.Combine(_dir, "no such directory");
        IOException e = Assert.Throws<IOException>(() => EventFile.SortByCustomer(path, null, 1, missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        string path = Write("customer_id,touchpoint,timestamp\n");
        Assert.Throws<ArgumentOutOfRangeException>(() => EventFile.SortByCustomer(path, null, 0, _temp));
        CustomerSortedEvents sorted = EventFile.SortByCustomer(path, null, 1, _temp);
        Assert.Throws<ArgumentOutOfRangeException>(() => sorted.ReadByCustomer(0, _ => { }));
        Assert.Equal(0, sorted.ReadByCustomer(1, _ => Assert.Fail("no events, no batch")).Added);
        Assert.Null(sorted.LatestTimestamp);
        sorted.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sorted.ReadByCustomer(1, _ => { }));
    }

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "events.csv");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}
