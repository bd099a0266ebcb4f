using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>Time spent in a stage (completed visits) against its standard time.</summary>
/// <param name="StageId">The stage id.</param>
/// <param name="StandardTime">The stage's standard time (zero when not set).</param>
/// <param name="CompletedVisits">Visits that ended by moving to another stage.</param>
/// <param name="P50">The median time in stage (nearest rank), or null without completed visits.</param>
/// <param name="P90">The 90th percentile (nearest rank).</param>
/// <param name="P99">The 99th percentile (nearest rank).</param>
/// <param name="StuckNow">Runs stuck in this stage at the analysis instant.</param>
public sealed record StageTimeStats(string StageId, TimeSpan StandardTime, int CompletedVisits, TimeSpan? P50, TimeSpan? P90, TimeSpan? P99, int StuckNow)
{
    /// <summary>Gets a value indicating whether the median exceeds the standard time (never when no standard time is set).</summary>
    public bool MedianExceedsStandard => StandardTime > TimeSpan.Zero && P50 is { } median && median > StandardTime;
}
