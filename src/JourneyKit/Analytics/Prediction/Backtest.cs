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
        Dictionary<(string Customer, long First), JourneyInstance> outcomes = Outcomes(evaluator, events);
        var results = new List<BacktestCutoff>(cutoffs.Count);
        foreach (DateTimeOffset t in cutoffs)
        {
            EventBatch training = events.Until(t);
            var tally = new CutoffTally();
            tally.Add(evaluator, order, training, t, end, outcomes, options.Horizon, () =>
            {
                var set = new RiskTrainingSet(evaluator, training, t, options.Horizon, options.Seed);
                var fitted = new FittedRiskModel[options.Models.Count];
                for (int m = 0; m < fitted.Length; m++)
                {
                    fitted[m] = options.Models[m].Fit(set);
                }

                return fitted;
            });
            results.Add(tally.Build(t, options));
        }

        return Result(journey, options, end, results);
    }

    /// <summary>
    /// Starts a backtest of the built-in baselines over batches of whole customers, for data too big to hold at once: the
    /// first pass over the data fits the models (<see cref="BacktestPlan.CreateFitAccumulator"/>), the second scores their
    /// predictions (<see cref="BacktestFit.CreateAccumulator"/>). The result is <see cref="Run"/>'s on the same events, exactly
    /// when the partitions of each pass are merged in the order of the customers.
    /// </summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="options">The cut-offs, horizon, threshold and models: <see cref="HistoricalRateRiskTrainer"/> and
    /// <see cref="KaplanMeierRiskTrainer"/> only (their fitting statistics add up over customers; a custom trainer sees the
    /// whole training set: use <see cref="Run"/>).</param>
    /// <param name="dataStart">The earliest event of the data (the landmarks of the historical rates start after it).</param>
    /// <param name="dataEnd">The latest event of the data (the outcomes are judged at it; later events are ignored).</param>
    /// <returns>The plan, shared by the accumulators of both passes.</returns>
    /// <exception cref="ArgumentException">The options are not valid, a model is not a built-in baseline, or a cut-off is before
    /// <paramref name="dataStart"/> or not before <paramref name="dataEnd"/>.</exception>
    public static BacktestPlan Plan(CompiledJourney journey, BacktestOptions options, DateTimeOffset dataStart, DateTimeOffset dataEnd)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        foreach (RiskModelTrainer model in options.Models)
        {
            if (model is not (HistoricalRateRiskTrainer or KaplanMeierRiskTrainer))
            {
                throw new ArgumentException($"Model '{model.Name}' cannot be fitted batch by batch: only the built-in baselines (historical-rate, kaplan-meier) can; use Backtest.Run.", nameof(options));
            }
        }

        return new BacktestPlan(journey, options, SortedCutoffs(dataStart, dataEnd, options.Cutoffs), dataStart, dataEnd);
    }

    /// <summary>Every run of the events, by (customer, first event): what became of it at the end of the data.</summary>
    internal static Dictionary<(string Customer, long First), JourneyInstance> Outcomes(JourneyEvaluator evaluator, EventBatch events)
    {
        var outcomes = new Dictionary<(string Customer, long First), JourneyInstance>();
        foreach (JourneyInstance run in evaluator.Evaluate(events))
        {
            outcomes[(run.CustomerId, run.FirstEventTicks)] = run;
        }

        return outcomes;
    }

    /// <summary>The result from the cut-offs' scorings.</summary>
    internal static BacktestResult Result(CompiledJourney journey, BacktestOptions options, DateTimeOffset end, List<BacktestCutoff> results)
    {
        var names = new List<string>(options.Models.Count);
        foreach (RiskModelTrainer model in options.Models)
        {
            names.Add(model.Name);
        }

        return new BacktestResult(journey.Journey.Id, options.Horizon, options.RiskThreshold, end, names, results, Summarize(results, names));
    }

    /// <summary>One cut-off's predictions and counts for a partition of customers; partitions append in customer order.</summary>
    internal sealed class CutoffTally
    {
        private readonly List<BacktestPrediction> _predictions = [];
        private int _events;
        private int _open;
        private int _unpredictable;

        /// <summary>Predicts for every run of <paramref name="training"/> open at the cut-off, with the models <paramref name="fit"/> gives (called only when there is such a run).</summary>
        public void Add(JourneyEvaluator evaluator, DesignedOrder order, EventBatch training, DateTimeOffset cutoff, DateTimeOffset end, Dictionary<(string, long), JourneyInstance> outcomes, TimeSpan horizon, Func<IReadOnlyList<FittedRiskModel>> fit)
        {
            _events += training.Count;
            long t = cutoff.UtcTicks, h = horizon.Ticks;
            bool followed = t + h <= end.UtcTicks;
            var runs = new List<JourneyInstance>();
            var rows = new List<(JourneyInstance Run, JourneyStatus Status, bool? NotProgressed, bool? MissedGoal)>();
            foreach (JourneyInstance run in evaluator.Evaluate(training))
            {
                JourneyStatus status = evaluator.GetStatus(run, cutoff);
                if (!status.IsOpen)
                {
                    continue;
                }

                _open++;
                if (!order.IsPredictable(status.Stage))
                {
                    _unpredictable++;
                    continue;
                }

                JourneyInstance later = outcomes[(run.CustomerId, run.FirstEventTicks)];
                JourneyStatus atEnd = evaluator.GetStatus(later, end);
                bool? notProgressed = order.ProgressedBetween(later, status.Stage, t, t + h) ? false : followed || !atEnd.IsOpen ? true : null;
                bool? missedGoal = later.GoalReached ? false : atEnd.IsOpen ? null : true;
                runs.Add(run);
                rows.Add((run, status, notProgressed, missedGoal));
            }

            if (runs.Count == 0)
            {
                return;
            }

            IReadOnlyList<FittedRiskModel> models = fit();
            var risks = new RunRisk[models.Count][];
            var query = new RiskQuery(evaluator, training, cutoff, horizon, runs);
            for (int m = 0; m < risks.Length; m++)
            {
                risks[m] = new RunRisk[runs.Count];
                models[m].Predict(query, risks[m]);
                CheckProbabilities(models[m].Name, risks[m]);
            }

            for (int i = 0; i < rows.Count; i++)
            {
                var perModel = new RunRisk[risks.Length];
                for (int m = 0; m < risks.Length; m++)
                {
                    perModel[m] = risks[m][i];
                }

                (JourneyInstance run, JourneyStatus status, bool? notProgressed, bool? missedGoal) = rows[i];
                _predictions.Add(new BacktestPrediction(run.CustomerId, evaluator.Journey.Stages[status.Stage].Id, status.TimeInStage, status.State, notProgressed, missedGoal, perModel));
            }
        }

        /// <summary>Appends another partition's predictions after this one's.</summary>
        public void Merge(CutoffTally other)
        {
            _predictions.AddRange(other._predictions);
            _events += other._events;
            _open += other._open;
            _unpredictable += other._unpredictable;
        }

        /// <summary>The cut-off's scoring.</summary>
        public BacktestCutoff Build(DateTimeOffset cutoff, BacktestOptions options)
        {
            var targets = new List<TargetEvaluation>(2);
            foreach (RiskTarget target in (ReadOnlySpan<RiskTarget>)[RiskTarget.NotProgressing, RiskTarget.MissingGoal])
            {
                targets.Add(Score(target, _predictions, options));
            }

            return new BacktestCutoff(cutoff, _events, _open, _unpredictable, targets, _predictions);
        }
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

        return (SortedCutoffs(first, end, cutoffs), end);
    }

    /// <summary>The cut-offs in time order, each checked to be at or after <paramref name="first"/> and before <paramref name="end"/>.</summary>
    private static List<DateTimeOffset> SortedCutoffs(DateTimeOffset first, DateTimeOffset end, IReadOnlyList<DateTimeOffset> cutoffs)
    {
        var sorted = new List<DateTimeOffset>(cutoffs);
        sorted.Sort();
        foreach (DateTimeOffset t in sorted)
        {
            if (t < first || t >= end)
            {
                throw new ArgumentException($"The cut-off {t:O} must be at or after the first event ({first:O}) and before the last ({end:O}).", "options");
            }
        }

        return sorted;
    }
}
