using System.Text.Json;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Cli.Commands;

/// <summary><c>journeykit backtest --next</c> and the next-touchpoint part of <c>score --explain</c>.</summary>
public sealed class BacktestNextCommandTests
{
    private static readonly string Events = TestPaths.Sample("retail-bank-account-opening.events.csv");

    [Fact]
    public void BacktestNext_Json_IsTheLibrarysResult()
    {
        CliRun run = CliRunner.Run("backtest", "--next", "-j", TestPaths.BankJourney, "-e", Events, "--cutoff", "2026-01-25T00:00:00Z", "--cutoff", "2026-01-20T00:00:00Z", "--format", "json");
        Assert.Equal(0, run.Exit);
        using var doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal(["markov-1", "markov-3"], root.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(0.1, root.GetProperty("lower_quantile").GetDouble());

        NextStepBacktestResult expected = NextStepBacktest.Run(
            JourneyKit.Model.Json.JourneyJson.LoadFile(TestPaths.BankJourney).Compile(),
            JourneyKit.Events.EventFile.Read(Events).Batch,
            new NextStepBacktestOptions { Cutoffs = [new(2026, 1, 20, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 25, 0, 0, 0, TimeSpan.Zero)] });
        JsonElement[] cutoffs = [.. root.GetProperty("cutoffs").EnumerateArray()];
        Assert.Equal(["2026-01-20T00:00:00Z", "2026-01-25T00:00:00Z"], cutoffs.Select(c => c.GetProperty("cutoff").GetString()));
        for (int i = 0; i < cutoffs.Length; i++)
        {
            NextStepCutoff c = expected.Cutoffs[i];
            JsonElement json = cutoffs[i];
            Assert.Equal(c.OpenRuns, json.GetProperty("open_runs").GetInt32());
            Assert.Equal(c.OpenRuns, c.ReachedGoal + c.NeverReached + c.Censored);
            Assert.Equal(c.ReachedGoal + c.NeverReached + c.Censored, json.GetProperty("reached_goal").GetInt32() + json.GetProperty("never_reached").GetInt32() + json.GetProperty("censored").GetInt32());
            JsonElement[] models = [.. json.GetProperty("models").EnumerateArray()];
            for (int m = 0; m < models.Length; m++)
            {
                Assert.Equal(Math.Round(c.Models[m].Top1!.Value, 6), models[m].GetProperty("top1").GetDouble());
                Assert.Equal(Math.Round(c.Models[m].RemainingMaeHours!.Value * 3600, 3), models[m].GetProperty("remaining_mae_seconds").GetDouble(), 6); // hours × 3,600 s
                Assert.Equal(c.Models[m].CoverageKnown, models[m].GetProperty("coverage_known").GetInt32());
            }
        }

        Assert.Equal(2, root.GetProperty("summary")[1].GetProperty("top1").GetProperty("cutoffs").GetInt32());
    }

    [Fact]
    public void BacktestNext_Table_AndEveryPrefix()
    {
        CliRun table = CliRunner.Run("backtest", "--next", "--order", "2", "-j", TestPaths.BankJourney, "-e", Events, "--cutoff", "2026-01-20T00:00:00Z");
        Assert.Equal(0, table.Exit);
        foreach (string text in new[] { "Cut-off 2026-01-20T00:00:00Z", "markov-1", "markov-2", "top-3", "coverage", "Over 1 cut-offs" })
        {
            Assert.Contains(text, table.Out, StringComparison.Ordinal);
        }

        CliRun prefixes = CliRunner.Run("backtest", "--next", "--every-prefix", "-j", TestPaths.BankJourney, "-e", Events, "--format", "json");
        Assert.Equal(0, prefixes.Exit);
        using var doc = JsonDocument.Parse(prefixes.Out);
        JsonElement[] results = [.. doc.RootElement.GetProperty("results").EnumerateArray()];
        Assert.Equal([(true, 1), (false, 1), (true, 2)], results.Select(r => (r.GetProperty("predict_end").GetBoolean(), r.GetProperty("min_prefix_length").GetInt32())));
        EveryPrefixResult expected = NextStepBacktest.EveryPrefix(JourneyKit.Events.EventFile.Read(Events).Batch, [NextStepOptions.FirstOrderMarkov, new NextStepOptions()], 2 / 3.0, predictEnd: true, minimumPrefixLength: 1);
        Assert.Equal(expected.Prefixes, results[0].GetProperty("prefixes").GetInt32());
        Assert.Equal(Math.Round(expected.Models[1].Top1!.Value, 6), results[0].GetProperty("models")[1].GetProperty("top1").GetDouble());
    }

    [Theory]
    [InlineData("--every-prefix", "--every-prefix goes with --next")]
    [InlineData("--next --order 5", "--order must be between 1 and 4")]
    [InlineData("--next", "--cutoff")]
    public void BacktestNext_BadOptions_AreUsageErrors(string options, string message)
    {
        CliRun run = CliRunner.Run(["backtest", "-j", TestPaths.BankJourney, "-e", Events, .. options.Split(' ')]);
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreExplain_GivesTheLikelyNextTouchpoints()
    {
        // Every open customer's prediction carries the next-touchpoint model fitted at the as-of instant: the same as the library's.
        var asOf = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        CliRun run = CliRunner.Run("score", "-j", TestPaths.BankJourney, "-e", Events, "--as-of", "2026-02-01T00:00:00Z", "--explain", "--format", "json");
        Assert.Equal(0, run.Exit);
        var evaluator = new JourneyKit.Scoring.JourneyEvaluator(JourneyKit.Model.Json.JourneyJson.LoadFile(TestPaths.BankJourney).Compile());
        JourneyKit.Events.EventBatch batch = JourneyKit.Events.EventFile.Read(Events).Batch.Until(asOf);
        Dictionary<string, RunNextStep> expected = NextStepModel.Fit(evaluator, batch, asOf).PredictOpenRuns(batch).ToDictionary(r => r.CustomerId);
        using var doc = JsonDocument.Parse(run.Out);
        int checkedRuns = 0;
        foreach (JsonElement c in doc.RootElement.GetProperty("customers").EnumerateArray())
        {
            if (!c.TryGetProperty("prediction", out JsonElement p))
            {
                continue;
            }

            NextStepPrediction e = expected[c.GetProperty("customer_id").GetString()!].Prediction;
            JsonElement next = p.GetProperty("next");
            Assert.Equal(e.Next.Select(t => t.Touchpoint), next.GetProperty("touchpoints").EnumerateArray().Select(t => t.GetProperty("touchpoint").GetString()));
            Assert.Equal(Math.Round(e.GoalProbability, 4), next.GetProperty("goal_probability").GetDouble());
            JsonElement median = next.GetProperty("remaining_median_seconds");
            Assert.Equal(e.RemainingMedian is { } m ? (long)m.TotalSeconds : (long?)null, median.ValueKind == JsonValueKind.Null ? null : median.GetInt64());
            checkedRuns++;
        }

        Assert.True(checkedRuns > 100);
    }
}
