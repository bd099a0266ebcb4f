namespace JourneyKit.Analytics.Prediction;

/// <summary>One model's next-touchpoint accuracy in <see cref="NextStepBacktest.EveryPrefix"/>.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Top1">The share of prefixes whose next symbol was the model's first guess (null with no prefix).</param>
/// <param name="Top3">The share whose next symbol was among its first three guesses.</param>
public sealed record EveryPrefixAccuracy(string Model, double? Top1, double? Top3);
