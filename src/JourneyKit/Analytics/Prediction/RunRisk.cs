namespace JourneyKit.Analytics.Prediction;

/// <summary>The predicted probabilities for one open run, one per <see cref="RiskTarget"/>.</summary>
/// <param name="NotProgressing">P(<see cref="RiskTarget.NotProgressing"/>): no progress past the current stage within the horizon, 0..1.</param>
/// <param name="MissingGoal">P(<see cref="RiskTarget.MissingGoal"/>): never reaching the goal, 0..1.</param>
public readonly record struct RunRisk(double NotProgressing, double MissingGoal)
{
    /// <summary>Gets the probability for a target.</summary>
    /// <param name="target">The target.</param>
    /// <returns>The probability.</returns>
    public double Of(RiskTarget target) => target == RiskTarget.NotProgressing ? NotProgressing : MissingGoal;
}
