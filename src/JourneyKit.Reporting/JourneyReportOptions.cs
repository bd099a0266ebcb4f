using JourneyKit.Analytics;
using JourneyKit.Analytics.Prediction;

namespace JourneyKit.Reporting;

/// <summary>What the journey report shows beyond the <see cref="JourneyAnalysis"/> it is written from.</summary>
public sealed class JourneyReportOptions
{
    /// <summary>
    /// Gets the journey score's predictive link to the goal and the KPIs
    /// (<see cref="JourneyAnalyzer.LinkScoresToKpis(Events.EventBatch, DateTimeOffset, DateTimeOffset)"/>), shown in the
    /// scores section with its cut-off; or null, when the section says it was not measured.
    /// </summary>
    /// <value>The default value is null.</value>
    public ScoreKpiLinkResult? ScoreLinks { get; init; }

    /// <summary>
    /// Gets the top reasons of an at-risk customer's risk in plain words (for example from a fitted prediction model's
    /// explanations), shown in the at-risk table; or null for no reasons column. Return an empty list when there is none.
    /// </summary>
    /// <value>The default value is null.</value>
    public Func<AtRiskCustomer, IReadOnlyList<string>>? AtRiskReasons { get; init; }

    /// <summary>Gets how the reasons were found, shown under the at-risk table (for example the model and its version); or null.</summary>
    /// <value>The default value is null.</value>
    public string? AtRiskReasonsSource { get; init; }

    /// <summary>
    /// Gets a backtest of the risk estimates (<see cref="Analytics.Prediction.Backtest.Run"/>), shown under the at-risk
    /// table as "Can these predictions be trusted?": each model's metrics over the cut-offs and a reliability diagram of the
    /// latest cut-off; or null, when the section says it was not measured.
    /// </summary>
    /// <value>The default value is null.</value>
    public BacktestResult? Backtest { get; init; }
}
