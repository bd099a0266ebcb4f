using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// How many runs are in each <see cref="LifecycleState"/> as of the analysis instant. The states are exclusive, so the
/// counts add up to <see cref="Total"/>.
/// </summary>
/// <param name="InProgress">Runs in progress (open).</param>
/// <param name="Stuck">Runs stuck: past the stage's standard time and still active (open).</param>
/// <param name="Dormant">Runs dormant: no event for the inactivity period before a terminal stage (decided: dropped).</param>
/// <param name="Converted">Runs that reached the goal (decided).</param>
/// <param name="Failed">Runs that reached a failure stage (decided).</param>
public sealed record LifecycleCounts(int InProgress, int Stuck, int Dormant, int Converted, int Failed)
{
    /// <summary>Gets the number of runs counted.</summary>
    public int Total => InProgress + Stuck + Dormant + Converted + Failed;

    /// <summary>Gets the open runs (in progress or stuck): their outcome is not known yet.</summary>
    public int Open => InProgress + Stuck;

    /// <summary>Gets the decided runs (converted, failed or dormant).</summary>
    public int Decided => Dormant + Converted + Failed;

    /// <summary>Gets the count of one state (<see cref="LifecycleState.NotStarted"/> is never counted: 0).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The count.</returns>
    public int this[LifecycleState state] => state switch
    {
        LifecycleState.InProgress => InProgress,
        LifecycleState.Stuck => Stuck,
        LifecycleState.Dormant => Dormant,
        LifecycleState.Converted => Converted,
        LifecycleState.Failed => Failed,
        _ => 0,
    };
}
