using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>The stage funnel of one segment of customers.</summary>
/// <param name="Dimension">The dimension: <c>persona</c>, <c>channel</c> (customers who used the channel at least once), <c>first_channel</c> or <c>cohort</c>.</param>
/// <param name="Value">The segment value (<c>(none)</c> when unknown); cohorts are ISO weeks such as <c>2026-W03</c>.</param>
/// <param name="Customers">Customers in the segment.</param>
/// <param name="Reached">Customers reaching each designed stage, in funnel order.</param>
/// <param name="GoalReached">Customers in the segment who reached the goal.</param>
/// <param name="States">The segment's runs per lifecycle state.</param>
/// <param name="GoalEstimate">The censoring-aware probability of reaching the goal (same estimator and horizon as <see cref="JourneyAnalysis.Conversion"/>), or null.</param>
public sealed record SegmentFunnel(string Dimension, string Value, int Customers, IReadOnlyList<int> Reached, int GoalReached, LifecycleCounts States, double? GoalEstimate)
{
    /// <summary>Gets a value indicating whether every run of the segment is decided (no open run): a cohort that is not complete yet still has runs that may convert.</summary>
    public bool IsComplete => States.Open == 0;

    /// <summary>Gets the share of decided runs that reached the goal, or null when none is decided.</summary>
    public double? DecidedRate => States.Decided == 0 ? null : (double)States.Converted / States.Decided;
}
