namespace JourneyKit.Analytics;

/// <summary>One distinct path of a <see cref="PathQueryResult"/> and the runs that took it.</summary>
/// <param name="Steps">The step names in order: touchpoints or stage ids by <see cref="PathQuery.Level"/>.</param>
/// <param name="Truncated">Whether the run's segment went on past the depth (after the last step shown; with an end
/// anchor and no start anchor, before the first).</param>
/// <param name="Runs">Runs with exactly this path (and truncation).</param>
/// <param name="Share">The share of the matched runs (<see cref="PathQueryResult.Matched"/>), from 0 to 1.</param>
/// <param name="MedianDuration">The median (nearest rank) time from the path's first shown step to its last shown step
/// over these runs — with a start anchor, the time from the anchor.</param>
public sealed record QueriedPath(IReadOnlyList<string> Steps, bool Truncated, int Runs, double Share, TimeSpan MedianDuration);
