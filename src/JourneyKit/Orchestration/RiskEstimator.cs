using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>
/// Estimates the probability that a customer gets stuck or drops out of their current stage, for
/// <see cref="RuleTriggerKind.RiskAtLeast"/> rules. Plug in a model (e.g. from journey analytics) by deriving.
/// </summary>
/// <remarks><threadsafety>Implementations must be thread-safe.</threadsafety></remarks>
public abstract class RiskEstimator
{
    /// <summary>Estimates the risk for a customer in their current stage.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="instance">The customer's instance; <see cref="JourneyInstance.CurrentStage"/> is at least 0.</param>
    /// <param name="timeInStage">How long the customer has been in the stage as of now.</param>
    /// <returns>A probability in [0, 1].</returns>
    public abstract double Estimate(CompiledJourney journey, JourneyInstance instance, TimeSpan timeInStage);

    /// <summary>
    /// Gets the time in the current stage at which <see cref="Estimate"/> first reaches <paramref name="threshold"/>
    /// when no event arrives, if the estimator can tell; the engine then sets a timer for exactly that instant. Null
    /// (the default) makes the engine re-check every <see cref="OrchestrationOptions.RiskRecheckInterval"/>.
    /// </summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="instance">The customer's instance.</param>
    /// <param name="threshold">The threshold.</param>
    /// <returns>The time in stage, <see cref="TimeSpan.MaxValue"/> for never, or null when unknown.</returns>
    public virtual TimeSpan? TimeInStageToReach(CompiledJourney journey, JourneyInstance instance, double threshold) => null;

    /// <summary>
    /// Gets the version of the model behind the estimates, recorded with every intervention a risk rule fires
    /// (<see cref="Intervention.RiskModel"/>); null (the default) when the estimator has none.
    /// </summary>
    public virtual string? ModelVersion => null;
}

/// <summary>
/// A baseline risk: the fraction of the current stage's standard time elapsed, capped at 1 (0 in terminal stages or
/// stages without a standard time). Usable before a trained model exists.
/// </summary>
/// <remarks><threadsafety>Thread-safe.</threadsafety></remarks>
public sealed class StandardTimeRiskEstimator : RiskEstimator
{
    /// <summary>Gets the shared instance.</summary>
    public static StandardTimeRiskEstimator Instance { get; } = new();

    /// <inheritdoc/>
    public override double Estimate(CompiledJourney journey, JourneyInstance instance, TimeSpan timeInStage)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.CurrentStage < 0)
        {
            return 0;
        }

        Model.Stage stage = journey.Stages[instance.CurrentStage];
        if (stage.IsTerminal || stage.StandardTime <= TimeSpan.Zero)
        {
            return 0;
        }

        return Math.Clamp(timeInStage / stage.StandardTime, 0, 1);
    }

    /// <inheritdoc/>
    public override TimeSpan? TimeInStageToReach(CompiledJourney journey, JourneyInstance instance, double threshold)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.CurrentStage < 0)
        {
            return TimeSpan.MaxValue;
        }

        Model.Stage stage = journey.Stages[instance.CurrentStage];
        return stage.IsTerminal || stage.StandardTime <= TimeSpan.Zero || threshold > 1
            ? TimeSpan.MaxValue
            : TimeSpan.FromTicks((long)Math.Ceiling(stage.StandardTime.Ticks * threshold));
    }
}
