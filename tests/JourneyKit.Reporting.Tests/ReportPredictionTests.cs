using JourneyKit.Analytics;
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
}
