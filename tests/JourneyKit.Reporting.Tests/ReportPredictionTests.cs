using JourneyKit.Analytics;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Reporting.Tests;

/// <summary>
/// The report's prediction parts (issue 15 items 3 and 6): the score's link to the KPIs measured predictively (scores at a
/// cut-off against the outcomes after it), never the same-data correlation; at-risk customers' reasons in plain words.
/// </summary>
public sealed class ReportPredictionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>apply (standard 10d) → done (goal). a converts on day 6; b is still open on day 10; c converts on day 1.</summary>
    private static (CompiledJourney Journey, EventBatch Batch) Data()
    {
        CompiledJourney journey = new JourneyBuilder("j")
            .Touchpoint("form", Channel.Web)
            .Touchpoint("active", Channel.Mobile)
            .Stage("apply", s => s.Name("Apply").Touchpoints("form").StandardTime(TimeSpan.FromDays(10)))
            .Stage("done", s => s.Name("Active").Touchpoints("active").Goal())
            .Kpi("time", KpiKind.TimeToComplete, 100, "Hours to an active account")
            .Build()
            .Compile();
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("a", "form", T0));
        b.Add(new JourneyEvent("a", "active", T0.AddDays(6)));
        b.Add(new JourneyEvent("b", "form", T0.AddDays(1)));
        b.Add(new JourneyEvent("c", "form", T0));
        b.Add(new JourneyEvent("c", "active", T0.AddDays(1)));
        b.Add(new JourneyEvent("b", "form", T0.AddDays(10)));
        return (journey, b.Build());
    }

    private static string Html(CompiledJourney journey, JourneyAnalysis analysis, JourneyReportOptions? options)
    {
        var writer = new StringWriter();
        JourneyReport.WriteHtml(writer, journey, analysis, options);
        return writer.ToString();
    }

    [Fact]
    public void Scores_ShowThePredictiveLinkWithItsCutoff_NotTheSameDataCorrelation()
    {
        (CompiledJourney journey, EventBatch batch) = Data();
        var analyzer = new JourneyAnalyzer(journey);
        DateTimeOffset asOf = T0.AddDays(10);
        JourneyAnalysis analysis = analyzer.Analyze(batch, asOf);

        // Cut-off halfway (day 5): a and b are open (c converted on day 1). a reaches the goal after it, b is still open at
        // the end: censored. 2 runs, 1 known, 1 censored; no pair with a known order → no concordance.
        ScoreKpiLinkResult links = analyzer.LinkScoresToKpis(batch, asOf);
        string html = JourneyReportTests.Section(Html(journey, analysis, new JourneyReportOptions { ScoreLinks = links }), "scores");
        Assert.Contains("cut-off 2026-02-07T00:00:00Z (50.0% of the way through the data", html, StringComparison.Ordinal);
        Assert.Contains("2 runs were open", html, StringComparison.Ordinal);
        Assert.Contains("<td>Reaching the goal</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">-</td>", html, StringComparison.Ordinal);
        Assert.Contains("Hours to an active account (sooner)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("correlation with reaching the goal", html, StringComparison.OrdinalIgnoreCase);

        string without = JourneyReportTests.Section(Html(journey, analysis, null), "scores");
        Assert.Contains("Not measured for this report", without, StringComparison.Ordinal);
        Assert.DoesNotContain("correlation with reaching the goal", without, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AtRisk_ReasonsInPlainWords_WhenGiven()
    {
        (CompiledJourney journey, EventBatch batch) = Data();
        var at = new AtRiskCustomer("b", "apply", TimeSpan.FromDays(3), TimeSpan.FromDays(10), 0.7, 0.8);
        JourneyAnalysis analysis = new JourneyAnalyzer(journey).Analyze(batch, T0.AddDays(4)) with { AtRisk = [at] };
        string html = JourneyReportTests.Section(Html(journey, analysis, new JourneyReportOptions
        {
            AtRiskReasons = r => r.CustomerId == "b" ? ["3d in 'Apply'", "called the contact centre twice"] : [],
            AtRiskReasonsSource = "Reasons from model m1.",
        }), "at-risk");
        Assert.Contains("<th scope=\"col\">Top reasons</th>", html, StringComparison.Ordinal);
        Assert.Contains("3d in &#39;Apply&#39;; called the contact centre twice", html, StringComparison.Ordinal);
        Assert.Contains("Reasons from model m1.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Top reasons", JourneyReportTests.Section(Html(journey, analysis, null), "at-risk"), StringComparison.Ordinal);
    }

    /// <summary>
    /// "Can these predictions be trusted?" shows what a backtest measured, not something the report computes: a hand-made
    /// result with two cut-offs and one model. AUC 0.6 and 0.8 → mean 0.700, sample sd √((0.1² + 0.1²)/1) = 0.141; the
    /// latest cut-off's bins (0.25 predicted, 0.5 observed) and (0.75, 1) sit at x = 50 + 0.25·240 = 110, y = 10 + 240 −
    /// 0.5·240 = 130 and x = 50 + 180 = 230, y = 10; with no backtest the section says it was not measured.
    /// </summary>
    [Fact]
    public void AtRisk_ShowsTheBacktestAndAReliabilityDiagram_OrSaysItWasNotMeasured()
    {
        (CompiledJourney journey, EventBatch batch) = Data();
        JourneyAnalysis analysis = new JourneyAnalyzer(journey).Analyze(batch, T0.AddDays(10));
        Assert.Contains("Not measured for this report: journeykit backtest", JourneyReportTests.Section(Html(journey, analysis, null), "at-risk"), StringComparison.Ordinal);

        static PredictionMetrics Metrics(double auc, params CalibrationBin[] bins) =>
            new(4, 2, 0.5, 0.5, auc, 0.2, 0.6, bins, 0.1, new FlaggedRuns(0.5, 2, 0.75, 1));
        static BacktestCutoff Cutoff(DateTimeOffset at, double auc, params CalibrationBin[] bins) =>
            new(at, 10, 4, 0, [new TargetEvaluation(RiskTarget.NotProgressing, 4, 1, 2, [new ModelEvaluation("km", Metrics(auc, bins))]), new TargetEvaluation(RiskTarget.MissingGoal, 4, 0, 2, [new ModelEvaluation("km", Metrics(auc, bins))])], []);
        CalibrationBin low = new(2, 0.2, 0.3, 0.25, 0.5), high = new(2, 0.7, 0.8, 0.75, 1);
        BacktestCutoff[] cutoffs = [Cutoff(T0.AddDays(4), 0.6, low), Cutoff(T0.AddDays(5), 0.8, low, high)];
        MetricSummary auc = MetricSummary.Of([0.6, 0.8]), other = MetricSummary.Of([0.1, 0.1]);
        var result = new BacktestResult("j", TimeSpan.FromDays(14), 0.5, T0.AddDays(10), ["km"], cutoffs,
            [new BacktestSummary(RiskTarget.NotProgressing, "km", auc, other, other, other, other), new BacktestSummary(RiskTarget.MissingGoal, "km", auc, other, other, other, other)]);

        string html = JourneyReportTests.Section(Html(journey, analysis, new JourneyReportOptions { Backtest = result }), "at-risk");
        Assert.Contains("Can these predictions be trusted?", html, StringComparison.Ordinal);
        Assert.Contains("Backtested at 2 cut-offs (2026-02-06T00:00:00Z, 2026-02-07T00:00:00Z)", html, StringComparison.Ordinal);
        Assert.Contains("<td>Not progressing</td><td>km</td><td class=\"num\">0.700 &#177; 0.141</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Missing the goal</td><td>km</td>", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("class=\"reliability\"").Length - 1); // one diagram per target, one line per model
        Assert.Contains("points=\"110,130 230,10\"", html, StringComparison.Ordinal);
        Assert.Contains("4 runs with a known outcome, 1 censored", html, StringComparison.Ordinal);
    }
}
