using JourneyKit.Analytics.Prediction.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// Predicts what happens next in each open run: the next touchpoint (the most likely few, with probabilities) and the time
/// still to go to the goal — the probability of reaching it at all, and the median and an interval of the time if it does.
/// Fitted on the events at or before an instant only; dependency-free. See docs/prediction.md ("What happens next").
/// </summary>
/// <remarks>
/// <para><b>Next touchpoint</b>: a Markov chain of order <see cref="NextStepOptions.Order"/> over each run's touchpoints with
/// interpolated backoff (see <see cref="NextStepOptions"/>), counted over every pair of consecutive events of every run
/// before the instant. With <see cref="NextStepOptions.ConditionOnIdleTime"/>, a run idle for e since its latest event is
/// predicted from the transitions that came more than e after their context's event (the next event of this run cannot
/// be one of the quicker ones any more); a context with none of those backs off to the shorter one.</para>
/// <para><b>Remaining time</b>: every earlier event in the same context is a sample of the time from it to the goal: reached
/// (the time to the goal event), still open at the instant (censored after the time it was followed), or ended failed or
/// dormant (never). The Kaplan–Meier curve S over those samples levels off at the share that never reaches the goal. For a
/// run whose latest event was e ago, P(goal) = (S(e) − S∞)/S(e) and the remaining time, if reached, has the distribution
/// (S(e) − S(e + u))/(S(e) − S∞); the median is the point estimate and the interval its lower and upper quantiles. The
/// conditioning uses only that the goal was not reached within e (not that no event at all came).</para>
/// <threadsafety>Immutable once fitted; thread-safe.</threadsafety>
/// </remarks>
public sealed class NextStepModel
{
    internal const string EndName = "(end)";

    private readonly JourneyEvaluator _evaluator;
    private readonly Dictionary<string, int> _symbols = new(StringComparer.Ordinal);
    private readonly List<string> _names = [string.Empty];
    private readonly SequenceContexts _contexts;

    private NextStepModel(JourneyEvaluator evaluator, NextStepOptions options, DateTimeOffset asOf)
    {
        _evaluator = evaluator;
        Options = options;
        AsOf = asOf;
        _contexts = new SequenceContexts(options.Order);
    }

    /// <summary>Gets the options the model was fitted with.</summary>
    public NextStepOptions Options { get; }

    /// <summary>Gets the model's name (<see cref="NextStepOptions.Name"/>).</summary>
    public string Name => Options.Name;

    /// <summary>Gets the instant the model was fitted at: it learned from the events at or before it only.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Gets the number of distinct touchpoints the model has seen.</summary>
    public int TouchpointCount => _names.Count - 1;

    /// <summary>Fits the model on the events at or before <paramref name="asOf"/> (later events are ignored).</summary>
    /// <param name="evaluator">The evaluator (journey and evaluation options: the inactivity period decides which runs ended).</param>
    /// <param name="events">The events.</param>
    /// <param name="asOf">The instant: runs still open at it are censored there.</param>
    /// <param name="options">The options; null for <see cref="NextStepOptions.Default"/>.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The events name more than 32,766 distinct touchpoints.</exception>
    public static NextStepModel Fit(JourneyEvaluator evaluator, EventBatch events, DateTimeOffset asOf, NextStepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(events);
        options ??= NextStepOptions.Default;
        options.Validate();
        EventBatch cut = events.Until(asOf);
        var model = new NextStepModel(evaluator, options, asOf);
        int[] map = model.Map(cut.Touchpoints, add: true);
        ReadOnlySpan<int> touchpoints = cut.TouchpointIds;
        ReadOnlySpan<long> ticks = cut.TimestampTicks;
        long t = asOf.UtcTicks;
        var sequence = new List<int>();
        foreach (JourneyInstance run in evaluator.Evaluate(cut))
        {
            RemainingOutcome outcome = run.GoalReached ? RemainingOutcome.Reached
                : evaluator.GetStatus(run, asOf).IsOpen ? RemainingOutcome.Censored : RemainingOutcome.Never;
            long goal = run.GoalReachedTicks ?? long.MaxValue;
            sequence.Clear();
            for (int i = run.BatchStart; i < run.BatchEnd; i++)
            {
                sequence.Add(map[touchpoints[i]]);
            }

            ReadOnlySpan<int> symbols = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sequence);
            for (int i = 0; i < symbols.Length; i++)
            {
                ReadOnlySpan<int> history = symbols[..(i + 1)];
                long at = ticks[run.BatchStart + i];
                if (i + 1 < symbols.Length)
                {
                    model._contexts.AddTransition(history, symbols[i + 1], ticks[run.BatchStart + i + 1] - at);
                }

                if (at < goal)
                {
                    model._contexts.AddTime(history, outcome, outcome == RemainingOutcome.Reached ? goal - at : t - at);
                }
            }
        }

        model._contexts.Complete();
        return model;
    }

    /// <summary>Predicts for a run given its touchpoints so far (only the last <see cref="NextStepOptions.Order"/> are looked at).</summary>
    /// <param name="touchpoints">The run's touchpoints in time order from its first event (a run shorter than the order is
    /// padded with the start of the run, so give the whole run, or at least its last <see cref="NextStepOptions.Order"/>); at least one.</param>
    /// <param name="sinceLastEvent">The time since the run's latest event (the remaining time is counted from then on); not negative.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentException"><paramref name="touchpoints"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sinceLastEvent"/> is negative.</exception>
    public NextStepPrediction Predict(IReadOnlyList<string> touchpoints, TimeSpan sinceLastEvent)
    {
        ArgumentNullException.ThrowIfNull(touchpoints);
        if (touchpoints.Count == 0)
        {
            throw new ArgumentException("A prediction needs at least the run's latest touchpoint.", nameof(touchpoints));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sinceLastEvent, TimeSpan.Zero);
        int take = Math.Min(touchpoints.Count, Options.Order);
        Span<int> history = stackalloc int[take];
        for (int i = 0; i < take; i++)
        {
            history[i] = SymbolOf(touchpoints[touchpoints.Count - take + i]);
        }

        return Predict(history, sinceLastEvent.Ticks);
    }

    /// <summary>Predicts for every run open (in progress or stuck) at <see cref="AsOf"/>, from the events at or before it.</summary>
    /// <param name="events">The events (later ones are ignored).</param>
    /// <returns>One prediction per open run, customers in batch order.</returns>
    public IReadOnlyList<RunNextStep> PredictOpenRuns(EventBatch events)
    {
        ArgumentNullException.ThrowIfNull(events);
        EventBatch cut = events.Until(AsOf);
        int[] map = Map(cut.Touchpoints, add: false);
        var result = new List<RunNextStep>();
        foreach (JourneyInstance run in _evaluator.Evaluate(cut))
        {
            JourneyStatus status = _evaluator.GetStatus(run, AsOf);
            if (!status.IsOpen)
            {
                continue;
            }

            NextStepPrediction p = PredictRun(cut, map, run);
            string? stage = status.Stage >= 0 ? _evaluator.Journey.Stages[status.Stage].Id : null;
            result.Add(new RunNextStep(run.CustomerId, run.RunNumber, stage, status.State, cut.Touchpoints[cut.TouchpointIds[run.BatchEnd - 1]], status.SinceLastEvent, p));
        }

        return result;
    }

    /// <summary>The prediction for a run evaluated from <paramref name="batch"/> (its rows BatchStart..BatchEnd), as of <see cref="AsOf"/>.</summary>
    internal NextStepPrediction PredictRun(EventBatch batch, int[] map, JourneyInstance run)
    {
        int take = Math.Min(run.BatchEnd - run.BatchStart, Options.Order);
        Span<int> history = stackalloc int[take];
        ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
        for (int i = 0; i < take; i++)
        {
            history[i] = map[touchpoints[run.BatchEnd - take + i]];
        }

        return Predict(history, AsOf.UtcTicks - run.LastEventTicks);
    }

    /// <summary>The symbol of each of <paramref name="touchpoints"/>; new names get new symbols when <paramref name="add"/>, else the unknown symbol.</summary>
    internal int[] Map(SymbolTable touchpoints, bool add)
    {
        var map = new int[touchpoints.Count];
        for (int i = 0; i < map.Length; i++)
        {
            string name = touchpoints[i];
            if (!_symbols.TryGetValue(name, out int symbol))
            {
                if (!add)
                {
                    symbol = SequenceContexts.MaxSymbols;
                }
                else if (_names.Count >= SequenceContexts.MaxSymbols - 1)
                {
                    throw new ArgumentException($"The events name more than {SequenceContexts.MaxSymbols - 2:N0} distinct touchpoints.", nameof(touchpoints));
                }
                else
                {
                    symbol = _names.Count;
                    _names.Add(name);
                    _symbols.Add(name, symbol);
                }
            }

            map[i] = symbol;
        }

        return map;
    }

    private int SymbolOf(string touchpoint) => _symbols.TryGetValue(touchpoint, out int s) ? s : SequenceContexts.MaxSymbols;

    private NextStepPrediction Predict(ReadOnlySpan<int> history, long elapsedTicks)
    {
        Span<SequenceContexts.Node?> nodes = new SequenceContexts.Node?[Options.Order + 1];
        _contexts.Lookup(history, nodes);
        IReadOnlyList<TouchpointProbability> next = TopNext(nodes, _names, _names.Count - 1, Options.Smoothing, Options.TopCount, Options.ConditionOnIdleTime ? elapsedTicks : null);
        RemainingTimeCurve? curve = null;
        for (int j = nodes.Length - 1; j >= 0; j--)
        {
            if (nodes[j]?.Curve is { } c && (c.Samples >= Options.MinTimeSamples || j == 0))
            {
                curve = c;
                break;
            }
        }

        if (curve is null)
        {
            return new NextStepPrediction(next, 0, null, null, null);
        }

        return new NextStepPrediction(
            next,
            curve.GoalProbability(elapsedTicks),
            Span(curve.Quantile(elapsedTicks, 0.5)),
            Span(curve.Quantile(elapsedTicks, Options.LowerQuantile)),
            Span(curve.Quantile(elapsedTicks, Options.UpperQuantile)));
    }

    private static TimeSpan? Span(long? ticks) => ticks is { } t ? new TimeSpan(t) : null;

    /// <summary>The <paramref name="count"/> most likely next symbols among those seen after any of the contexts, by name on ties.</summary>
    internal static IReadOnlyList<TouchpointProbability> TopNext(ReadOnlySpan<SequenceContexts.Node?> nodes, IReadOnlyList<string> names, int symbols, double smoothing, int count, long? idleTicks)
    {
        var candidates = new HashSet<int>();
        foreach (SequenceContexts.Node? node in nodes)
        {
            if (node is not null)
            {
                candidates.UnionWith(node.Next.Keys);
            }
        }

        var list = new List<TouchpointProbability>(candidates.Count);
        foreach (int symbol in candidates)
        {
            list.Add(new TouchpointProbability(symbol < names.Count ? names[symbol] : EndName, SequenceContexts.Probability(nodes, symbol, Math.Max(1, symbols), smoothing, idleTicks)));
        }

        list.Sort(static (a, b) => a.Probability != b.Probability ? b.Probability.CompareTo(a.Probability) : string.CompareOrdinal(a.Touchpoint, b.Touchpoint));
        if (list.Count > count)
        {
            list.RemoveRange(count, list.Count - count);
        }

        return list;
    }
}
