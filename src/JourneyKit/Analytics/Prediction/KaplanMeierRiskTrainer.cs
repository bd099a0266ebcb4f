using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// The journey analytics' own risk model as a baseline (docs/analytics.md): per stage, the Kaplan–Meier curve S of the time
/// to reach the next designed stage, fitted on the visits up to the cut-off (<see cref="JourneyAnalyzer"/>,
/// <see cref="JourneyAnalysis.Risk"/>). For a run in the stage for t: P(not progressing within the horizon h) =
/// S(t + h) / S(t) (0 when S(t) is 0), and P(missing the goal) = <see cref="StageRiskModel.RiskOfMissingGoal"/>(t).
/// A stage with fewer than <see cref="MinRiskSamples"/> visits has no curve and gets <see cref="HistoricalRateRiskTrainer"/>'s rates.
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public sealed class KaplanMeierRiskTrainer : RiskModelTrainer
{
    /// <summary>Gets the shared instance with default settings.</summary>
    public static KaplanMeierRiskTrainer Default { get; } = new();

    /// <summary>Gets the fewest visits for a stage's curve. The default value is 20 (<see cref="AnalyticsOptions.MinRiskSamples"/>).</summary>
    public int MinRiskSamples { get; init; } = 20;

    /// <summary>Gets the trainer of the fallback rates. The default value is <see cref="HistoricalRateRiskTrainer.Default"/>.</summary>
    public HistoricalRateRiskTrainer Fallback { get; init; } = HistoricalRateRiskTrainer.Default;

    /// <inheritdoc/>
    public override string Name => "kaplan-meier";

    /// <inheritdoc/>
    public override FittedRiskModel Fit(RiskTrainingSet training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var analyzer = new JourneyAnalyzer(training.Journey, AnalysisOptions(training.Evaluator.Options));
        JourneyAnalysis analysis = analyzer.Analyze(training.Events, training.Cutoff);
        return FromAnalysis(training.Journey, analysis, Fallback.FitRates(training));
    }

    /// <summary>The options of the analysis the curves come from.</summary>
    internal AnalyticsOptions AnalysisOptions(EvaluationOptions evaluation) => new() { Evaluation = evaluation, MinRiskSamples = MinRiskSamples };

    /// <summary>The fitted model from the analysis at the cut-off (<see cref="AnalysisOptions"/>) and the fallback rates.</summary>
    internal FittedRiskModel FromAnalysis(CompiledJourney journey, JourneyAnalysis analysis, HistoricalRateRiskTrainer.Rates fallback)
    {
        var byStage = new StageRiskModel?[journey.Stages.Length];
        foreach (StageRiskModel model in analysis.Risk)
        {
            for (int s = 0; s < byStage.Length; s++)
            {
                if (journey.Stages[s].Id == model.StageId)
                {
                    byStage[s] = model;
                }
            }
        }

        return new Fitted(Name, byStage, fallback);
    }

    /// <summary>The fitted curves.</summary>
    private sealed class Fitted(string name, StageRiskModel?[] models, HistoricalRateRiskTrainer.Rates fallback) : FittedRiskModel
    {
        public override string Name => name;

        public override void Predict(RiskQuery query, Span<RunRisk> risks)
        {
            ArgumentNullException.ThrowIfNull(query);
            long asOf = query.AsOf.UtcTicks;
            for (int i = 0; i < query.Runs.Count; i++)
            {
                JourneyInstance run = query.Runs[i];
                StageRiskModel? model = run.CurrentStage >= 0 && run.CurrentStage < models.Length ? models[run.CurrentStage] : null;
                if (model is null || run.CurrentStageEnteredTicks is not { } entered)
                {
                    risks[i] = fallback.Of(run.CurrentStage);
                    continue;
                }

                var t = TimeSpan.FromTicks(Math.Max(0, asOf - entered));
                double now = model.Curve.SurvivalAt(t);
                double notProgressing = now <= 0 ? 0 : Math.Min(1, model.Curve.SurvivalAt(t + query.Horizon) / now);
                risks[i] = new RunRisk(notProgressing, Math.Clamp(model.RiskOfMissingGoal(t), 0, 1));
            }
        }
    }
}
