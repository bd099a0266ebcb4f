using System.Text.Json;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli;

public sealed class AnalyzeCommandTests
{
    private static readonly string Events = TestPaths.Sample("retail-bank-account-opening.events.csv");

    [Fact]
    public void Analyze_Json_HasEverySectionAndConsistentFunnel()
    {
        CliRun run = CliRunner.Run("analyze", "--journey", TestPaths.BankJourney, "--events", Events, "--format", "json", "--funnel", "application.start,application.submit", "--window", "3d");
        Assert.Equal(0, run.Exit);
        using var doc = JsonDocument.Parse(run.Out);
        JsonElement a = doc.RootElement.GetProperty("analysis");
        foreach (string key in new[] { "funnel", "segments", "time_in_stage", "stuck_now", "dead_ends", "paths", "channel_switches", "channel_attribution", "touchpoint_attribution", "risk", "at_risk", "scores" })
        {
            Assert.True(a.TryGetProperty(key, out _), key);
        }

        // The sample has 2,000 customers (samples/data was generated with --customers 2000) and every one starts in discover.
        Assert.Equal(2000, a.GetProperty("customers").GetInt32());
        JsonElement funnel = a.GetProperty("funnel");
        Assert.Equal("discover", funnel[0].GetProperty("stage_id").GetString());
        Assert.Equal(2000, funnel[0].GetProperty("reached").GetInt32());
        Assert.Equal(a.GetProperty("goal_reached").GetInt32(), funnel[funnel.GetArrayLength() - 1].GetProperty("reached").GetInt32());
        JsonElement product = doc.RootElement.GetProperty("product_funnel");
        Assert.Equal("Ordered", product.GetProperty("type").GetString());
        Assert.Equal(259200, product.GetProperty("window").GetDouble()); // 3 days in seconds
        Assert.Equal(2, product.GetProperty("steps").GetArrayLength());
        Assert.Equal(0, product.GetProperty("steps")[0].GetProperty("in_progress").GetInt32());
        Assert.True(product.TryGetProperty("as_of", out _));
        JsonElement times = Assert.Single(doc.RootElement.GetProperty("product_funnel_times").EnumerateArray());
        Assert.Equal(1, times.GetProperty("from_step").GetInt32());
        Assert.Equal(product.GetProperty("steps")[1].GetProperty("customers").GetInt32(), times.GetProperty("customers").GetInt32());
    }

    [Fact]
    public void Analyze_ProductFunnelStepConstraints_CountFewerOrEqual_Issue16()
    {
        // A maximum on step 1 → 2 can only remove conversions: at most 1 minute keeps fewer than the 3-day window alone.
        string[] common = ["analyze", "-j", TestPaths.BankJourney, "-e", Events, "--format", "json", "--funnel", "application.start,application.submit", "--window", "3d"];
        using var plain = JsonDocument.Parse(CliRunner.Run(common).Out);
        CliRun run = CliRunner.Run([.. common, "--step-within", "1-2:1m"]);
        Assert.True(run.Exit == 0, run.Err);
        using var constrained = JsonDocument.Parse(run.Out);
        int Reached(JsonDocument d) => d.RootElement.GetProperty("product_funnel").GetProperty("steps")[1].GetProperty("customers").GetInt32();
        Assert.True(Reached(constrained) < Reached(plain), $"{Reached(constrained)} vs {Reached(plain)}");

        CliRun unordered = CliRunner.Run([.. common, "--funnel-type", "unordered", "--step-within", "1-2:1m"]);
        Assert.Equal(2, unordered.Exit);
        Assert.Contains("unordered", unordered.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_Table_PrintsTheSections()
    {
        CliRun run = CliRunner.Run("analyze", "-j", TestPaths.BankJourney, "-e", Events, "--as-of", "2026-01-20T00:00:00Z");
        Assert.Equal(0, run.Exit);
        foreach (string title in new[] { "Stage funnel", "Time in stage vs standard time", "Dead ends", "Path variants", "Channel attribution", "Customers at risk" })
        {
            Assert.Contains(title, run.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--risk-threshold", "2", "--risk-threshold must be between 0 and 1")]
    [InlineData("--exclude", "x@9", "--exclude 'x@9': expected TOUCHPOINT@STEP")]
    [InlineData("--as-of", "yesterday", "--as-of: 'yesterday' is not an ISO-8601 timestamp")]
    public void Analyze_BadOptions_ExplainWhatIsWrong(string option, string value, string message)
    {
        string[] args = option == "--exclude"
            ? ["analyze", "-j", TestPaths.BankJourney, "-e", Events, "--funnel", "a,b", option, value]
            : ["analyze", "-j", TestPaths.BankJourney, "-e", Events, option, value];
        CliRun run = CliRunner.Run(args);
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ReplacesTheFileAtomically_AndReportsWhereItIs()
    {
        string path = Path.Combine(Path.GetTempPath(), "jk-report-" + Guid.NewGuid().ToString("N") + ".html");
        File.WriteAllText(path, "old");
        CliRun run = CliRunner.Run("report", "-j", TestPaths.BankJourney, "-e", Events, "--out", path);
        Assert.Equal(0, run.Exit);
        Assert.StartsWith("Wrote " + path, run.Out, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Report_MissingEventsFile_ExitsWithTheFileNotFoundCode()
    {
        CliRun run = CliRunner.Run("report", "-j", TestPaths.BankJourney, "-e", "missing.csv", "--out", Path.Combine(Path.GetTempPath(), "x.html"));
        Assert.NotEqual(0, run.Exit);
        Assert.Contains("missing.csv", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_StatusLine_OnlyOnATerminal_AndCleared()
    {
        CliRun piped = CliRunner.Run("analyze", "-j", TestPaths.BankJourney, "-e", Events);
        Assert.DoesNotContain("analysing", piped.Err, StringComparison.Ordinal);
        CliRun terminal = CliRunner.Run(true, "analyze", "-j", TestPaths.BankJourney, "-e", Events);
        Assert.Equal(0, terminal.Exit);
        Assert.Matches(@"analysing 2,000 customers \([\d,]+ events\)…", terminal.Err); // the sample has 2,000 customers
        Assert.EndsWith("\r", terminal.Err, StringComparison.Ordinal); // the line is blanked out again
    }
}
