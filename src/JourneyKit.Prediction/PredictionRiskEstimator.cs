using JourneyKit.Orchestration;
using JourneyKit.Scoring;

namespace JourneyKit.Prediction;

/// <summary>
/// A fitted <see cref="RiskPredictionModel"/> as an orchestration <see cref="RiskEstimator"/>, so that risk rules
/// (<see cref="Model.RuleTriggerKind.RiskAtLeast"/>) act on it: the estimate is the model's probability of not progressing past the
/// current stage within its horizon, as of the moment the customer has spent <c>timeInStage</c> in the stage.
/// </summary>
/// <remarks>
/// <para>Numeric attributes come from <see cref="JourneyInstance.Attributes"/> (the persona rules' attributes); others count
/// as missing. <see cref="RiskEstimator.TimeInStageToReach"/> is not known (the risk is not monotone in time), so the engine
/// re-checks every <see cref="OrchestrationOptions.RiskRecheckInterval"/>. Record <see cref="ModelVersion"/> with the
/// decisions it drives.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class PredictionRiskEstimator : RiskEstimator
{
    private readonly RiskPredictionModel _model;
    private readonly JourneyEvaluator _evaluator;

    /// <summary>Creates the estimator.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="evaluator">The evaluator the engine advances runs with (its journey must be the model's).</param>
    public PredictionRiskEstimator(RiskPredictionModel model, JourneyEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(evaluator);
        _model = model;
        _evaluator = evaluator;
    }

    /// <summary>Gets the model's fingerprint (<see cref="RiskPredictionModel.Fingerprint"/>), recorded with every intervention a risk rule fires.</summary>
    public override string ModelVersion => _model.Fingerprint;

    /// <inheritdoc/>
    public override double Estimate(CompiledJourney journey, JourneyInstance instance, TimeSpan timeInStage)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.CurrentStage < 0 || instance.CurrentStageEnteredTicks is not { } entered || journey.Stages[instance.CurrentStage].IsTerminal)
        {
            return 0;
        }

        long asOf = Math.Max(instance.LastEventTicks, entered + timeInStage.Ticks);
        return _model.Predict(_evaluator, instance, new DateTimeOffset(asOf, TimeSpan.Zero)).NotProgressing;
    }
}
