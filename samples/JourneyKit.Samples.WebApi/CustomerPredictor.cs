using JourneyKit.Analytics.Prediction;
using JourneyKit.Prediction;
using JourneyKit.Scoring;

namespace JourneyKit.Samples.WebApi;

/// <summary>
/// The prediction <c>GET /customers/{id}</c> returns when a model is configured (<c>JourneyKit:PredictionModel</c>): for an
/// open run in a stage that can progress, the risks of not progressing within the model's horizon and of missing the goal,
/// the model's version, and the top reasons for not progressing in plain words (docs/prediction.md).
/// </summary>
/// <param name="model">The fitted model, or null when none is configured.</param>
public sealed class CustomerPredictor(RiskPredictionModel? model)
{
    /// <summary>How many reasons a prediction carries.</summary>
    public const int Reasons = 3;

    /// <summary>Gets the model, or null.</summary>
    public RiskPredictionModel? Model => model;

    /// <summary>The prediction of a run as of an instant, or null (no model, a run that is not open, a terminal stage, or a run of another journey or version than the model's).</summary>
    /// <param name="evaluator">The evaluator the run is judged with.</param>
    /// <param name="run">The run.</param>
    /// <param name="status">Its status at <paramref name="asOf"/>.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>A JSON-ready object, or null.</returns>
    public object? Predict(JourneyEvaluator evaluator, JourneyInstance run, JourneyStatus status, DateTimeOffset asOf)
    {
        if (model is null || !status.IsOpen || run.CurrentStage < 0 || evaluator.Journey.Stages[run.CurrentStage].IsTerminal
            || model.JourneyId != evaluator.Journey.Journey.Id || model.JourneyVersion != evaluator.Journey.Journey.Version)
        {
            return null;
        }

        RunRisk risk = model.Predict(evaluator, run, asOf);
        IReadOnlyList<RiskFactor> reasons = model.Explain(evaluator, run, asOf, RiskTarget.NotProgressing, Reasons);
        return new
        {
            notProgressing = Math.Round(risk.NotProgressing, 4),
            missingGoal = Math.Round(risk.MissingGoal, 4),
            horizon = JourneyKit.Duration.Format(model.Horizon),
            modelVersion = model.Fingerprint,
            reasons = reasons.Select(r => new { feature = r.Feature, contribution = Math.Round(r.Contribution, 4), description = r.Description }),
        };
    }
}
