using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>Options of <see cref="NextStepBacktest.Run"/>: the cut-offs (rolling origin) and the models to compare.</summary>
public sealed class NextStepBacktestOptions
{
    /// <summary>Gets the cut-offs: at each one the models are fitted on the events at or before it and predict for the runs open at it. Required: at least one.</summary>
    public IReadOnlyList<DateTimeOffset> Cutoffs { get; init; } = [];

    /// <summary>
    /// Gets the models to compare, each fitted anew at every cut-off. The default value is the baseline
    /// <see cref="NextStepOptions.FirstOrderMarkov"/>, then <see cref="NextStepOptions.Default"/>. Names must be distinct.
    /// </summary>
    public IReadOnlyList<NextStepOptions> Models { get; init; } = [NextStepOptions.FirstOrderMarkov, NextStepOptions.Default];

    /// <summary>Gets the evaluation options (the inactivity period decides which runs ended). The default value is <see cref="EvaluationOptions"/>' defaults.</summary>
    public EvaluationOptions Evaluation { get; init; } = new();

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Cutoffs);
        ArgumentNullException.ThrowIfNull(Models);
        ArgumentNullException.ThrowIfNull(Evaluation);
        if (Cutoffs.Count == 0)
        {
            throw new ArgumentException("A backtest needs at least one cut-off.", nameof(Cutoffs));
        }

        if (Models.Count == 0)
        {
            throw new ArgumentException("A backtest needs at least one model.", nameof(Models));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NextStepOptions model in Models)
        {
            ArgumentNullException.ThrowIfNull(model, nameof(Models));
            model.Validate();
            if (!names.Add(model.Name))
            {
                throw new ArgumentException($"Two models are named '{model.Name}'; names must be distinct.", nameof(Models));
            }
        }
    }
}
