namespace JourneyKit.Analytics;

/// <summary>
/// The risk of a customer in a stage: from the Kaplan–Meier curve of the time to reach the next designed stage (visits still
/// in the stage, or that left it another way, are censored at the analysis instant), and the Markov probability of reaching
/// the goal from the next stage. See docs/analytics.md.
/// </summary>
/// <param name="StageId">The stage.</param>
/// <param name="NextStageId">The next designed stage.</param>
/// <param name="Curve">The time-to-next-stage survival curve.</param>
/// <param name="GoalProbabilityFromNext">P(reaching the goal | entering the next stage), from the stage-level Markov chain.</param>
public sealed record StageRiskModel(string StageId, string NextStageId, SurvivalCurve Curve, double GoalProbabilityFromNext)
{
    /// <summary>Gets P(never reaching the next stage | still in this stage after <paramref name="timeInStage"/>).</summary>
    /// <param name="timeInStage">The time in the stage so far.</param>
    /// <returns>The probability, 0..1.</returns>
    public double RiskOfNotProgressing(TimeSpan timeInStage) => Curve.ProbabilityOfNever(timeInStage);

    /// <summary>Gets P(never reaching the goal | still in this stage after <paramref name="timeInStage"/>) = 1 − (1 − risk of not progressing) × <see cref="GoalProbabilityFromNext"/>.</summary>
    /// <param name="timeInStage">The time in the stage so far.</param>
    /// <returns>The probability, 0..1.</returns>
    public double RiskOfMissingGoal(TimeSpan timeInStage) => 1 - ((1 - RiskOfNotProgressing(timeInStage)) * GoalProbabilityFromNext);
}
