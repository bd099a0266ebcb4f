using System.Globalization;
using System.Text.Json;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;

namespace JourneyKit.Cli.Commands;

/// <summary>The table and JSON output of <c>journeykit backtest --next</c> (docs/prediction.md, "What happens next").</summary>
internal static class BacktestNextOutput
{
    /// <summary>The models <c>--next</c> compares: the first-order Markov baseline, then order <paramref name="order"/> (when above 1).</summary>
    public static IReadOnlyList<NextStepOptions> Models(int order) =>
        order == 1 ? [NextStepOptions.FirstOrderMarkov] : [NextStepOptions.FirstOrderMarkov, new NextStepOptions { Name = "markov-" + order.ToString(CultureInfo.InvariantCulture), Order = order }];

    public static void WriteTables(TextWriter output, NextStepBacktestResult r, IReadOnlyList<NextStepOptions> models)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        NextStepOptions o = models[0];
        output.WriteLine(string.Create(inv, $"Next touchpoint and remaining time to the goal for '{r.JourneyId}': outcomes known until {DisplayFormat.Instant(r.DataEnd)}; remaining-time interval {o.LowerQuantile:0.##}–{o.UpperQuantile:0.##} quantile (nominal coverage {o.UpperQuantile - o.LowerQuantile:0.##})."));
        foreach (NextStepCutoff c in r.Cutoffs)
        {
            output.WriteLine();
            output.WriteLine(string.Create(inv, $"Cut-off {DisplayFormat.Instant(c.Cutoff)}: fitted on {DisplayFormat.Count(c.TrainingEvents)} events; {DisplayFormat.Count(c.OpenRuns)} runs open: {DisplayFormat.Count(c.WithNextEvent)} with a later event, {DisplayFormat.Count(c.ReachedGoal)} reached the goal, {DisplayFormat.Count(c.NeverReached)} ended without it, {DisplayFormat.Count(c.Censored)} still open at the end (censored)."));
            var rows = new List<IReadOnlyList<string>>();
            foreach (NextStepEvaluation m in c.Models)
            {
                rows.Add([m.Model, F(m.Top1), F(m.Top3), F(m.Goal.Auc), m.Goal.Count > 0 ? F(m.Goal.Brier) : "-", H(m.RemainingMaeHours), DisplayFormat.Count(m.RemainingKnown), F(m.Coverage), DisplayFormat.Count(m.CoverageKnown)]);
            }

            CliOutput.WriteTable(output, ["model", "top-1", "top-3", "goal AUC", "goal Brier", "MAE (h)", "runs", "coverage", "runs"], rows);
        }

        output.WriteLine();
        output.WriteLine(string.Create(inv, $"Over {r.Cutoffs.Count} cut-offs (mean ± standard deviation)"));
        var summary = new List<IReadOnlyList<string>>();
        foreach (NextStepSummary s in r.Summary)
        {
            summary.Add([s.Model, MeanSd(s.Top1), MeanSd(s.Top3), MeanSd(s.GoalAuc), MeanSd(s.GoalBrier), MeanSd(s.RemainingMaeHours, "0.0"), MeanSd(s.Coverage)]);
        }

        CliOutput.WriteTable(output, ["model", "top-1", "top-3", "goal AUC", "goal Brier", "MAE (h)", "coverage"], summary);
    }

    public static void WriteJson(TextWriter output, NextStepBacktestResult r, IReadOnlyList<NextStepOptions> models) => CliOutput.WriteJson(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("journey_id", r.JourneyId);
        CliJson.WriteInstant(json, "data_end", r.DataEnd);
        json.WriteNumber("lower_quantile", models[0].LowerQuantile);
        json.WriteNumber("upper_quantile", models[0].UpperQuantile);
        json.WriteStartArray("models");
        foreach (string m in r.Models)
        {
            json.WriteStringValue(m);
        }

        json.WriteEndArray();
        json.WriteStartArray("cutoffs");
        foreach (NextStepCutoff c in r.Cutoffs)
        {
            json.WriteStartObject();
            CliJson.WriteInstant(json, "cutoff", c.Cutoff);
            json.WriteNumber("training_events", c.TrainingEvents);
            json.WriteNumber("open_runs", c.OpenRuns);
            json.WriteNumber("with_next_event", c.WithNextEvent);
            json.WriteNumber("reached_goal", c.ReachedGoal);
            json.WriteNumber("never_reached", c.NeverReached);
            json.WriteNumber("censored", c.Censored);
            json.WriteStartArray("models");
            foreach (NextStepEvaluation m in c.Models)
            {
                json.WriteStartObject();
                json.WriteString("model", m.Model);
                json.WriteNumber("next_known", m.NextKnown);
                BacktestCommand.Number(json, "top1", m.Top1);
                BacktestCommand.Number(json, "top3", m.Top3);
                json.WriteStartObject("goal");
                json.WriteNumber("count", m.Goal.Count);
                json.WriteNumber("positives", m.Goal.Positives);
                BacktestCommand.Number(json, "auc", m.Goal.Auc);
                BacktestCommand.Number(json, "brier", m.Goal.Count > 0 ? m.Goal.Brier : null);
                BacktestCommand.Number(json, "ece", m.Goal.Count > 0 ? m.Goal.ExpectedCalibrationError : null);
                json.WriteEndObject();
                json.WriteNumber("remaining_known", m.RemainingKnown);
                BacktestCommand.Number(json, "remaining_mae_seconds", Seconds(m.RemainingMaeHours));
                json.WriteNumber("coverage_known", m.CoverageKnown);
                BacktestCommand.Number(json, "coverage", m.Coverage);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("summary");
        foreach (NextStepSummary s in r.Summary)
        {
            json.WriteStartObject();
            json.WriteString("model", s.Model);
            BacktestCommand.Summary(json, "top1", s.Top1);
            BacktestCommand.Summary(json, "top3", s.Top3);
            BacktestCommand.Summary(json, "goal_auc", s.GoalAuc);
            BacktestCommand.Summary(json, "goal_brier", s.GoalBrier);
            BacktestCommand.Summary(json, "remaining_mae_seconds", new MetricSummary(s.RemainingMaeHours.Count, Seconds(s.RemainingMaeHours.Mean), Seconds(s.RemainingMaeHours.StandardDeviation), Seconds(s.RemainingMaeHours.Min), Seconds(s.RemainingMaeHours.Max)));
            BacktestCommand.Summary(json, "coverage", s.Coverage);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>Hours (the library's unit for remaining-time errors) as JSON seconds, millisecond precision like every duration.</summary>
    private static double? Seconds(double? hours) => hours is { } h ? CliJson.Seconds(TimeSpan.FromHours(h)) : null;

    public static void WriteEveryPrefixTable(TextWriter output, IReadOnlyList<EveryPrefixResult> results)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        EveryPrefixResult first = results[0];
        output.WriteLine(string.Create(inv, $"Next touchpoint on every prefix (one customer = one case): trained on the first {DisplayFormat.Count(first.TrainingCases)} cases by first event, tested on the {DisplayFormat.Count(first.TestCases)} later ones."));
        var rows = new List<IReadOnlyList<string>>();
        foreach (EveryPrefixResult r in results)
        {
            foreach (EveryPrefixAccuracy m in r.Models)
            {
                rows.Add([m.Model, r.PredictEnd ? "yes" : "no", DisplayFormat.Count(r.MinimumPrefixLength), DisplayFormat.Count(r.Prefixes), F(m.Top1), F(m.Top3)]);
            }
        }

        CliOutput.WriteTable(output, ["model", "end predicted", "from length", "prefixes", "top-1", "top-3"], rows);
    }

    public static void WriteEveryPrefixJson(TextWriter output, IReadOnlyList<EveryPrefixResult> results) => CliOutput.WriteJson(output, json =>
    {
        json.WriteStartObject();
        json.WriteNumber("training_cases", results[0].TrainingCases);
        json.WriteNumber("test_cases", results[0].TestCases);
        json.WriteStartArray("results");
        foreach (EveryPrefixResult r in results)
        {
            json.WriteStartObject();
            json.WriteBoolean("predict_end", r.PredictEnd);
            json.WriteNumber("min_prefix_length", r.MinimumPrefixLength);
            json.WriteNumber("prefixes", r.Prefixes);
            json.WriteStartArray("models");
            foreach (EveryPrefixAccuracy m in r.Models)
            {
                json.WriteStartObject();
                json.WriteString("model", m.Model);
                BacktestCommand.Number(json, "top1", m.Top1);
                BacktestCommand.Number(json, "top3", m.Top3);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static string F(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string H(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string MeanSd(MetricSummary s, string format = "0.000") =>
        s.Mean is not { } mean ? "-"
        : s.StandardDeviation is { } sd ? mean.ToString(format, CultureInfo.InvariantCulture) + " ± " + sd.ToString(format, CultureInfo.InvariantCulture)
        : mean.ToString(format, CultureInfo.InvariantCulture);
}
