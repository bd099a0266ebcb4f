using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Mergeable state of the journey score's predictive link to the goal and the KPIs
/// (<see cref="JourneyAnalyzer.LinkScoresToKpis(EventBatch, DateTimeOffset, DateTimeOffset)"/>) for one partition of
/// customers: each open run's (score at the cut-off, outcome after it) pairs. Add batches of whole customers, merge the
/// partitions, build: the result is the one the whole batch gives (exactly when partitions are merged in the order of the
/// whole batch's customers; otherwise the concordances and correlations may differ in the last bits of their sums).
/// </summary>
/// <remarks>
/// <para>Create one with <see cref="JourneyAnalyzer.CreateScoreKpiLinkAccumulator"/>. Memory grows with the runs open at
/// the cut-off (a few numbers per run and KPI), not with the events.</para>
/// <para>A customer must be in one partition only, with all its events up to the end of the observation (a customer's
/// runs are judged from all of them); unlike <see cref="JourneyAnalysisAccumulator"/>, the accumulator does not check.</para>
/// <threadsafety>Not thread-safe: one accumulator per thread, merged afterwards.</threadsafety>
/// </remarks>
public sealed class ScoreKpiLinkAccumulator
{
    private readonly JourneyAnalyzer _analyzer;
    private readonly DateTimeOffset _cutoff;
    private readonly DateTimeOffset _asOf;
    private readonly ScoreLinkBuilder[] _links;
    private readonly bool[] _measured; // per link: whether some batch could measure it (a KPI fed as events needs its touchpoint and values)
    private long _earliest = long.MaxValue;
    private int _open;

    internal ScoreKpiLinkAccumulator(JourneyAnalyzer analyzer, DateTimeOffset cutoff, DateTimeOffset asOf)
    {
        if (cutoff >= asOf)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, "The cut-off must be before the end of the observation.");
        }

        _analyzer = analyzer;
        _cutoff = cutoff;
        _asOf = asOf;
        int links = analyzer.Journey.Journey.Kpis.Count + 1;
        _links = new ScoreLinkBuilder[links];
        _measured = new bool[links];
        for (int k = 0; k < links; k++)
        {
            _links[k] = new ScoreLinkBuilder();
            _measured[k] = k == 0 || !IsResponse(analyzer.Journey.Journey.Kpis[k - 1]);
        }
    }

    /// <summary>Gets the number of runs open at the cut-off added so far.</summary>
    public int OpenAtCutoff => _open;

    /// <summary>
    /// Adds every customer of a batch (a partition: customers not added before, each with all its events). Events after the
    /// end of the observation are ignored.
    /// </summary>
    /// <param name="batch">The events of whole customers.</param>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        JourneyEvaluator evaluator = _analyzer.Evaluator;
        ScoringModel scoring = _analyzer.Options.Scoring;
        batch = batch.Until(_asOf);
        if (batch.EarliestTimestamp is { } first)
        {
            _earliest = Math.Min(_earliest, first.UtcTicks);
        }

        var scores = new Dictionary<(string Customer, int Run), double>();
        foreach (JourneyInstance run in evaluator.Evaluate(batch.Until(_cutoff)))
        {
            if (evaluator.GetStatus(run, _cutoff).IsOpen)
            {
                scores[(run.CustomerId, run.RunNumber)] = scoring.Score(evaluator, run, _cutoff).Value;
            }
        }

        IReadOnlyList<Kpi> kpis = _analyzer.Journey.Journey.Kpis;
        var responseTouchpoints = new int[kpis.Count + 1];
        for (int k = 1; k <= kpis.Count; k++)
        {
            responseTouchpoints[k] = IsResponse(kpis[k - 1]) && batch.HasValues && batch.Touchpoints.TryGetId(kpis[k - 1].Touchpoint!, out int id) ? id : -1;
            _measured[k] |= responseTouchpoints[k] >= 0;
        }

        _open += scores.Count;
        if (scores.Count == 0)
        {
            return;
        }

        long cut = _cutoff.UtcTicks, end = _asOf.UtcTicks;
        foreach (JourneyInstance run in evaluator.Evaluate(batch))
        {
            if (!scores.TryGetValue((run.CustomerId, run.RunNumber), out double score))
            {
                continue;
            }

            bool decided = !evaluator.GetStatus(run, _asOf).IsOpen;
            long? goal = run.GoalReached ? run.GoalReachedTicks ?? run.LastEventTicks : null;
            _links[0].Binary(score, goal is not null ? true : decided ? false : null);
            for (int k = 1; k <= kpis.Count; k++)
            {
                Kpi kpi = kpis[k - 1];
                switch (kpi.Kind)
                {
                    case KpiKind.Conversion when kpi.Horizon is { } horizon:
                        long deadline = run.FirstEventTicks + Math.Min(horizon.Ticks, long.MaxValue - run.FirstEventTicks);
                        if (deadline > cut) // else decided before the cut-off: nothing left to predict
                        {
                            _links[k].Binary(score, goal is { } g && g <= deadline ? true : goal is not null || decided || deadline <= end ? false : null);
                        }

                        break;
                    case KpiKind.Conversion:
                        _links[k].Binary(score, goal is not null ? true : decided ? false : null);
                        break;
                    case KpiKind.TimeToComplete:
                        _links[k].Time(score, goal is { } reached ? reached - run.FirstEventTicks : decided ? double.PositiveInfinity : end - run.FirstEventTicks, goal is not null);
                        break;
                    default:
                        if (IsResponse(kpi))
                        {
                            // a batch without the touchpoint (or values) has no response: censored, as in the whole batch
                            _links[k].Response(score, responseTouchpoints[k] >= 0 ? Response(batch, run, responseTouchpoints[k], kpi.Kind == KpiKind.Revenue, cut) : null);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>Appends another partition's state to this one (merge in the order of the customers for exact sums).</summary>
    /// <param name="other">The other accumulator: same analyzer, cut-off and end of observation, no shared customers.</param>
    /// <exception cref="ArgumentException">The accumulators differ in analyzer, cut-off or end of observation.</exception>
    public void Merge(ScoreKpiLinkAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._analyzer != _analyzer || other._cutoff != _cutoff || other._asOf != _asOf)
        {
            throw new ArgumentException("Only accumulators from the same analyzer, cut-off and end of observation can be merged.", nameof(other));
        }

        _earliest = Math.Min(_earliest, other._earliest);
        _open += other._open;
        for (int k = 0; k < _links.Length; k++)
        {
            _links[k].Merge(other._links[k]);
            _measured[k] |= other._measured[k];
        }
    }

    /// <summary>Builds the links from the customers added and merged.</summary>
    /// <returns>The links, the goal's first.</returns>
    public ScoreKpiLinkResult Build()
    {
        IReadOnlyList<Kpi> kpis = _analyzer.Journey.Journey.Kpis;
        var result = new List<ScoreKpiLink>(kpis.Count);
        for (int k = 1; k <= kpis.Count; k++)
        {
            Kpi kpi = kpis[k - 1];
            ScoreLinkBuilder link = _measured[k] ? _links[k] : new ScoreLinkBuilder(); // never measurable: no runs, as the whole batch says
            result.Add(link.Build(kpi.Id, string.IsNullOrEmpty(kpi.Name) ? kpi.Id : kpi.Name, kpi.Kind));
        }

        DateTimeOffset? start = _earliest == long.MaxValue ? null : new DateTimeOffset(_earliest, TimeSpan.Zero);
        return new ScoreKpiLinkResult(start, _cutoff, _asOf, _open, _links[0].Build(null, "reaching the goal", KpiKind.Conversion), result);
    }

    /// <summary>Whether the KPI is measured from responses fed as events (NPS, CSAT, revenue …): a kind other than conversion and time to complete, with a touchpoint.</summary>
    private static bool IsResponse(Kpi kpi) => kpi.Kind is not (KpiKind.Conversion or KpiKind.TimeToComplete) && kpi.Touchpoint is not null;

    /// <summary>The run's first response after the cut-off (revenue: the sum of its values after it), or null.</summary>
    private static double? Response(EventBatch batch, JourneyInstance run, int touchpoint, bool sum, long cutoffTicks)
    {
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<double> values = batch.Values;
        double? total = null;
        for (int i = run.BatchStart; i < run.BatchEnd; i++)
        {
            if (ids[i] == touchpoint && ticks[i] > cutoffTicks && !double.IsNaN(values[i]))
            {
                if (!sum)
                {
                    return values[i];
                }

                total = (total ?? 0) + values[i];
            }
        }

        return total;
    }
}
