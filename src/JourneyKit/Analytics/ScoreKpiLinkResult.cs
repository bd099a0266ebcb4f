namespace JourneyKit.Analytics;

/// <summary>
/// The journey score's predictive link to the goal and to each KPI (<see cref="JourneyAnalyzer.LinkScoresToKpis(Events.EventBatch, DateTimeOffset, DateTimeOffset)"/>):
/// every run open at <see cref="Cutoff"/> is scored from its events up to then, and its outcome is read from the events after
/// it up to <see cref="AsOf"/>.
/// </summary>
/// <param name="DataStart">The earliest event (null without events).</param>
/// <param name="Cutoff">The instant the scores are taken at.</param>
/// <param name="AsOf">The end of the observation: outcomes are judged as of it, later events are ignored.</param>
/// <param name="OpenAtCutoff">Runs open (in progress or stuck) at the cut-off.</param>
/// <param name="Goal">The link to reaching the goal (by the end of the data).</param>
/// <param name="Kpis">One link per KPI of the journey, in declaration order (a KPI the events cannot measure has no runs and null measures).</param>
public sealed record ScoreKpiLinkResult(DateTimeOffset? DataStart, DateTimeOffset Cutoff, DateTimeOffset AsOf, int OpenAtCutoff, ScoreKpiLink Goal, IReadOnlyList<ScoreKpiLink> Kpis)
{
    /// <summary>The default place of the cut-off: halfway from the earliest event to the analysis instant.</summary>
    public const double DefaultCutoffFraction = 0.5;

    /// <summary>Gets how far through the data the cut-off lies (0 at the earliest event, 1 at <see cref="AsOf"/>), or null without events.</summary>
    public double? CutoffFraction => DataStart is { } start && AsOf > start ? (double)(Cutoff - start).Ticks / (AsOf - start).Ticks : null;
}
