namespace JourneyKit.Analytics.Prediction;

/// <summary>The runs a threshold flags (prediction at or above it): how risky they were said to be, and how many had the event.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="Count">The flagged runs.</param>
/// <param name="MeanPredicted">Their mean prediction (null when none is flagged).</param>
/// <param name="Observed">The share of them where the event happened (null when none is flagged).</param>
public sealed record FlaggedRuns(double Threshold, int Count, double? MeanPredicted, double? Observed)
{
    /// <summary>Gets <see cref="MeanPredicted"/> − <see cref="Observed"/>: positive when the flagged runs' risk is overstated (null when none is flagged).</summary>
    public double? Gap => MeanPredicted - Observed;
}
