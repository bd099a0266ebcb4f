using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>A customer whose risk of not progressing is high before the standard time is up.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="StageId">The current stage.</param>
/// <param name="TimeInStage">Time in the stage so far.</param>
/// <param name="StandardTime">The stage's standard time.</param>
/// <param name="RiskOfNotProgressing">P(never reaching the next stage | still here after <paramref name="TimeInStage"/>).</param>
/// <param name="RiskOfMissingGoal">P(never reaching the goal | still here after <paramref name="TimeInStage"/>).</param>
public sealed record AtRiskCustomer(string CustomerId, string StageId, TimeSpan TimeInStage, TimeSpan StandardTime, double RiskOfNotProgressing, double RiskOfMissingGoal);
