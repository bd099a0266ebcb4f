using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>Options of <see cref="Backtest.Run"/>: the cut-offs (rolling origin), the horizon, the threshold and the models.</summary>
public sealed class BacktestOptions
{
    /// <summary>The default horizon of <see cref="RiskTarget.NotProgressing"/>: 14 days.</summary>
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromDays(14);

    /// <summary>The default flagging threshold: 0.5.</summary>
    public const double DefaultRiskThreshold = 0.5;

    /// <summary>Gets the cut-offs: at each one the models are fitted on the events at or before it and predict for the runs open at it. Required: at least one.</summary>
    public IReadOnlyList<DateTimeOffset> Cutoffs { get; init; } = [];

    /// <summary>Gets the horizon of <see cref="RiskTarget.NotProgressing"/>. The default value is <see cref="DefaultHorizon"/> (14 days).</summary>
    public TimeSpan Horizon { get; init; } = DefaultHorizon;

    /// <summary>Gets the threshold at or above which a prediction flags a run (<see cref="PredictionMetrics.Flagged"/>). The default value is <see cref="DefaultRiskThreshold"/>.</summary>
    public double RiskThreshold { get; init; } = DefaultRiskThreshold;

    /// <summary>Gets the evaluation options (the inactivity period decides dormancy). The default value is <see cref="EvaluationOptions"/>' defaults.</summary>
    public EvaluationOptions Evaluation { get; init; } = new();

    /// <summary>
    /// Gets the models to compare, each fitted anew at every cut-off. The default value is the two baselines,
    /// <see cref="HistoricalRateRiskTrainer.Default"/> and <see cref="KaplanMeierRiskTrainer.Default"/>. Names must be distinct.
    /// </summary>
    public IReadOnlyList<RiskModelTrainer> Models { get; init; } = [HistoricalRateRiskTrainer.Default, KaplanMeierRiskTrainer.Default];

    /// <summary>Gets the seed handed to every trainer (<see cref="RiskTrainingSet.Seed"/>). The default value is 1.</summary>
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Cutoffs);
        ArgumentNullException.ThrowIfNull(Evaluation);
        ArgumentNullException.ThrowIfNull(Models);
        if (Cutoffs.Count == 0)
        {
            throw new ArgumentException("A backtest needs at least one cut-off.", nameof(Cutoffs));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Horizon, TimeSpan.Zero, nameof(Horizon));
        if (!(RiskThreshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(RiskThreshold), RiskThreshold, "The risk threshold must be between 0 and 1.");
        }

        if (Models.Count == 0)
        {
            throw new ArgumentException("A backtest needs at least one model.", nameof(Models));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (RiskModelTrainer model in Models)
        {
            ArgumentNullException.ThrowIfNull(model, nameof(Models));
            if (!names.Add(model.Name))
            {
                throw new ArgumentException($"Two models are named '{model.Name}'; names must be distinct.", nameof(Models));
            }
        }
    }
}
