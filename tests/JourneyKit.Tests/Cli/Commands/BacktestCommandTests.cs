using System.Text.Json;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class BacktestCommandTests
{
    private static readonly string Events = TestPaths.Sample("retail-bank-account-opening.events.csv");

    [Fact]
    public void Backtest_Json_HasEveryCutoffTargetAndModel_AndTheSummary()
    {
        CliRun run = CliRunner.Run("backtest", "-j", TestPaths.BankJourney, "-e", Events, "--cutoff", "2026-01-20T00:00:00Z", "--cutoff", "2026-01-15T00:00:00Z", "--horizon", "7d", "--format", "json");
        Assert.Equal(0, run.Exit);
        using var doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal(604800, root.GetProperty("horizon_seconds").GetInt64()); // 7 days
        Assert.Equal(["historical-rate", "kaplan-meier", "boosted-trees"], root.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        JsonElement cutoffs = root.GetProperty("cutoffs");
        Assert.Equal(["2026-01-15T00:00:00Z", "2026-01-20T00:00:00Z"], cutoffs.EnumerateArray().Select(c => c.GetProperty("cutoff").GetString()));
        foreach (JsonElement c in cutoffs.EnumerateArray())
        {
            Assert.Equal(["not_progressing", "missing_goal"], c.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()));
            foreach (JsonElement t in c.GetProperty("targets").EnumerateArray())
            {
                // Known and censored runs add up to the predicted ones; each model's bins add up to the known ones.
                Assert.Equal(c.GetProperty("predicted").GetInt32(), t.GetProperty("known").GetInt32() + t.GetProperty("censored").GetInt32());
                foreach (JsonElement m in t.GetProperty("models").EnumerateArray())
                {
                    Assert.Equal(t.GetProperty("known").GetInt32(), m.GetProperty("calibration").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
                    Assert.InRange(m.GetProperty("auc").GetDouble(), 0, 1);
                }
            }
        }

        Assert.Equal(6, root.GetProperty("summary").GetArrayLength()); // 2 targets × 3 models
        Assert.Equal(2, root.GetProperty("summary")[0].GetProperty("auc").GetProperty("cutoffs").GetInt32());
    }

    [Fact]
    public void Backtest_Table_PrintsEachCutoffAndTheSummary()
    {
        CliRun run = CliRunner.Run("backtest", "-j", TestPaths.BankJourney, "-e", Events, "--cutoff", "2026-01-20T00:00:00Z");
        Assert.Equal(0, run.Exit);
        foreach (string text in new[] { "Cut-off 2026-01-20T00:00:00Z", "not progressing past the stage within 14d", "never reaching the goal", "decile", "kaplan-meier", "Over 1 cut-offs" })
        {
            Assert.Contains(text, run.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--cutoff", "yesterday", "--cutoff: 'yesterday' is not an ISO-8601 timestamp")]
    [InlineData("--cutoff", "2030-01-01T00:00:00Z", "--cutoff 2030-01-01T00:00:00Z is outside the data")]
    [InlineData("--horizon", "0s", "--horizon must be a positive, bounded duration")]
    [InlineData("--risk-threshold", "-1", "--risk-threshold must be between 0 and 1")]
    public void Backtest_BadOptions_ExplainWhatIsWrong(string option, string value, string message)
    {
        string[] args = option == "--cutoff"
            ? ["backtest", "-j", TestPaths.BankJourney, "-e", Events, option, value]
            : ["backtest", "-j", TestPaths.BankJourney, "-e", Events, "--cutoff", "2026-01-20T00:00:00Z", option, value];
        CliRun run = CliRunner.Run(args);
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_WithoutCutoff_IsAUsageError()
    {
        CliRun run = CliRunner.Run("backtest", "-j", TestPaths.BankJourney, "-e", Events);
        Assert.Equal(2, run.Exit);
        Assert.Contains("--cutoff", run.Err, StringComparison.Ordinal);
    }
}
