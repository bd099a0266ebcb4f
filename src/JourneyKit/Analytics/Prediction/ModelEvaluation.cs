namespace JourneyKit.Analytics.Prediction;

/// <summary>One model's metrics for one target at one cut-off.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Metrics">Its metrics over the labelled (not censored) runs.</param>
public sealed record ModelEvaluation(string Model, PredictionMetrics Metrics);
