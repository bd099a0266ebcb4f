using FsCheck.Xunit;
using JourneyKit.Cli;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli;

/// <summary>
/// <c>analyze</c>, <c>score</c> and <c>paths</c> read a file grouped by customer batch by batch (bounded memory); the
/// same command reading the same bytes from standard input reads them whole, as before. Both must answer the same, byte
/// for byte, with many small batches (so customers and batches interleave on the workers).
/// </summary>
public sealed class StreamedCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(TestTemp.Root, "jk-streamed-" + Guid.NewGuid().ToString("N"));

    public StreamedCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string[]> Commands() => new()
    {
        { ["analyze", "--format", "json"] },
        { ["analyze", "--format", "json", "--as-of", "2026-02-01T00:00:00Z", "--funnel", "application.start,application.submit,id.upload", "--window", "3d"] },
        { ["analyze"] },
        { ["score"] },
        { ["score", "--format", "json"] },
        { ["score", "--format", "json", "--as-of", "2026-02-01T00:00:00Z"] },
        { ["score", "--customer", "c0042"] },
        { ["score", "--customer", "nobody"] },
        { ["paths", "--from", "application.submit", "--format", "json"] },
        { ["paths", "--level", "stage", "--drop-off-at", "verify", "--as-of", "2026-02-01T00:00:00Z", "--top", "3"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Sample_StreamedEqualsWhole(string[] command)
    {
        string events = TestPaths.Sample("retail-bank-account-opening.events.csv");
        (CliRun streamed, CliRun whole) = Both(events, [.. command, "--journey", TestPaths.BankJourney], batchEvents: 97);
        Assert.Equal(whole.Exit, streamed.Exit);
        Assert.True(streamed.Exit == 0 || command[^1] == "nobody", streamed.Err);
        Assert.Equal(whole.Out, streamed.Out);
        Assert.Equal(whole.Err, streamed.Err);
    }

    public static TheoryData<string, string[]> Reports() => new()
    {
        { "retail-bank-account-opening", [] },
        { "retail-bank-account-opening", ["--as-of", "2026-01-20T00:00:00Z", "--horizon", "3d"] },
        { "retail-bank-account-opening", ["--customers", "cohort"] },
        { "ecommerce-purchase", ["--risk-threshold", "0.3"] },
        { "ecommerce-purchase", ["--as-of", "2026-01-20T00:00:00Z"] },
    };

    /// <summary><c>report</c> streams in three passes (bounds; analysis, score ↔ KPI link, backtest fitting; backtest
    /// scoring): the page is the whole read's, byte for byte.</summary>
    [Theory]
    [MemberData(nameof(Reports))]
    public void Sample_Report_StreamedEqualsWhole(string sample, string[] options)
    {
        string events = TestPaths.Sample(sample + ".events.csv");
        string journey = TestPaths.Sample(sample + ".journey.json");
        if (options is [.., "--customers", "cohort"])
        {
            string cohort = Path.Combine(_dir, "cohort.csv");
            File.WriteAllText(cohort, "customer_id\nc0001\nc0042\nc0100\nc0777\nc1234\nc1999\nnobody\n");
            options = [.. options[..^1], cohort];
        }

        (byte[] streamed, byte[] whole) = BothReports(events, ["-j", journey, .. options], batchEvents: 97);
        Assert.Equal(whole, streamed);
    }

    [Property(MaxTest = 8)]
    public void GeneratedFiles_Report_StreamedEqualsWhole(ushort seed, byte batch, bool asOf)
    {
        string events = Path.Combine(_dir, $"r{seed}.csv");
        CliRun generate = CliRunner.Run("generate", "-j", TestPaths.ShopJourney, "-n", (50 + (seed % 150)).ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", events);
        Assert.True(generate.Exit == 0, generate.Err);
        string[] options = asOf ? ["-j", TestPaths.ShopJourney, "--as-of", "2026-01-20T00:00:00Z"] : ["-j", TestPaths.ShopJourney];
        (byte[] streamed, byte[] whole) = BothReports(events, options, batchEvents: 1 + batch);
        Assert.Equal(whole, streamed);
        File.Delete(events);
    }

    /// <summary>The bank sample ordered by time (not grouped by customer): <c>report</c> sorts it by customer on disk (in
    /// runs of 500 events) and gives the whole read's page.</summary>
    [Fact]
    public void Report_NotGrouped_SortsItByCustomerOnDisk_SamePage()
    {
        string[] lines = File.ReadAllLines(TestPaths.Sample("retail-bank-account-opening.events.csv"));
        string events = Path.Combine(_dir, "by-time.csv");
        File.WriteAllLines(events, [lines[0], .. lines.Skip(1).OrderBy(l => l.Split(',')[2], StringComparer.Ordinal)]);
        string html = Path.Combine(_dir, "by-time.html");
        CliEventStream.BatchEventsForTests.Value = 97;
        CliEventSource.RunEventsForTests.Value = 500;
        CliRun streamed;
        try
        {
            streamed = CliRunner.Run("report", "-j", TestPaths.BankJourney, "--as-of", "2026-02-01T00:00:00Z", "--events", events, "--out", html);
        }
        finally
        {
            CliEventStream.BatchEventsForTests.Value = null;
            CliEventSource.RunEventsForTests.Value = null;
        }

        Assert.True(streamed.Exit == 0, streamed.Err);
        Assert.Contains("by-time.csv is not grouped by customer", streamed.Err, StringComparison.Ordinal);
        Assert.Contains("sorting it by customer in a temporary file", streamed.Err, StringComparison.Ordinal);
        CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(events), ["report", "-j", TestPaths.BankJourney, "--as-of", "2026-02-01T00:00:00Z", "--events", "-", "--out", html + ".whole"]);
        Assert.True(whole.Exit == 0, whole.Err);
        Assert.Equal(File.ReadAllBytes(html + ".whole"), File.ReadAllBytes(html));
    }

    [Fact]
    public void Score_EmptyFile_StreamedEqualsWhole()
    {
        string events = Path.Combine(_dir, "empty.csv");
        File.WriteAllText(events, "customer_id,touchpoint,timestamp\n");
        foreach (string format in (string[])["json", "table"])
        {
            (CliRun streamed, CliRun whole) = Both(events, ["score", "-j", TestPaths.BankJourney, "--format", format], batchEvents: 3);
            Assert.Equal(0, streamed.Exit);
            Assert.Equal(whole.Out, streamed.Out);
        }
    }

    [Property(MaxTest = 12)]
    public void GeneratedFiles_StreamedEqualsWhole(ushort seed, byte batch, bool asOf)
    {
        string events = Path.Combine(_dir, $"g{seed}.csv");
        CliRun generate = CliRunner.Run("generate", "-j", TestPaths.ShopJourney, "-n", (50 + (seed % 150)).ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", events);
        Assert.True(generate.Exit == 0, generate.Err);
        string[] analyze = ["analyze", "-j", TestPaths.ShopJourney, "--format", "json", "--funnel", "web.browse,cart.add,checkout.start,order.placed", "--window", "1d"];
        if (asOf)
        {
            analyze = [.. analyze, "--as-of", "2026-01-20T00:00:00Z"];
        }

        (CliRun streamed, CliRun whole) = Both(events, analyze, batchEvents: 1 + batch);
        Assert.True(streamed.Exit == 0, streamed.Err);
        Assert.Equal(whole.Out, streamed.Out);
        string[] score = asOf ? ["score", "-j", TestPaths.ShopJourney, "--format", "json", "--as-of", "2026-01-20T00:00:00Z"] : ["score", "-j", TestPaths.ShopJourney];
        (streamed, whole) = Both(events, score, batchEvents: 1 + batch);
        Assert.True(streamed.Exit == 0, streamed.Err);
        Assert.Equal(whole.Out, streamed.Out);
        File.Delete(events);
    }

    [Fact]
    public void NotGrouped_SaysSoAndSortsItByCustomerOnDisk()
    {
        // c1's third event comes after c2's, and batches of 2 cut c1's batch before c2: not grouped.
        string events = Path.Combine(_dir, "mixed.csv");
        File.WriteAllText(events, "customer_id,touchpoint,timestamp\nc1,application.start,2026-01-01T00:00:00Z\nc1,application.submit,2026-01-01T01:00:00Z\nc2,application.start,2026-01-01T02:00:00Z\nc1,id.upload,2026-01-01T03:00:00Z\n");
        (CliRun streamed, CliRun whole) = Both(events, ["analyze", "-j", TestPaths.BankJourney, "--format", "json"], batchEvents: 2);
        Assert.Equal(0, streamed.Exit);
        Assert.Equal(whole.Out, streamed.Out);
        Assert.Contains("mixed.csv is not grouped by customer (customer 'c1'", streamed.Err, StringComparison.Ordinal);
        Assert.Contains("sorting it by customer in a temporary file", streamed.Err, StringComparison.Ordinal); // CliEventSourceTests: the sorted read
    }

    [Fact]
    public void BadRow_FailsWithTheSameLocatedError()
    {
        string events = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(events, "customer_id,touchpoint,timestamp\nc1,application.start,2026-01-01T00:00:00Z\nc1,application.submit,2026-01-01T01:00:00Z\nc2,application.start,2026-01-01T02:00:00Z\nc3,id.upload,nope\n");
        (CliRun streamed, CliRun whole) = Both(events, ["analyze", "-j", TestPaths.BankJourney], batchEvents: 2);
        Assert.Equal(1, streamed.Exit);
        Assert.Equal(whole.Exit, streamed.Exit);
        Assert.Contains("bad.csv:5", streamed.Err, StringComparison.Ordinal);
        Assert.Equal(whole.Err.Replace("<stdin>", events, StringComparison.Ordinal), streamed.Err);
    }

    /// <summary><c>report</c> on the file (streamed) and on its bytes from stdin (whole): the two pages, after checking both
    /// runs succeeded and said the same on stdout.</summary>
    private (byte[] Streamed, byte[] Whole) BothReports(string events, string[] options, int batchEvents)
    {
        string streamedHtml = Path.Combine(_dir, "streamed.html"), wholeHtml = Path.Combine(_dir, "whole.html");
        CliRun streamed;
        CliEventStream.BatchEventsForTests.Value = batchEvents;
        try
        {
            streamed = CliRunner.Run(["report", .. options, "--out", streamedHtml, "--events", events]);
        }
        finally
        {
            CliEventStream.BatchEventsForTests.Value = null;
        }

        CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(events), ["report", .. options, "--out", wholeHtml, "--events", "-"]);
        Assert.True(streamed.Exit == 0, streamed.Err);
        Assert.True(whole.Exit == 0, whole.Err);
        Assert.Equal(whole.Out.Replace(wholeHtml, streamedHtml, StringComparison.Ordinal), streamed.Out);
        return (File.ReadAllBytes(streamedHtml), File.ReadAllBytes(wholeHtml));
    }

    /// <summary>The command on the file (streamed, in batches of <paramref name="batchEvents"/>) and on its bytes from stdin (whole).</summary>
    private static (CliRun Streamed, CliRun Whole) Both(string events, string[] command, int batchEvents)
    {
        CliRun streamed;
        CliEventStream.BatchEventsForTests.Value = batchEvents;
        try
        {
            streamed = CliRunner.Run([.. command, "--events", events]);
        }
        finally
        {
            CliEventStream.BatchEventsForTests.Value = null;
        }

        CliRun whole = CliRunner.RunWithStdin(File.ReadAllBytes(events), [.. command, "--events", "-"]);
        return (streamed, whole);
    }
}
