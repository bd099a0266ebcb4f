using JourneyKit.Analytics.Prediction.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// Backtests <see cref="NextStepModel"/>s the way <see cref="Backtest"/> does risk: at each cut-off T every model is fitted
/// on the events at or before T only, predicts for every run open at T, and is scored against what the data shows after
/// T. Also the every-prefix evaluation of the process-mining literature (<see cref="EveryPrefix"/>). See docs/prediction.md.
/// </summary>
/// <remarks>
/// <para>Next touchpoint: the run's first event after T (runs without one are counted, not scored); top-1 and top-3
/// accuracy. Reaching the goal: the predicted probability against reached (by the end of the data) or ended without it
/// (failed or dormant at the end); runs still open at the end are censored, left out. Remaining time: the median's absolute
/// error over the runs that reached the goal; the interval's coverage over those and the censored runs already followed
/// past its upper end (a miss whatever happens later); the other censored runs are left out.</para>
/// <para>Runs are matched between the data cut at T and the whole data by (customer, first event).</para>
/// <threadsafety>Thread-safe (no shared state); deterministic.</threadsafety>
/// </remarks>
public static class NextStepBacktest
{
    /// <summary>Runs the backtest at every cut-off.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="events">All the events: before and after the cut-offs.</param>
    /// <param name="options">The cut-offs and models.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The options are not valid, there are no events, or a cut-off is before the first event or not before the last.</exception>
    public static NextStepBacktestResult Run(CompiledJourney journey, EventBatch events, NextStepBacktestOptions options)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (List<DateTimeOffset> cutoffs, DateTimeOffset end) = Backtest.SortedCutoffs(events, options.Cutoffs);

        var evaluator = new JourneyEvaluator(journey, options.Evaluation);
        var outcomes = new Dictionary<(string Customer, long First), JourneyInstance>();
        foreach (JourneyInstance run in evaluator.Evaluate(events))
        {
            outcomes[(run.CustomerId, run.FirstEventTicks)] = run;
        }

        var results = new List<NextStepCutoff>(cutoffs.Count);
        foreach (DateTimeOffset t in cutoffs)
        {
            results.Add(RunCutoff(evaluator, events, t, end, outcomes, options.Models));
        }

        var names = new List<string>(options.Models.Count);
        var summary = new List<NextStepSummary>(options.Models.Count);
        for (int m = 0; m < options.Models.Count; m++)
        {
            names.Add(options.Models[m].Name);
            var top1 = new List<double?>();
            var top3 = new List<double?>();
            var auc = new List<double?>();
            var brier = new List<double?>();
            var mae = new List<double?>();
            var coverage = new List<double?>();
            foreach (NextStepCutoff c in results)
            {
                NextStepEvaluation e = c.Models[m];
                top1.Add(e.Top1);
                top3.Add(e.Top3);
                auc.Add(e.Goal.Auc);
                brier.Add(e.Goal.Count > 0 ? e.Goal.Brier : null);
                mae.Add(e.RemainingMaeHours);
                coverage.Add(e.Coverage);
            }

            summary.Add(new NextStepSummary(names[m], MetricSummary.Of(top1), MetricSummary.Of(top3), MetricSummary.Of(auc), MetricSummary.Of(brier), MetricSummary.Of(mae), MetricSummary.Of(coverage)));
        }

        return new NextStepBacktestResult(journey.Journey.Id, end, names, results, summary);
    }

    private static NextStepCutoff RunCutoff(JourneyEvaluator evaluator, EventBatch all, DateTimeOffset cutoff, DateTimeOffset end, Dictionary<(string, long), JourneyInstance> outcomes, IReadOnlyList<NextStepOptions> modelOptions)
    {
        EventBatch training = all.Until(cutoff);
        long t = cutoff.UtcTicks;
        var models = new NextStepModel[modelOptions.Count];
        var maps = new int[models.Length][];
        for (int m = 0; m < models.Length; m++)
        {
            models[m] = NextStepModel.Fit(evaluator, training, cutoff, modelOptions[m]);
            maps[m] = models[m].Map(training.Touchpoints, add: false);
        }

        ReadOnlySpan<long> ticks = all.TimestampTicks;
        ReadOnlySpan<int> touchpoints = all.TouchpointIds;
        var rows = new List<NextStepBacktestPrediction>();
        int withNext = 0, reached = 0, never = 0, censored = 0;
        foreach (JourneyInstance run in evaluator.Evaluate(training))
        {
            JourneyStatus status = evaluator.GetStatus(run, cutoff);
            if (!status.IsOpen)
            {
                continue;
            }

            JourneyInstance later = outcomes[(run.CustomerId, run.FirstEventTicks)];
            string? next = null;
            for (int i = later.BatchStart; i < later.BatchEnd; i++)
            {
                if (ticks[i] > t)
                {
                    next = all.Touchpoints[touchpoints[i]];
                    break;
                }
            }

            bool? goal = later.GoalReached ? true : evaluator.GetStatus(later, end).IsOpen ? null : false;
            withNext += next is null ? 0 : 1;
            reached += goal == true ? 1 : 0;
            never += goal == false ? 1 : 0;
            censored += goal is null ? 1 : 0;
            var predictions = new NextStepPrediction[models.Length];
            for (int m = 0; m < models.Length; m++)
            {
                predictions[m] = models[m].PredictRun(training, maps[m], run);
            }

            TimeSpan? remaining = later.GoalReachedTicks is { } g ? new TimeSpan(g - t) : null;
            string? stage = status.Stage >= 0 ? evaluator.Journey.Stages[status.Stage].Id : null;
            rows.Add(new NextStepBacktestPrediction(run.CustomerId, stage, status.SinceLastEvent, next, goal, remaining, end - cutoff, predictions));
        }

        var evaluations = new List<NextStepEvaluation>(models.Length);
        for (int m = 0; m < models.Length; m++)
        {
            evaluations.Add(Score(models[m].Name, m, rows));
        }

        return new NextStepCutoff(cutoff, training.Count, rows.Count, withNext, reached, never, censored, evaluations, rows);
    }

    private static NextStepEvaluation Score(string name, int m, List<NextStepBacktestPrediction> rows)
    {
        int nextKnown = 0, top1 = 0, top3 = 0, remainingKnown = 0, coverageKnown = 0, covered = 0;
        double absoluteHours = 0;
        var predicted = new List<double>();
        var observed = new List<bool>();
        foreach (NextStepBacktestPrediction row in rows)
        {
            NextStepPrediction p = row.Predictions[m];
            if (row.ActualNext is { } next)
            {
                nextKnown++;
                for (int k = 0; k < p.Next.Count && k < 3; k++)
                {
                    if (p.Next[k].Touchpoint == next)
                    {
                        top1 += k == 0 ? 1 : 0;
                        top3++;
                        break;
                    }
                }
            }

            if (row.ReachedGoal is { } goal)
            {
                predicted.Add(p.GoalProbability);
                observed.Add(goal);
            }

            if (row.ActualRemaining is { } actual && p.RemainingMedian is { } median)
            {
                remainingKnown++;
                absoluteHours += Math.Abs((median - actual).TotalHours);
            }

            if (p.RemainingLower is { } lower && p.RemainingUpper is { } upper)
            {
                if (row.ActualRemaining is { } a)
                {
                    coverageKnown++;
                    covered += a >= lower && a <= upper ? 1 : 0;
                }
                else if (row.ReachedGoal is null && row.FollowedFor > upper)
                {
                    coverageKnown++; // still open, and already past the upper end: a miss whatever comes
                }
            }
        }

        PredictionMetrics goalMetrics = PredictionMetrics.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(predicted), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(observed), BacktestOptions.DefaultRiskThreshold);
        return new NextStepEvaluation(
            name,
            nextKnown,
            nextKnown == 0 ? null : (double)top1 / nextKnown,
            nextKnown == 0 ? null : (double)top3 / nextKnown,
            goalMetrics,
            remainingKnown,
            remainingKnown == 0 ? null : absoluteHours / remainingKnown,
            coverageKnown,
            coverageKnown == 0 ? null : (double)covered / coverageKnown);
    }

    /// <summary>
    /// The every-prefix evaluation of the next-activity literature (Tax et al. 2017): each customer is one case; the cases
    /// are sorted by their first event (ties in batch order), the first <paramref name="trainingShare"/> train every model
    /// on all their transitions, and every prefix (length <paramref name="minimumPrefixLength"/> up) of every later case is
    /// predicted and scored. Tax et al.'s published evaluation scores prefixes of length 2 up with the end predicted.
    /// </summary>
    /// <remarks>No journey is needed: every event is one step of its customer's sequence, in timestamp order.</remarks>
    /// <param name="events">The events; one customer is one case.</param>
    /// <param name="models">The models to compare (only the next-touchpoint part is used).</param>
    /// <param name="trainingShare">The share of the cases to learn from, in (0, 1); ⌊share·cases⌋ are used. The literature's 2/3.</param>
    /// <param name="predictEnd">Whether the end of a case is a symbol to predict, so a case of n events gives n prefixes (the
    /// last one's answer being the end); otherwise n − 1.</param>
    /// <param name="minimumPrefixLength">The shortest prefix scored; at least 1.</param>
    /// <returns>The accuracies.</returns>
    /// <exception cref="ArgumentException">No model is given, names repeat, or an option is out of range.</exception>
    public static EveryPrefixResult EveryPrefix(EventBatch events, IReadOnlyList<NextStepOptions> models, double trainingShare, bool predictEnd, int minimumPrefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumPrefixLength, 1);
        ArgumentNullException.ThrowIfNull(events);
        new NextStepBacktestOptions { Cutoffs = [default], Models = models }.Validate();
        if (!(trainingShare > 0 && trainingShare < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(trainingShare), trainingShare, "The training share must be between 0 and 1.");
        }

        if (events.Touchpoints.Count >= SequenceContexts.MaxSymbols - 2)
        {
            throw new ArgumentException($"The events name more than {SequenceContexts.MaxSymbols - 3:N0} distinct touchpoints.", nameof(events));
        }

        ReadOnlySpan<int> starts = events.CustomerStarts;
        ReadOnlySpan<long> ticks = events.TimestampTicks;
        ReadOnlySpan<int> touchpoints = events.TouchpointIds;
        int cases = events.CustomerCount;
        var order = new int[cases];
        var firsts = new long[cases];
        for (int c = 0; c < cases; c++)
        {
            order[c] = c;
            firsts[c] = ticks[starts[c]];
        }

        Array.Sort(order, (a, b) => firsts[a] != firsts[b] ? firsts[a].CompareTo(firsts[b]) : a.CompareTo(b));
        int trainCount = (int)Math.Floor(cases * trainingShare);
        var names = new List<string>(events.Touchpoints.Count + 1) { string.Empty };
        for (int i = 0; i < events.Touchpoints.Count; i++)
        {
            names.Add(events.Touchpoints[i]);
        }

        int end = names.Count; // the end symbol: past the names, so it is called NextStepModel.EndName
        int symbols = events.Touchpoints.Count + (predictEnd ? 1 : 0);
        var accuracies = new List<EveryPrefixAccuracy>(models.Count);
        int prefixes = 0;
        foreach (NextStepOptions options in models)
        {
            var contexts = new SequenceContexts(options.Order); // no idle time: every prefix is predicted right after its event
            for (int k = 0; k < trainCount; k++)
            {
                int[] sequence = Sequence(order[k], starts, touchpoints);
                for (int i = 0; i + 1 < sequence.Length; i++)
                {
                    contexts.AddTransition(sequence.AsSpan(0, i + 1), sequence[i + 1], 0);
                }

                if (predictEnd)
                {
                    contexts.AddTransition(sequence, end, 0);
                }
            }

            int scored = 0, top1 = 0, top3 = 0;
            var nodes = new SequenceContexts.Node?[options.Order + 1];
            for (int k = trainCount; k < cases; k++)
            {
                int[] sequence = Sequence(order[k], starts, touchpoints);
                int last = predictEnd ? sequence.Length : sequence.Length - 1;
                for (int i = minimumPrefixLength - 1; i < last; i++)
                {
                    contexts.Lookup(sequence.AsSpan(0, i + 1), nodes);
                    IReadOnlyList<TouchpointProbability> top = NextStepModel.TopNext(nodes, names, symbols, options.Smoothing, 3, null);
                    string actual = i + 1 < sequence.Length ? names[sequence[i + 1]] : NextStepModel.EndName;
                    scored++;
                    for (int j = 0; j < top.Count; j++)
                    {
                        if (top[j].Touchpoint == actual)
                        {
                            top1 += j == 0 ? 1 : 0;
                            top3++;
                            break;
                        }
                    }
                }
            }

            prefixes = scored;
            accuracies.Add(new EveryPrefixAccuracy(options.Name, scored == 0 ? null : (double)top1 / scored, scored == 0 ? null : (double)top3 / scored));
        }

        return new EveryPrefixResult(trainCount, cases - trainCount, prefixes, predictEnd, minimumPrefixLength, accuracies);
    }

    private static int[] Sequence(int customer, ReadOnlySpan<int> starts, ReadOnlySpan<int> touchpoints)
    {
        var sequence = new int[starts[customer + 1] - starts[customer]];
        for (int i = 0; i < sequence.Length; i++)
        {
            sequence[i] = touchpoints[starts[customer] + i] + 1;
        }

        return sequence;
    }
}
