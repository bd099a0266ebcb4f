using JourneyKit.Analytics.Prediction.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// Backtests risk models the way they would have been used: at each cut-off T, every model is fitted on the events at or
/// before T only (<see cref="EventBatch.Until"/>), predicts for every run open at T (in progress or stuck, in a stage with a
/// later designed stage), and is scored against what the data shows after T. See docs/prediction.md.
/// </summary>
/// <remarks>
/// <para>Outcomes, with h the horizon and E the latest event in the data: <see cref="RiskTarget.NotProgressing"/> is false
/// when the run entered a later designed stage (or the goal) in (T, T + h]; true when it did not and T + h ≤ E, or it was
/// decided (converted, failed, dormant) at E; otherwise censored. <see cref="RiskTarget.MissingGoal"/> is false when it reached
/// the goal by E, true when it was failed or dormant at E, otherwise censored. Censored runs are left out of the metrics
/// and counted (<see cref="TargetEvaluation.Censored"/>) — never counted as negatives.</para>
/// <para>Runs are matched between the data cut at T and the whole data by (customer, first event).</para>
/// <threadsafety>Thread-safe (no shared state); as deterministic as the trainers.</threadsafety>
/// </remarks>
public static class Backtest
{
    /// <summary>Runs the backtest at every cut-off.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="events">All the events: before and after the cut-offs.</param>
    /// <param name="options">The cut-offs, horizon, threshold and models.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The options are not valid, there are no events, or a cut-off is before the first event or not before the last.</exception>
    /// <exception cref="InvalidOperationException">A model predicted a value that is not a probability.</exception>
    public static BacktestResult Run(CompiledJourney journey, EventBatch events, BacktestOptions options)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (List<DateTimeOffset> cutoffs, DateTimeOffset end) = SortedCutoffs(events, options.Cutoffs);

        var evaluator = new JourneyEvaluator(journey, options.Evaluation);
        var order = new DesignedOrder(journey);
        var outcomes = new Dictionary<(string Customer, long First), JourneyInstance>();
        foreach (JourneyInstance run in evaluator.Evaluate(events))
        {
            outcomes[(run.CustomerId, run.FirstEventTicks)] = run;
        }

        var results = new List<BacktestCutoff>(cutoffs.Count);
        foreach (DateTimeOffset t in cutoffs)
        {
            results.Add(RunCutoff(evaluator, order, events.Until(t), t, end, outcomes, options));
        }

        var names = new List<string>(options.Models.Count);
        foreach (RiskModelTrainer model in options.Models)
        {
            names.Add(model.Name);
        }

        return new BacktestResult(journey.Journey.Id, options.Horizon, options.RiskThreshold, end, names, results, Summarize(results, names));
    }

    private static BacktestCutoff RunCutoff(JourneyEvaluator evaluator, DesignedOrder order, EventBatch training, DateTimeOffset cutoff, DateTimeOffset end, Dictionary<(string, long), JourneyInstance> outcomes, BacktestOptions options)
    {
        long t = cutoff.UtcTicks, h = options.Horizon.Ticks;
        bool followed = t + h <= end.UtcTicks;
        var runs = new List<JourneyInstance>();
        var rows = new List<(JourneyInstance Run, JourneyStatus Status, bool? NotProgressed, bool? MissedGoal)>();
        int open = 0, unpredictable = 0;
        foreach (JourneyInstance run in evaluator.Evaluate(training))
        {
            JourneyStatus status = evaluator.GetStatus(run, cutoff);
            if (!status.IsOpen)
            {
                continue;
            }

            open++;
            if (!order.IsPredictable(status.Stage))
            {
                unpredictable++;
                continue;
            }

            JourneyInstance later = outcomes[(run.CustomerId, run.FirstEventTicks)];
            JourneyStatus atEnd = evaluator.GetStatus(later, end);
            bool? notProgressed = order.ProgressedBetween(later, status.Stage, t, t + h) ? false : followed || !atEnd.IsOpen ? true : null;
            bool? missedGoal = later.GoalReached ? false : atEnd.IsOpen ? null : true;
            runs.Add(run);
            rows.Add((run, status, notProgressed, missedGoal));
        }

        var risks = new RunRisk[options.Models.Count][];
        if (runs.Count > 0)
        {
            var set = new RiskTrainingSet(evaluator, training, cutoff, options.Horizon, options.Seed);
            var query = new RiskQuery(evaluator, training, cutoff, options.Horizon, runs);
            for (int m = 0; m < risks.Length; m++)
            {
                FittedRiskModel fitted = options.Models[m].Fit(set);
                risks[m] = new RunRisk[runs.Count];
                fitted.Predict(query, risks[m]);
                CheckProbabilities(options.Models[m].Name, risks[m]);
            }
        }

        var predictions = new List<BacktestPrediction>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var perModel = new RunRisk[risks.Length];
            for (int m = 0; m < risks.Length; m++)
            {
                perModel[m] = risks[m][i];
            }

            (JourneyInstance run, JourneyStatus status, bool? notProgressed, bool? missedGoal) = rows[i];
            predictions.Add(new BacktestPrediction(run.CustomerId, evaluator.Journey.Stages[status.Stage].Id, status.TimeInStage, status.State, notProgressed, missedGoal, perModel));
        }

        var targets = new List<TargetEvaluation>(2);
        foreach (RiskTarget target in (ReadOnlySpan<RiskTarget>)[RiskTarget.NotProgressing, RiskTarget.MissingGoal])
        {
            targets.Add(Score(target, predictions, options));
        }

        return new BacktestCutoff(cutoff, training.Count, open, unpredictable, targets, predictions);
    }

    private static TargetEvaluation Score(RiskTarget target, List<BacktestPrediction> predictions, BacktestOptions options)
    {
        var labels = new List<bool>(predictions.Count);
        int censored = 0, positives = 0;
        foreach (BacktestPrediction p in predictions)
        {
            if (p.Outcome(target) is { } label)
            {
                labels.Add(label);
                positives += label ? 1 : 0;
            }
            else
            {
                censored++;
            }
        }

        bool[] observed = [.. labels];
        var models = new List<ModelEvaluation>(options.Models.Count);
        var predicted = new double[observed.Length];
        for (int m = 0; m < options.Models.Count; m++)
        {
            int k = 0;
            foreach (BacktestPrediction p in predictions)
            {
                if (p.Outcome(target) is not null)
                {
                    predicted[k++] = p.Risks[m].Of(target);
                }
            }

            models.Add(new ModelEvaluation(options.Models[m].Name, PredictionMetrics.Compute(predicted, observed, options.RiskThreshold)));
        }

        return new TargetEvaluation(target, observed.Length, censored, positives, models);
    }

    private static List<BacktestSummary> Summarize(List<BacktestCutoff> cutoffs, List<string> models)
    {
        var summary = new List<BacktestSummary>(2 * models.Count);
        foreach (RiskTarget target in (ReadOnlySpan<RiskTarget>)[RiskTarget.NotProgressing, RiskTarget.MissingGoal])
        {
            for (int m = 0; m < models.Count; m++)
            {
                var metrics = new List<PredictionMetrics>(cutoffs.Count);
                foreach (BacktestCutoff c in cutoffs)
                {
                    if (c.Of(target).Known > 0)
                    {
                        metrics.Add(c.Of(target).Models[m].Metrics);
                    }
                }

                summary.Add(new BacktestSummary(
                    target,
                    models[m],
                    MetricSummary.Of(metrics.ConvertAll(x => x.Auc)),
                    MetricSummary.Of(metrics.ConvertAll(x => (double?)x.Brier)),
                    MetricSummary.Of(metrics.ConvertAll(x => (double?)x.LogLoss)),
                    MetricSummary.Of(metrics.ConvertAll(x => (double?)x.ExpectedCalibrationError)),
                    MetricSummary.Of(metrics.ConvertAll(x => x.Flagged.Gap))));
            }
        }

        return summary;
    }

    private static void CheckProbabilities(string model, RunRisk[] risks)
    {
        for (int i = 0; i < risks.Length; i++)
        {
            if (!(risks[i].NotProgressing is >= 0 and <= 1) || !(risks[i].MissingGoal is >= 0 and <= 1))
            {
                throw new InvalidOperationException($"Model '{model}' predicted {risks[i]} for run {i}; predictions must be probabilities in [0, 1].");
            }
        }
    }

    /// <summary>The cut-offs in time order, checked against the data: each at or after the first event and before the last.</summary>
    /// <returns>The sorted cut-offs and the last event's instant.</returns>
    /// <exception cref="ArgumentException">There are no events, or a cut-off is outside the data.</exception>
    internal static (List<DateTimeOffset> Cutoffs, DateTimeOffset End) SortedCutoffs(EventBatch events, IReadOnlyList<DateTimeOffset> cutoffs)
    {
        if (events.EarliestTimestamp is not { } first || events.LatestTimestamp is not { } end)
        {
            throw new ArgumentException("A backtest needs events.", nameof(events));
        }

        var sorted = new List<DateTimeOffset>(cutoffs);
        sorted.Sort();
        foreach (DateTimeOffset t in sorted)
        {
            if (t < first || t >= end)
            {
                throw new ArgumentException($"The cut-off {t:O} must be at or after the first event ({first:O}) and before the last ({end:O}).", "options");
            }
        }

        return (sorted, end);
    }
}
