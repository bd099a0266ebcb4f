namespace JourneyKit.Analytics.Prediction;

/// <summary>A fitted risk model: predicts <see cref="RunRisk"/> for runs open at an instant, from the events up to it.</summary>
/// <remarks><threadsafety>Implementations must be thread-safe for <see cref="Predict"/>.</threadsafety></remarks>
public abstract class FittedRiskModel
{
    /// <summary>Gets the model's short name (the trainer's).</summary>
    public abstract string Name { get; }

    /// <summary>Predicts the risks of every run of <paramref name="query"/>.</summary>
    /// <param name="query">The runs open at the instant and the events up to it.</param>
    /// <param name="risks">Where to write one prediction per run, in <see cref="RiskQuery.Runs"/> order; as long as the runs.</param>
    public abstract void Predict(RiskQuery query, Span<RunRisk> risks);
}
