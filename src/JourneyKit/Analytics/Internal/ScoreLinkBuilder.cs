using JourneyKit.Model;

namespace JourneyKit.Analytics.Internal;

/// <summary>Collects one score ↔ KPI link's (score, outcome) pairs; partitions merge by concatenation, in partition order.</summary>
internal sealed class ScoreLinkBuilder
{
    private readonly List<(double Score, double Time, bool Event)> _ranked = [];
    private readonly List<(double X, double Y)> _pairs = [];
    private int _runs;
    private int _censored;
    private bool _timed;

    /// <summary>A yes/no outcome (null: still unknown): an event at time 0, a non-event never, an unknown one censored at once.</summary>
    public void Binary(double score, bool? outcome)
    {
        _runs++;
        if (outcome is not { } yes)
        {
            _censored++;
            return;
        }

        _ranked.Add((score, yes ? 0 : double.PositiveInfinity, yes));
        _pairs.Add((score, yes ? 1 : 0));
    }

    /// <summary>The time to the goal: reached (event), never (infinity, a decided non-event) or censored at the follow-up.</summary>
    public void Time(double score, double ticks, bool reached)
    {
        _timed = true;
        _runs++;
        _censored += !reached && !double.IsPositiveInfinity(ticks) ? 1 : 0;
        _ranked.Add((score, ticks, reached));
    }

    /// <summary>A response value (null: none after the cut-off): the higher response counts as the earlier event.</summary>
    public void Response(double score, double? value)
    {
        _runs++;
        if (value is not { } v)
        {
            _censored++;
            return;
        }

        _ranked.Add((score, -v, true));
        _pairs.Add((score, v));
    }

    /// <summary>Appends another partition's pairs after this one's.</summary>
    public void Merge(ScoreLinkBuilder other)
    {
        _ranked.AddRange(other._ranked);
        _pairs.AddRange(other._pairs);
        _runs += other._runs;
        _censored += other._censored;
        _timed |= other._timed;
    }

    public ScoreKpiLink Build(string? id, string name, KpiKind kind) =>
        new(id, name, kind, _runs, _censored, RankStatistics.Concordance(_ranked), _timed ? null : RankStatistics.Pearson(_pairs));
}
