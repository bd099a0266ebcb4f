using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>A run stuck in a stage (<see cref="Scoring.LifecycleState.Stuck"/>).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="StageId">The stage.</param>
/// <param name="TimeInStage">Time in the stage so far.</param>
/// <param name="OverdueBy">Time past the stage's standard time.</param>
public sealed record StuckCustomer(string CustomerId, string StageId, TimeSpan TimeInStage, TimeSpan OverdueBy);
