using System.Text.RegularExpressions;
using JourneyKit.Reporting;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli.Commands;

/// <summary>
/// <c>journeykit report</c> on the bundled samples (the report's content, layout and browser tests are in
/// tests/JourneyKit.Reporting.Tests).
/// </summary>
public sealed partial class ReportCommandTests
{
    private static string RenderSample()
    {
        string path = Path.Combine(TestTemp.Root, "jk-report-" + Guid.NewGuid().ToString("N") + ".html");
        CliRun run = CliRunner.Run(
            "report", "--journey", TestPaths.BankJourney, "--events", TestPaths.Sample("retail-bank-account-opening.events.csv"),
            "--as-of", "2026-01-20T00:00:00Z", "--out", path);
        Assert.Equal(0, run.Exit);
        Assert.Contains(path, run.Out, StringComparison.Ordinal);
        return path;
    }

    [Fact]
    public void Report_Cli_WritesASelfContainedPage_WithEverySectionAndChart()
    {
        string html = File.ReadAllText(RenderSample());
        ReportChecks.SelfContainedWithCharts(html);
    }

    [Theory]
    [InlineData("retail-bank-account-opening", "2026-01-20T00:00:00Z")]
    [InlineData("retail-bank-account-opening", null)]
    [InlineData("ecommerce-purchase", null)]
    public void Report_StateTiles_AreExclusive_AndAddUpToTheCustomers(string sample, string? asOf)
    {
        // Issue 14: on the bundled samples the tiles used to overlap (874 of 876 "stuck" were dead ends). The five state
        // tiles must add up to the customer count, which is counted here straight from the file (distinct customer ids with
        // an event at or before the instant).
        string events = TestPaths.Sample(sample + ".events.csv");
        string path = Path.Combine(TestTemp.Root, "jk-report-" + Guid.NewGuid().ToString("N") + ".html");
        string[] args = asOf is null
            ? ["report", "--journey", TestPaths.Sample(sample + ".journey.json"), "--events", events, "--out", path]
            : ["report", "--journey", TestPaths.Sample(sample + ".journey.json"), "--events", events, "--as-of", asOf, "--out", path];
        Assert.Equal(0, CliRunner.Run(args).Exit);
        string html = File.ReadAllText(path);
        DateTimeOffset limit = asOf is null ? DateTimeOffset.MaxValue : DateTimeOffset.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture);
        int customers = File.ReadLines(events).Skip(1).Select(l => l.Split(','))
            .Where(f => DateTimeOffset.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) <= limit)
            .Select(f => f[0]).Distinct().Count();
        string tiles = html[html.IndexOf("<dl class=\"tiles\" id=\"states\">", StringComparison.Ordinal)..];
        tiles = tiles[..tiles.IndexOf("</dl>", StringComparison.Ordinal)];
        var counts = TileCount().Matches(tiles).Select(m => (Label: m.Groups[1].Value, Count: int.Parse(m.Groups[2].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["In progress", "Stuck", "Dormant", "Converted", "Failed"], counts.Select(c => c.Label));
        Assert.Equal(customers, counts.Sum(c => c.Count));
        File.Delete(path);
    }

    [GeneratedRegex("<dt>([^<]+)</dt><dd>([0-9,]+) ")]
    private static partial Regex TileCount();
}
