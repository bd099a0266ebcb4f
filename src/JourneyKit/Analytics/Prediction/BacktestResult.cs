namespace JourneyKit.Analytics.Prediction;

/// <summary>The result of <see cref="Backtest.Run"/>: every cut-off and the summary over them.</summary>
/// <param name="JourneyId">The journey.</param>
/// <param name="Horizon">The horizon of <see cref="RiskTarget.NotProgressing"/>.</param>
/// <param name="RiskThreshold">The flagging threshold.</param>
/// <param name="DataEnd">The latest event in the data: outcomes are known up to it.</param>
/// <param name="Models">The models' names, in order.</param>
/// <param name="Cutoffs">Each cut-off, in time order.</param>
/// <param name="Summary">Per target and model (target-major, models in order), the metrics over the cut-offs.</param>
public sealed record BacktestResult(string JourneyId, TimeSpan Horizon, double RiskThreshold, DateTimeOffset DataEnd, IReadOnlyList<string> Models, IReadOnlyList<BacktestCutoff> Cutoffs, IReadOnlyList<BacktestSummary> Summary)
{
    /// <summary>Gets the summary of one model for one target.</summary>
    /// <param name="target">The target.</param>
    /// <param name="model">The model's name.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="KeyNotFoundException">No model has that name.</exception>
    public BacktestSummary SummaryOf(RiskTarget target, string model)
    {
        foreach (BacktestSummary s in Summary)
        {
            if (s.Target == target && s.Model == model)
            {
                return s;
            }
        }

        throw new KeyNotFoundException($"No model named '{model}' in the backtest.");
    }
}
