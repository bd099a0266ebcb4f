namespace JourneyKit.Analytics.Prediction;

/// <summary>The result of <see cref="NextStepBacktest.Run"/>: every cut-off and the summary over them.</summary>
/// <param name="JourneyId">The journey.</param>
/// <param name="DataEnd">The latest event in the data: outcomes are known up to it.</param>
/// <param name="Models">The models' names, in order.</param>
/// <param name="Cutoffs">Each cut-off, in time order.</param>
/// <param name="Summary">Per model, in order, the metrics over the cut-offs.</param>
public sealed record NextStepBacktestResult(string JourneyId, DateTimeOffset DataEnd, IReadOnlyList<string> Models, IReadOnlyList<NextStepCutoff> Cutoffs, IReadOnlyList<NextStepSummary> Summary)
{
    /// <summary>Gets the summary of one model.</summary>
    /// <param name="model">The model's name.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="KeyNotFoundException">No model has that name.</exception>
    public NextStepSummary SummaryOf(string model)
    {
        foreach (NextStepSummary s in Summary)
        {
            if (s.Model == model)
            {
                return s;
            }
        }

        throw new KeyNotFoundException($"No model named '{model}' in the backtest.");
    }
}
