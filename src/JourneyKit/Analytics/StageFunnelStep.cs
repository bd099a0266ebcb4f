using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>
/// One step of the stage funnel. Runs whose furthest stage is this one are split by their lifecycle state, so open runs
/// are never counted as dropped: <c>Reached = Converted + InProgress + Stuck + Dormant + Failed + MovedOn</c>.
/// </summary>
/// <param name="StageId">The stage id.</param>
/// <param name="StageName">The stage name.</param>
/// <param name="Reached">Runs that reached this stage or a later one (so counts never increase along the funnel).</param>
/// <param name="Visited">Runs that had at least one event in this stage (can be lower than <paramref name="Reached"/> when stages are skipped).</param>
/// <param name="Converted">Runs that reached the next stage or a later one (for the last stage: equal to <paramref name="Reached"/>).</param>
/// <param name="InProgress">Runs whose furthest stage is this one, in progress at the analysis instant (open).</param>
/// <param name="Stuck">Runs whose furthest stage is this one, stuck at the analysis instant (open).</param>
/// <param name="Dormant">Runs whose furthest stage is this one, dormant (dropped here).</param>
/// <param name="Failed">Runs whose furthest stage is this one, ended in a failure stage.</param>
/// <param name="MovedOn">Runs whose furthest stage is this one that reached the goal without the next stage (a goal before it).</param>
/// <param name="ConversionEstimate">The censoring-aware probability of reaching the next stage from first entering this one
/// (cumulative incidence with failure and dormancy competing, at the conversion KPI's horizon when declared), or null for
/// the last stage or when no run reached this one.</param>
public sealed record StageFunnelStep(string StageId, string StageName, int Reached, int Visited, int Converted, int InProgress, int Stuck, int Dormant, int Failed, int MovedOn, double? ConversionEstimate)
{
    /// <summary>Gets the open runs at this step (in progress or stuck): censored, neither converted nor dropped.</summary>
    public int Open => InProgress + Stuck;

    /// <summary>Gets the runs decided at this step: <see cref="Reached"/> − <see cref="Open"/>.</summary>
    public int Decided => Reached - Open;

    /// <summary>Gets the runs that dropped off here: dormant or failed.</summary>
    public int DroppedOff => Dormant + Failed;

    /// <summary>Gets the share of decided runs that reached the next stage, or null when none is decided.</summary>
    public double? ConversionRate => Decided == 0 ? null : (double)Converted / Decided;

    /// <summary>Gets the share of decided runs that dropped off here (dormant or failed), or null when none is decided.</summary>
    public double? DropOffRate => Decided == 0 ? null : (double)DroppedOff / Decided;
}
