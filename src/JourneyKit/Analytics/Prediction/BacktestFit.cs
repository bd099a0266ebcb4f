using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// The built-in baselines fitted at every cut-off of a backtest over batches (<see cref="BacktestFitAccumulator.Build"/>):
/// what the second pass over the data predicts with (<see cref="CreateAccumulator"/>).
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe: accumulators of the second pass on several threads share it.</threadsafety></remarks>
public sealed class BacktestFit
{
    internal BacktestFit(BacktestPlan plan, FittedRiskModel[][] models)
    {
        Plan = plan;
        Models = models;
    }

    /// <summary>Gets the plan the models were fitted for.</summary>
    public BacktestPlan Plan { get; }

    /// <summary>The fitted models, [cut-off][model] in <see cref="BacktestOptions.Models"/> order.</summary>
    internal FittedRiskModel[][] Models { get; }

    /// <summary>Creates an empty accumulator of the second pass, for one partition of customers: predictions for the runs open at each cut-off, scored against what happened after it.</summary>
    /// <returns>The accumulator.</returns>
    public BacktestAccumulator CreateAccumulator() => new(this);
}
