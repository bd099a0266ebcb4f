using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// The analytics risk model as a <see cref="RiskEstimator"/>: for a customer in stage s for t, the Kaplan–Meier
/// probability of never reaching the next stage (<see cref="StageRiskModel.RiskOfNotProgressing(TimeSpan)"/>), from a
/// <see cref="JourneyAnalysis"/> of past customers. Stages without a model (too few visits, terminal, last) have risk 0.
/// </summary>
/// <remarks>
/// <para>Rebuild it from a fresh analysis now and then (for example nightly) to follow changes in behaviour.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class SurvivalRiskEstimator : RiskEstimator
{
    private readonly Dictionary<string, StageRiskModel> _models = new(StringComparer.Ordinal);

    /// <summary>Creates the estimator from the per-stage risk models of an analysis.</summary>
    /// <param name="models">The models, e.g. <see cref="JourneyAnalysis.Risk"/>.</param>
    public SurvivalRiskEstimator(IEnumerable<StageRiskModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (StageRiskModel model in models)
        {
            _models[model.StageId] = model;
        }
    }

    /// <inheritdoc/>
    public override double Estimate(CompiledJourney journey, JourneyInstance instance, TimeSpan timeInStage)
    {
        StageRiskModel? model = ModelOf(journey, instance);
        return model is null ? 0 : model.RiskOfNotProgressing(timeInStage);
    }

    /// <inheritdoc/>
    /// <remarks>The risk S∞/S(t) only rises with t and changes only at the curve's event times, so the answer is exact.</remarks>
    public override TimeSpan? TimeInStageToReach(CompiledJourney journey, JourneyInstance instance, double threshold)
    {
        StageRiskModel? model = ModelOf(journey, instance);
        if (model is null)
        {
            return threshold <= 0 ? TimeSpan.Zero : TimeSpan.MaxValue;
        }

        if (model.RiskOfNotProgressing(TimeSpan.Zero) >= threshold)
        {
            return TimeSpan.Zero;
        }

        foreach (SurvivalPoint point in model.Curve.Points)
        {
            if (model.RiskOfNotProgressing(point.Time) >= threshold)
            {
                return point.Time;
            }
        }

        return TimeSpan.MaxValue;
    }

    private StageRiskModel? ModelOf(CompiledJourney journey, JourneyInstance instance)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(instance);
        return instance.CurrentStage < 0 ? null : _models.GetValueOrDefault(journey.Stages[instance.CurrentStage].Id);
    }
}
