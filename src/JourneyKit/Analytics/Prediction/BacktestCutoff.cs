namespace JourneyKit.Analytics.Prediction;

/// <summary>The backtest at one cut-off.</summary>
/// <param name="Cutoff">The cut-off.</param>
/// <param name="TrainingEvents">The events at or before it: all the models saw.</param>
/// <param name="OpenRuns">The runs open (in progress or stuck) at the cut-off.</param>
/// <param name="Unpredictable">Open runs not predicted for: before any stage, or in a stage with no later designed stage.</param>
/// <param name="Targets">The scoring of each target.</param>
/// <param name="Predictions">Every predicted run with its outcomes, in customer order.</param>
public sealed record BacktestCutoff(DateTimeOffset Cutoff, int TrainingEvents, int OpenRuns, int Unpredictable, IReadOnlyList<TargetEvaluation> Targets, IReadOnlyList<BacktestPrediction> Predictions)
{
    /// <summary>Gets the scoring of a target.</summary>
    /// <param name="target">The target.</param>
    /// <returns>The scoring.</returns>
    public TargetEvaluation Of(RiskTarget target) => Targets[(int)target];
}
