namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// A way of fitting a risk model: from the events up to a cut-off only (<see cref="RiskTrainingSet"/>) to a
/// <see cref="FittedRiskModel"/> that predicts, for runs open at an instant, the probability of each <see cref="RiskTarget"/>.
/// Derive from it to backtest your own model with <see cref="Backtest"/>.
/// </summary>
/// <remarks>
/// <para>The built-in trainers are the two dependency-free baselines, <see cref="HistoricalRateRiskTrainer"/> and
/// <see cref="KaplanMeierRiskTrainer"/>; the package <c>JourneyKit.Prediction</c> adds a fitted, calibrated model.</para>
/// <threadsafety>Implementations must be thread-safe: one trainer fits several cut-offs.</threadsafety>
/// </remarks>
public abstract class RiskModelTrainer
{
    /// <summary>Gets the model's short name, as results and the command line show it (for example <c>kaplan-meier</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Fits a model on the training set. A trainer must use nothing but <paramref name="training"/>: no event after its cut-off.</summary>
    /// <param name="training">The journey, the events up to the cut-off, the horizon and the seed.</param>
    /// <returns>The fitted model.</returns>
    public abstract FittedRiskModel Fit(RiskTrainingSet training);
}
