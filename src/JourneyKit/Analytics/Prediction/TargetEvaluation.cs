namespace JourneyKit.Analytics.Prediction;

/// <summary>The scoring of one target at one cut-off: how many runs had a known outcome, how many were censored, and each model's metrics.</summary>
/// <param name="Target">The target.</param>
/// <param name="Known">The runs with a known outcome (scored).</param>
/// <param name="Censored">The runs still open at the end of the data without the follow-up the target needs: left out of the metrics.</param>
/// <param name="Positives">The known runs where the event happened.</param>
/// <param name="Models">Each model's metrics, in <see cref="BacktestOptions.Models"/> order.</param>
public sealed record TargetEvaluation(RiskTarget Target, int Known, int Censored, int Positives, IReadOnlyList<ModelEvaluation> Models);
