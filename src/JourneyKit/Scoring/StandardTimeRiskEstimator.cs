namespace JourneyKit.Scoring;

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
