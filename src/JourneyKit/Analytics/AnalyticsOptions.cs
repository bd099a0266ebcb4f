using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>Options for <see cref="JourneyAnalyzer"/>.</summary>
public sealed class AnalyticsOptions
{
    /// <summary>Gets how many path variants to list. Default 10.</summary>
    public int TopVariants { get; init; } = 10;

    /// <summary>Gets the risk at or above which a customer is flagged as at risk. Default 0.5.</summary>
    public double RiskThreshold { get; init; } = 0.5;

    /// <summary>Gets the fewest stage visits needed to estimate a stage's risk model. Default 20.</summary>
    public int MinRiskSamples { get; init; } = 20;

    /// <summary>Gets the evaluation options (inactivity period for dead ends). Default: <see cref="Scoring.EvaluationOptions"/> defaults.</summary>
    public Scoring.EvaluationOptions Evaluation { get; init; } = new();

    /// <summary>
    /// Gets what the analysis counts when customers can re-enter the journey (<see cref="Journey.Reentry"/>): every run, or
    /// each customer once, by their latest run.
    /// </summary>
    /// <value>The default value is <see cref="AnalysisUnit.Runs"/> (the same as customers when re-entry is off).</value>
    public AnalysisUnit Unit { get; init; } = AnalysisUnit.Runs;

    /// <summary>Gets the scoring model for the score distribution. Default <see cref="Scoring.ScoringModel.Default"/>.</summary>
    public Scoring.ScoringModel Scoring { get; init; } = JourneyKit.Scoring.ScoringModel.Default;

    /// <summary>
    /// Gets how many samples of one distribution (the stage durations behind a percentile, the follow-up times behind a
    /// Kaplan–Meier or conversion estimate, the scores) are kept exactly; beyond it the distribution is summarised by a
    /// mergeable log-bucket sketch within ±0.5 %, so memory stops growing with customers, and
    /// <see cref="JourneyAnalysis.Approximation"/> names the results computed from one.
    /// </summary>
    /// <value>The default value is 1,048,576 (2²⁰: at most 8 MB per distribution); <see cref="int.MaxValue"/> keeps everything exact.</value>
    public int ExactSamples { get; init; } = Internal.DurationSamples.DefaultExactSamples;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(TopVariants);
        if (!(RiskThreshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(RiskThreshold), RiskThreshold, "The risk threshold must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinRiskSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ExactSamples, 1);
        if (!Enum.IsDefined(Unit))
        {
            throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "Unknown analysis unit.");
        }
        ArgumentNullException.ThrowIfNull(Evaluation);
        ArgumentNullException.ThrowIfNull(Scoring);
    }
}
