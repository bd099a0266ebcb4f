using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>One run open at a cut-off: where it stood, what each model predicted, and what happened (null: censored).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="StageId">The stage it was in at the cut-off.</param>
/// <param name="TimeInStage">How long it had been in the stage.</param>
/// <param name="State">Its state at the cut-off (in progress or stuck).</param>
/// <param name="NotProgressed">The outcome of <see cref="RiskTarget.NotProgressing"/>, or null when censored.</param>
/// <param name="MissedGoal">The outcome of <see cref="RiskTarget.MissingGoal"/>, or null when censored.</param>
/// <param name="Risks">Each model's prediction, in <see cref="BacktestOptions.Models"/> order.</param>
public sealed record BacktestPrediction(string CustomerId, string StageId, TimeSpan TimeInStage, LifecycleState State, bool? NotProgressed, bool? MissedGoal, IReadOnlyList<RunRisk> Risks)
{
    /// <summary>Gets the outcome of a target (null: censored).</summary>
    /// <param name="target">The target.</param>
    /// <returns>The outcome.</returns>
    public bool? Outcome(RiskTarget target) => target == RiskTarget.NotProgressing ? NotProgressed : MissedGoal;
}
