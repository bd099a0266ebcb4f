namespace JourneyKit.Analytics.Prediction;

/// <summary>One candidate next touchpoint and its predicted probability.</summary>
/// <param name="Touchpoint">The touchpoint, as the events name it.</param>
/// <param name="Probability">The probability that it is the run's next event, given that there is one.</param>
public readonly record struct TouchpointProbability(string Touchpoint, double Probability);
