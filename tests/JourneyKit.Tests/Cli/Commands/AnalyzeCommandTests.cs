using System.Text.Json;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli.Commands;

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
        Assert.Equal("ordered", product.GetProperty("type").GetString()); // snake_case enum values, like every name
        Assert.Equal(259200, product.GetProperty("window_seconds").GetDouble()); // 3 days in seconds
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
    public void Analyze_FunnelExplain_WritesTheChainAndTheLateStep_Issue16()
    {
        // c42: start@09:00 (e1), submit@09:40 (e2), upload@10:05 (e3); window 1h. e1 → e2 is 40 min = 2,400 s, inside;
        // e3 is 65 min after step 1, outside the 1h window → level 2, chain e1, e2, next step e3 rejected for "window".
        // c7 reaches all three steps (e5, e6, e7 within 20 min) and must not leak into c42's explanation.
        string file = Path.Combine(TestTemp.Root, "jk-analyze-explain-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(file, """
            customer_id,touchpoint,timestamp,event_id
            c42,application.start,2026-05-01T09:00:00Z,e1
            c42,application.submit,2026-05-01T09:40:00Z,e2
            c42,id.upload,2026-05-01T10:05:00Z,e3
            c7,application.start,2026-05-01T09:00:00Z,e5
            c7,application.submit,2026-05-01T09:10:00Z,e6
            c7,id.upload,2026-05-01T09:20:00Z,e7
            """);
        string[] common = ["analyze", "-j", TestPaths.BankJourney, "-e", file, "--funnel", "application.start,application.submit,id.upload", "--window", "1h"];
        CliRun run = CliRunner.Run([.. common, "--explain", "c42"]);

        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal("c42", root.GetProperty("customer_id").GetString());
        Assert.Equal(2, root.GetProperty("level").GetInt32());
        Assert.Equal(3, root.GetProperty("step_count").GetInt32());
        Assert.Equal(["e1", "e2"], root.GetProperty("chain").EnumerateArray().Select(s => s.GetProperty("event_id").GetString()));
        Assert.Equal(["application.start", "application.submit"], root.GetProperty("chain").EnumerateArray().Select(s => s.GetProperty("touchpoint").GetString()));
        Assert.Equal("2026-05-01T09:40:00Z", root.GetProperty("chain")[1].GetProperty("timestamp").GetString());
        Assert.Equal(2400, root.GetProperty("chain")[1].GetProperty("since_previous_seconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("stopped").ValueKind);
        JsonElement next = root.GetProperty("next_step");
        Assert.Equal("window", next.GetProperty("code").GetString());
        Assert.Equal(3, next.GetProperty("step").GetInt32());
        Assert.Equal("e3", next.GetProperty("event_id").GetString());

        using JsonDocument full = JsonDocument.Parse(CliRunner.Run("funnel", "-e", file, "--steps", "application.start,application.submit,id.upload", "--window", "1h", "--explain", "c42").Out);
        Assert.Equal(full.RootElement.GetProperty("chain").GetRawText(), root.GetProperty("chain").GetRawText()); // the same code as funnel --explain

        CliRun missing = CliRunner.Run([.. common, "--explain", "nobody"]);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("nobody", missing.Err, StringComparison.Ordinal);
        CliRun strict = CliRunner.Run([.. common, "--funnel-type", "strict", "--explain", "c42"]);
        Assert.Equal(2, strict.Exit);
        Assert.Contains("ordered --funnel without --exclude", strict.Err, StringComparison.Ordinal);
        CliRun noFunnel = CliRunner.Run("analyze", "-j", TestPaths.BankJourney, "-e", file, "--explain", "c42");
        Assert.Equal(2, noFunnel.Exit);
        Assert.Contains("--explain needs --funnel", noFunnel.Err, StringComparison.Ordinal);
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
        string path = Path.Combine(TestTemp.Root, "jk-report-" + Guid.NewGuid().ToString("N") + ".html");
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
        CliRun run = CliRunner.Run("report", "-j", TestPaths.BankJourney, "-e", "missing.csv", "--out", Path.Combine(TestTemp.Root, "x.html"));
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
