using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit backtest --journey J --events E --cutoff T [--cutoff T2 …] [--horizon 14d] [--format table|json]</c>:
/// fits every risk model on the events before each cut-off, predicts for the runs open at it and scores the predictions
/// against what happened after it (docs/prediction.md). With <c>--next</c> the same for the next touchpoint and the
/// remaining time to the goal; with <c>--every-prefix</c> the literature's every-prefix next-touchpoint accuracy.
/// </summary>
internal static class BacktestCommand
{
    /// <summary>The models the command compares, in order; the baselines always, then any the tool adds.</summary>
    internal static Func<IReadOnlyList<RiskModelTrainer>> Models { get; set; } = static () => [HistoricalRateRiskTrainer.Default, KaplanMeierRiskTrainer.Default, new JourneyKit.Prediction.BoostedTreeRiskTrainer()];

    public static Command Create(CliContext context)
    {
        Option<string> journeyOption = CliOptions.JourneyOption();
        Option<string> events = CliOptions.EventsOption();
        var cutoffs = new Option<string[]>("--cutoff")
        {
            Description = "A cut-off (ISO-8601 with offset, or Unix seconds): the models learn from the events at or before it and predict for the runs open at it. Repeat it for a rolling origin.",
            HelpName = "TIMESTAMP",
            AllowMultipleArgumentsPerToken = false,
        };
        Option<TimeSpan> horizon = CliOptions.Duration("--horizon", "How far ahead 'not progressing' looks.", BacktestOptions.DefaultHorizon);
        var threshold = new Option<double>("--risk-threshold") { Description = "Flag runs whose predicted risk is at least this (0..1); the flagged runs' mean prediction is compared with how many had the event.", DefaultValueFactory = _ => BacktestOptions.DefaultRiskThreshold };
        var seed = new Option<int>("--seed") { Description = "The seed for fitting; the same seed gives the same numbers.", DefaultValueFactory = _ => 1 };
        Option<OutputFormat> format = CliOptions.Format();
        var next = new Option<bool>("--next") { Description = "Backtest what happens next instead of the risk: each open run's next touchpoint (top-1/top-3 accuracy) and remaining time to the goal (probability of reaching it; median error and 10th–90th percentile interval coverage, censored runs handled), first-order Markov baseline against the order of --order." };
        var everyPrefix = new Option<bool>("--every-prefix") { Description = "With --next: instead of cut-offs, the next-activity evaluation of the literature (Tax et al. 2017): one customer = one case, the first 2/3 of the cases by first event train, every prefix of every later case is scored (with and without predicting the end of the case; and from length 2 with the end, as Tax et al. score). No --cutoff needed." };
        var order = new Option<int>("--order") { Description = "With --next: how many latest touchpoints the model looks at (1–4); it is compared with the first-order Markov baseline.", DefaultValueFactory = _ => NextStepOptions.DefaultOrder };
        var input = new CliEventOptions();
        var command = new Command("backtest", "Backtest the risk predictions: fit on the events before each cut-off, predict for every run open at it (not progressing past its stage within the horizon; never reaching the goal), and score against what happened after it — AUC, Brier, log loss, calibration by decile, expected calibration error, flagged vs observed — for each model and baseline. Runs still open at the end of the data without the follow-up are censored: counted, not scored.")
        {
            journeyOption, events, cutoffs, horizon, threshold, seed, format, next, everyPrefix, order,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit backtest --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv --cutoff 2026-01-15T00:00:00Z --cutoff 2026-01-20T00:00:00Z --cutoff 2026-01-25T00:00:00Z",
            "journeykit backtest -j samples/data/bpic2012.journey.json -e log.xes.gz --cutoff 2011-12-01T00:00:00Z --horizon 7d --format json",
            "journeykit backtest --next -j samples/data/retail-bank-account-opening.journey.json -e samples/data/retail-bank-account-opening.events.csv --cutoff 2026-01-20T00:00:00Z --cutoff 2026-01-25T00:00:00Z");
        command.SetAction(parse =>
        {
            double risk = parse.GetValue(threshold);
            if (!(risk is >= 0 and <= 1))
            {
                throw new CliUsageException($"--risk-threshold must be between 0 and 1; got {risk.ToString(CultureInfo.InvariantCulture)}");
            }

            TimeSpan h = parse.GetValue(horizon);
            if (h <= TimeSpan.Zero || JourneyKit.Duration.IsUnbounded(h))
            {
                throw new CliUsageException("--horizon must be a positive, bounded duration");
            }

            bool whatNext = parse.GetValue(next), prefixes = parse.GetValue(everyPrefix);
            int k = parse.GetValue(order);
            if (prefixes && !whatNext)
            {
                throw new CliUsageException("--every-prefix goes with --next");
            }

            if (k is < 1 or > NextStepOptions.MaxOrder)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--order must be between 1 and {NextStepOptions.MaxOrder}; got {k}"));
            }

            string[] cutoffTexts = parse.GetValue(cutoffs) ?? [];
            if (cutoffTexts.Length == 0 && !prefixes)
            {
                throw new CliUsageException("Option '--cutoff' is required.");
            }

            var instants = new List<DateTimeOffset>();
            foreach (string text in cutoffTexts)
            {
                if (!JourneyTimestamp.TryParse(text, out DateTimeOffset t, out string? error))
                {
                    throw new CliUsageException("--cutoff: " + error);
                }

                instants.Add(t);
            }

            Journey journey = JourneyJson.LoadFile(parse.GetRequiredValue(journeyOption));
            CompiledJourney compiled;
            try
            {
                compiled = journey.Compile();
            }
            catch (NotSupportedException e)
            {
                throw new CliProblemsException([e.Message]);
            }

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), input.Get(parse));
            if (batch.EarliestTimestamp is not { } first || batch.LatestTimestamp is not { } last)
            {
                throw new CliProblemsException(["the events file has no events"]);
            }

            foreach (DateTimeOffset t in instants)
            {
                if (t < first || t >= last)
                {
                    throw new CliUsageException($"--cutoff {DisplayFormat.Instant(t)} is outside the data: it must be at or after the first event ({DisplayFormat.Instant(first)}) and before the last ({DisplayFormat.Instant(last)})");
                }
            }

            if (whatNext)
            {
                return RunNext(context, compiled, batch, instants, prefixes, BacktestNextOutput.Models(k), parse.GetValue(format) == OutputFormat.Json);
            }

            var options = new BacktestOptions { Cutoffs = instants, Horizon = h, RiskThreshold = risk, Seed = parse.GetValue(seed), Models = Models() };
            BacktestResult result = Run(context, compiled, batch, options);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                WriteJson(context.Stdout, result);
            }
            else
            {
                WriteTables(context.Stdout, result);
            }

            return CliExitCode.Ok;
        });
        return command;
    }

    private static int RunNext(CliContext context, CompiledJourney journey, EventBatch batch, List<DateTimeOffset> cutoffs, bool everyPrefix, IReadOnlyList<NextStepOptions> models, bool json)
    {
        if (everyPrefix)
        {
            EveryPrefixResult[] results =
            [
                NextStepBacktest.EveryPrefix(batch, models, 2 / 3.0, predictEnd: true, minimumPrefixLength: 1),
                NextStepBacktest.EveryPrefix(batch, models, 2 / 3.0, predictEnd: false, minimumPrefixLength: 1),
                NextStepBacktest.EveryPrefix(batch, models, 2 / 3.0, predictEnd: true, minimumPrefixLength: 2), // Tax et al.'s protocol
            ];
            if (json)
            {
                BacktestNextOutput.WriteEveryPrefixJson(context.Stdout, results);
            }
            else
            {
                BacktestNextOutput.WriteEveryPrefixTable(context.Stdout, results);
            }

            return CliExitCode.Ok;
        }

        NextStepBacktestResult result = NextStepBacktest.Run(journey, batch, new NextStepBacktestOptions { Cutoffs = cutoffs, Models = models });
        if (json)
        {
            BacktestNextOutput.WriteJson(context.Stdout, result, models);
        }
        else
        {
            BacktestNextOutput.WriteTables(context.Stdout, result, models);
        }

        return CliExitCode.Ok;
    }

    private static BacktestResult Run(CliContext context, CompiledJourney journey, EventBatch batch, BacktestOptions options)
    {
        string status = string.Create(CultureInfo.InvariantCulture, $"backtesting {options.Models.Count} models at {options.Cutoffs.Count} cut-offs over {DisplayFormat.Count(batch.Count)} events…");
        if (context.StderrIsTerminal)
        {
            context.Stderr.Write(status);
            context.Stderr.Flush();
        }

        BacktestResult result = Backtest.Run(journey, batch, options);
        if (context.StderrIsTerminal)
        {
            context.Stderr.Write('\r' + new string(' ', status.Length) + '\r');
            context.Stderr.Flush();
        }

        return result;
    }

    internal static string TargetName(RiskTarget target) => target == RiskTarget.NotProgressing ? "not_progressing" : "missing_goal";

    private static string TargetTitle(RiskTarget target, TimeSpan horizon) =>
        target == RiskTarget.NotProgressing ? "not progressing past the stage within " + AnalyzeCommand.D(horizon) : "never reaching the goal";

    private static void WriteTables(TextWriter output, BacktestResult r)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"Backtest of '{r.JourneyId}': horizon {AnalyzeCommand.D(r.Horizon)}, flagged at risk ≥ {r.RiskThreshold:0.##}, outcomes known until {DisplayFormat.Instant(r.DataEnd)}."));
        foreach (BacktestCutoff c in r.Cutoffs)
        {
            output.WriteLine();
            output.WriteLine(string.Create(inv, $"Cut-off {DisplayFormat.Instant(c.Cutoff)}: fitted on {DisplayFormat.Count(c.TrainingEvents)} events; {DisplayFormat.Count(c.OpenRuns)} runs open, {DisplayFormat.Count(c.Predictions.Count)} predicted ({DisplayFormat.Count(c.Unpredictable)} in no stage or the last)."));
            foreach (TargetEvaluation t in c.Targets)
            {
                output.WriteLine(string.Create(inv, $"  {TargetTitle(t.Target, r.Horizon)}: {DisplayFormat.Count(t.Known)} known ({DisplayFormat.Count(t.Positives)} with the event), {DisplayFormat.Count(t.Censored)} censored"));
                var rows = new List<IReadOnlyList<string>>();
                foreach (ModelEvaluation m in t.Models)
                {
                    PredictionMetrics x = m.Metrics;
                    rows.Add([m.Model, F(x.Auc), F(x.Brier), F(x.LogLoss), F(x.ExpectedCalibrationError), F(x.MeanPredicted), F(x.Observed), DisplayFormat.Count(x.Flagged.Count), F(x.Flagged.MeanPredicted), F(x.Flagged.Observed), Signed(x.Flagged.Gap)]);
                }

                CliOutput.WriteTable(output, ["model", "AUC", "Brier", "log loss", "ECE", "mean p", "observed", "flagged", "flagged p", "flagged obs", "gap"], rows);
                WriteCalibration(output, t);
            }
        }

        output.WriteLine();
        output.WriteLine(string.Create(inv, $"Over {r.Cutoffs.Count} cut-offs (mean ± standard deviation)"));
        var summary = new List<IReadOnlyList<string>>();
        foreach (BacktestSummary s in r.Summary)
        {
            summary.Add([TargetName(s.Target), s.Model, MeanSd(s.Auc), MeanSd(s.Brier), MeanSd(s.LogLoss), MeanSd(s.ExpectedCalibrationError), MeanSd(s.FlaggedGap)]);
        }

        CliOutput.WriteTable(output, ["target", "model", "AUC", "Brier", "log loss", "ECE", "flagged gap"], summary);
    }

    /// <summary>The calibration table by decile: one row per decile, predicted and observed per model (the bins hold the same number of runs for every model).</summary>
    private static void WriteCalibration(TextWriter output, TargetEvaluation t)
    {
        if (t.Known == 0)
        {
            return;
        }

        var header = new List<string> { "    decile", "runs" };
        foreach (ModelEvaluation m in t.Models)
        {
            header.Add(m.Model + " p");
            header.Add("observed");
        }

        var rows = new List<IReadOnlyList<string>>();
        int bins = t.Models[0].Metrics.Calibration.Count;
        for (int b = 0; b < bins; b++)
        {
            var row = new List<string> { "    " + (b + 1).ToString(CultureInfo.InvariantCulture), DisplayFormat.Count(t.Models[0].Metrics.Calibration[b].Count) };
            foreach (ModelEvaluation m in t.Models)
            {
                row.Add(F(m.Metrics.Calibration[b].MeanPredicted));
                row.Add(F(m.Metrics.Calibration[b].Observed));
            }

            rows.Add(row);
        }

        CliOutput.WriteTable(output, header, rows);
    }

    private static string F(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Signed(double? value) => value is { } v ? v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-";

    private static string MeanSd(MetricSummary s) =>
        s.Mean is not { } mean ? "-" : s.StandardDeviation is { } sd ? string.Create(CultureInfo.InvariantCulture, $"{mean:0.000} ± {sd:0.000}") : F(mean);

    private static void WriteJson(TextWriter output, BacktestResult r) => CliOutput.WriteJson(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("journey_id", r.JourneyId);
        CliJson.WriteSeconds(json, "horizon_seconds", r.Horizon);
        json.WriteNumber("risk_threshold", r.RiskThreshold);
        CliJson.WriteInstant(json, "data_end", r.DataEnd);
        json.WriteStartArray("models");
        foreach (string m in r.Models)
        {
            json.WriteStringValue(m);
        }

        json.WriteEndArray();
        json.WriteStartArray("cutoffs");
        foreach (BacktestCutoff c in r.Cutoffs)
        {
            json.WriteStartObject();
            CliJson.WriteInstant(json, "cutoff", c.Cutoff);
            json.WriteNumber("training_events", c.TrainingEvents);
            json.WriteNumber("open_runs", c.OpenRuns);
            json.WriteNumber("predicted", c.Predictions.Count);
            json.WriteNumber("unpredictable", c.Unpredictable);
            json.WriteStartArray("targets");
            foreach (TargetEvaluation t in c.Targets)
            {
                json.WriteStartObject();
                json.WriteString("target", TargetName(t.Target));
                json.WriteNumber("known", t.Known);
                json.WriteNumber("censored", t.Censored);
                json.WriteNumber("positives", t.Positives);
                json.WriteStartArray("models");
                foreach (ModelEvaluation m in t.Models)
                {
                    WriteMetrics(json, m.Model, m.Metrics);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("summary");
        foreach (BacktestSummary s in r.Summary)
        {
            json.WriteStartObject();
            json.WriteString("target", TargetName(s.Target));
            json.WriteString("model", s.Model);
            Summary(json, "auc", s.Auc);
            Summary(json, "brier", s.Brier);
            Summary(json, "log_loss", s.LogLoss);
            Summary(json, "ece", s.ExpectedCalibrationError);
            Summary(json, "flagged_gap", s.FlaggedGap);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static void WriteMetrics(Utf8JsonWriter json, string model, PredictionMetrics m)
    {
        json.WriteStartObject();
        json.WriteString("model", model);
        json.WriteNumber("count", m.Count);
        Number(json, "auc", m.Auc);
        Number(json, "brier", m.Brier);
        Number(json, "log_loss", m.LogLoss);
        Number(json, "ece", m.ExpectedCalibrationError);
        Number(json, "mean_predicted", m.MeanPredicted);
        Number(json, "observed", m.Observed);
        json.WriteStartObject("flagged");
        json.WriteNumber("count", m.Flagged.Count);
        Number(json, "mean_predicted", m.Flagged.MeanPredicted);
        Number(json, "observed", m.Flagged.Observed);
        Number(json, "gap", m.Flagged.Gap);
        json.WriteEndObject();
        json.WriteStartArray("calibration");
        foreach (CalibrationBin b in m.Calibration)
        {
            json.WriteStartObject();
            json.WriteNumber("count", b.Count);
            Number(json, "min_predicted", b.MinPredicted);
            Number(json, "max_predicted", b.MaxPredicted);
            Number(json, "mean_predicted", b.MeanPredicted);
            Number(json, "observed", b.Observed);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes a metric over the cut-offs: how many, mean, sd, min and max (null where undefined).</summary>
    internal static void Summary(Utf8JsonWriter json, string name, MetricSummary s)
    {
        json.WriteStartObject(name);
        json.WriteNumber("cutoffs", s.Count);
        Number(json, "mean", s.Mean);
        Number(json, "sd", s.StandardDeviation);
        Number(json, "min", s.Min);
        Number(json, "max", s.Max);
        json.WriteEndObject();
    }

    /// <summary>Writes a number rounded to 6 decimals, or null.</summary>
    internal static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
