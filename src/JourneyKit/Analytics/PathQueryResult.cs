namespace JourneyKit.Analytics;

/// <summary>
/// The answer to a <see cref="PathQuery"/>: every run considered falls in exactly one of <see cref="WithoutStart"/>,
/// <see cref="WithoutEnd"/>, <see cref="Excluded"/> and <see cref="Matched"/>, and the matched runs are split over
/// <see cref="Paths"/> and <see cref="OtherRuns"/>.
/// </summary>
/// <param name="Query">The query.</param>
/// <param name="AsOf">The instant: later events are ignored and drop-offs are judged at it.</param>
/// <param name="Runs">The runs considered (with <see cref="AnalysisUnit.Customers"/>, each customer's latest run).</param>
/// <param name="WithoutStart">Runs with no step left after hiding, or without a step named <see cref="PathQuery.StartingAt"/>.</param>
/// <param name="WithoutEnd">Runs with a start but no step named <see cref="PathQuery.EndingAt"/> after it, or — with
/// <see cref="PathQuery.DropOffAt"/> — that had not dropped off in that stage as of the instant.</param>
/// <param name="OpenInDropOffStage">Of <paramref name="WithoutEnd"/>, with <see cref="PathQuery.DropOffAt"/>: the runs
/// in that stage that are still open (in progress or stuck) — not drop-offs (yet); 0 otherwise.</param>
/// <param name="Excluded">Runs left out because their segment had an <see cref="PathQuery.Excluded"/> step.</param>
/// <param name="Paths">The <see cref="PathQuery.Top"/> most frequent paths: most runs first, then by step names
/// (ordinal, step by step; a shorter prefix first), a complete path before a truncated one.</param>
/// <param name="OtherRuns">Matched runs whose path is not among <paramref name="Paths"/> (the "other" bucket).</param>
/// <param name="DistinctPaths">The number of distinct paths of the matched runs.</param>
/// <param name="MedianTimeToEnd">The median (nearest rank) over the matched runs of the time from the start to the end —
/// the end anchor, the last step before the drop-off, or the run's last step — before the depth cut (with
/// <see cref="PathQuery.StartingAt"/> X and <see cref="PathQuery.EndingAt"/> Y: the time from X to Y); null without
/// matched runs.</param>
public sealed record PathQueryResult(
    PathQuery Query,
    DateTimeOffset AsOf,
    int Runs,
    int WithoutStart,
    int WithoutEnd,
    int OpenInDropOffStage,
    int Excluded,
    IReadOnlyList<QueriedPath> Paths,
    int OtherRuns,
    int DistinctPaths,
    TimeSpan? MedianTimeToEnd)
{
    /// <summary>Gets the runs with a path: <see cref="Runs"/> − <see cref="WithoutStart"/> − <see cref="WithoutEnd"/> − <see cref="Excluded"/>.</summary>
    public int Matched => Runs - WithoutStart - WithoutEnd - Excluded;

    /// <summary>Gets the share of the matched runs in the "other" bucket, or 0 without matched runs.</summary>
    public double OtherShare => Matched == 0 ? 0 : (double)OtherRuns / Matched;
}
