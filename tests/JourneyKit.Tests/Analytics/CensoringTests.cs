using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// Censoring in the aggregates (issue 14): half the customers are still open at the analysis instant. Every expected value
/// is the Kaplan–Meier / cumulative-incidence arithmetic done by hand in the comments.
/// </summary>
public sealed class CensoringTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 0, 0, 0, TimeSpan.Zero); // a Monday: ISO week 2026-W06
    private static readonly DateTimeOffset AsOf = T0.AddDays(10);

    private static CompiledJourney Journey(TimeSpan? horizon) => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(10)).Next("done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Kpi("conversion", KpiKind.Conversion, 0.5, "Opened", horizon)
        .Kpi("nps", KpiKind.Nps, 40)
        .Build()
        .Compile();

    /// <summary>
    /// a: form day 0, active day 1 (goal after 1d). c: form day 0, active day 3 (goal after 3d). b: form day 8, open
    /// (followed 2d). d: form day 6, open (followed 4d). Inactivity 14d, standard time 10d: b and d are in progress.
    /// </summary>
    private static EventBatch Batch()
    {
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("a", "form", T0));
        b.Add(new JourneyEvent("a", "active", T0.AddDays(1)));
        b.Add(new JourneyEvent("c", "form", T0));
        b.Add(new JourneyEvent("c", "active", T0.AddDays(3)));
        b.Add(new JourneyEvent("b", "form", T0.AddDays(8)));
        b.Add(new JourneyEvent("d", "form", T0.AddDays(6)));
        return b.Build();
    }

    [Fact]
    public void HalfStillOpen_KaplanMeierEstimate_NotTheNaiveShare()
    {
        // Times to the goal: a 1d event, b 2d censored, c 3d event, d 4d censored.
        // t = 1d: 4 at risk, 1 event → CIF 1/4, S 3/4. t = 2d: b censored (3 → 2 at risk). t = 3d: 2 at risk, 1 event →
        // CIF 1/4 + 3/4 · 1/2 = 5/8. Naive share: 2/4; over decided runs: 2/2.
        JourneyAnalysis a = new JourneyAnalyzer(Journey(null)).Analyze(Batch(), AsOf);
        Assert.Equal(new LifecycleCounts(2, 0, 0, 2, 0), a.States);
        Assert.Equal((4, 2, 2, 2), (a.Conversion.Runs, a.Conversion.Converted, a.Conversion.Decided, a.Conversion.Open));
        Assert.Equal(1.0, a.Conversion.DecidedRate);
        Assert.Equal(5.0 / 8, a.Conversion.Estimate!.Value, 12);
        Assert.Null(a.Conversion.Horizon);

        // The funnel: apply reached 4, converted 2, in progress 2 — decided 2, so nothing dropped (not 50 %).
        StageFunnelStep apply = a.Funnel[0];
        Assert.Equal((4, 2, 2, 2, 0.0), (apply.Reached, apply.Converted, apply.InProgress, apply.Decided, apply.DropOffRate!.Value));
        Assert.Equal(5.0 / 8, apply.ConversionEstimate!.Value, 12); // same times from entering apply

        // Cohorts: W06 = a, c, d (d open): 1/3 + 2/3 · 1/2 = 2/3, not complete. W07 = b (open): 0, not complete.
        SegmentFunnel w06 = Assert.Single(a.Segments, s => s.Dimension == "cohort" && s.Value == "2026-W06");
        Assert.Equal((3, false, 1.0), (w06.Customers, w06.IsComplete, w06.DecidedRate!.Value));
        Assert.Equal(2.0 / 3, w06.GoalEstimate!.Value, 12);
        SegmentFunnel w07 = Assert.Single(a.Segments, s => s.Dimension == "cohort" && s.Value == "2026-W07");
        Assert.Equal((1, false, (double?)null, 0.0), (w07.Customers, w07.IsComplete, w07.DecidedRate, w07.GoalEstimate!.Value));
    }

    [Fact]
    public void KpiHorizon_DecidedAndEstimatedAtTheHorizon()
    {
        // Horizon 2d: known by 2d — a (goal at 1d), b (followed exactly 2d), c (goal after 3d: not by 2d), d (followed 4d):
        // 1 of 4. Estimate at 2d: 1/4 (the event at 1d; b's censoring at 2d comes after it). Target 0.5: off target.
        JourneyAnalysis a = new JourneyAnalyzer(Journey(TimeSpan.FromDays(2))).Analyze(Batch(), AsOf);
        KpiMeasurement conversion = a.Kpis[0];
        Assert.Equal(("conversion", TimeSpan.FromDays(2), 4, 0), (conversion.KpiId, conversion.Horizon!.Value, conversion.Decided, conversion.Open));
        Assert.Equal(0.25, conversion.DecidedValue!.Value, 12);
        Assert.Equal(0.25, conversion.Estimate!.Value, 12);
        Assert.False(conversion.OnTarget);
        Assert.Equal(TimeSpan.FromDays(2), a.Conversion.Horizon);
        Assert.Equal(0.25, a.Conversion.Estimate!.Value, 12);
        KpiMeasurement nps = a.Kpis[1];
        Assert.False(nps.Measured);
        Assert.Null(nps.OnTarget);
    }

    [Fact]
    public void CompetingFailure_LowersTheGoalIncidence_AndIsNotCensored()
    {
        // a: goal after 1d; e: declined after 1d; f: open, followed 2d (form day 8). t = 1d: 3 at risk, 1 goal, 1 failure →
        // CIF 1/3, S 1/3. Only f remains, censored: 1/3. (Treating the failure as censored instead would give 1/3 + 1/3.)
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("a", "form", T0));
        b.Add(new JourneyEvent("a", "active", T0.AddDays(1)));
        b.Add(new JourneyEvent("e", "form", T0));
        b.Add(new JourneyEvent("e", "no", T0.AddDays(1)));
        b.Add(new JourneyEvent("f", "form", T0.AddDays(8)));
        JourneyAnalysis a = new JourneyAnalyzer(Journey(null)).Analyze(b.Build(), AsOf);
        Assert.Equal(new LifecycleCounts(1, 0, 0, 1, 1), a.States);
        Assert.Equal(1.0 / 3, a.Conversion.Estimate!.Value, 12);
        Assert.Equal(0.5, a.Conversion.DecidedRate);
    }

    [Fact]
    public void JourneyDefinition_KpiHorizon_RoundTripsThroughJson_AndIsValidated()
    {
        Journey journey = Journey(TimeSpan.FromDays(30)).Journey;
        Journey loaded = JourneyKit.Model.Json.JourneyJson.Load(JourneyKit.Model.Json.JourneyJson.Save(journey));
        Assert.Equal(TimeSpan.FromDays(30), loaded.Kpis[0].Horizon);
        var bad = Assert.Throws<JourneyValidationException>(() => new JourneyBuilder("j")
            .Touchpoint("form", Channel.Web)
            .Stage("apply", s => s.Touchpoints("form").Goal())
            .Kpi("conversion", KpiKind.Conversion, 0.5, horizon: TimeSpan.Zero)
            .Build());
        Assert.Contains(bad.Problems, p => p.Path == "kpis[0].horizon");
    }
}
