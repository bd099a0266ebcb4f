using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// The score's predictive link to the goal and the KPIs (issue 15 item 6): scores of the runs open at a cut-off against what
/// happened after it, censored runs left out; and KPIs measured from events (responses fed as events, censoring-aware time
/// to complete). Every expected value is worked by hand in the comments.
/// </summary>
public sealed class ScoreKpiLinkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Cutoff = T0.AddDays(5);
    private static readonly DateTimeOffset AsOf = T0.AddDays(10);

    /// <summary>A score of 10 points per event so far (capped at 100): easy to work out by hand.</summary>
    private sealed class EventCountComponent : ScoreComponent
    {
        public override string Name => "events";

        public override ComponentValue Evaluate(ScoringContext context) => new(Math.Min(1, context.Instance.EventCount / 10.0), "events so far");
    }

    private static readonly ScoringModel TenPerEvent = new([(new EventCountComponent(), 1)]);

    private static CompiledJourney Journey() => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("step", Channel.Web)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Touchpoint("survey", Channel.Email)
        .Stage("apply", s => s.Touchpoints("form", "step").StandardTime(TimeSpan.FromDays(10)).Next("done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Kpi("conversion", KpiKind.Conversion, 0.5, "Opened within 7 days", TimeSpan.FromDays(7))
        .Kpi("early", KpiKind.Conversion, 0.5, "Opened within 2 days", TimeSpan.FromDays(2))
        .Kpi("time", KpiKind.TimeToComplete, 150, "Hours to an active account")
        .Kpi("nps", KpiKind.Nps, 20, "Onboarding NPS", touchpoint: "survey")
        .Kpi("csat", KpiKind.Csat, 4)
        .Build()
        .Compile();

    /// <summary>
    /// Cut-off day 5, end day 10. Scores at the cut-off (10 per event): a 30, b 20, c 20, d 10. Open at the cut-off: a, b, c,
    /// d. e converted before it, f started after it: neither counts.
    /// a: form d0, step d1, step d2; active d6 (goal 6d after its first event); survey 10 on d7.
    /// b: form d1, step d2; active d8 (goal after 7d); survey 8 on d9.
    /// c: form d0, step d1; declined d7; survey 3 on d8.
    /// d: form d3; still open on d10 (followed 7d); no survey.
    /// e: form d0, active d1, survey 9 on d2. f: form d6.
    /// </summary>
    private static EventBatch Batch()
    {
        var b = new EventBatchBuilder();
        void Add(string customer, string touchpoint, double day, double? value = null) =>
            b.Add(new JourneyEvent(customer, touchpoint, T0.AddDays(day)) { Value = value });
        Add("a", "form", 0);
        Add("a", "step", 1);
        Add("a", "step", 2);
        Add("a", "active", 6);
        Add("a", "survey", 7, 10);
        Add("b", "form", 1);
        Add("b", "step", 2);
        Add("b", "active", 8);
        Add("b", "survey", 9, 8);
        Add("c", "form", 0);
        Add("c", "step", 1);
        Add("c", "no", 7);
        Add("c", "survey", 8, 3);
        Add("d", "form", 3);
        Add("e", "form", 0);
        Add("e", "active", 1);
        Add("e", "survey", 2, 9);
        Add("f", "form", 6);
        return b.Build();
    }

    private static ScoreKpiLinkResult Links() =>
        new JourneyAnalyzer(Journey(), new AnalyticsOptions { Scoring = TenPerEvent }).LinkScoresToKpis(Batch(), Cutoff, AsOf);

    [Fact]
    public void Goal_ScoresAtTheCutoffAgainstTheOutcomeAfterIt_OpenRunsCensored()
    {
        // Reaching the goal: a yes (30), b yes (20), c no (20, declined), d still open (censored). Pairs converted × not:
        // (a, c) 30 > 20 concordant, (b, c) 20 = 20 a tie (½) → C = 1.5 / 2 = 0.75.
        // Pearson over (30, 1), (20, 1), (20, 0): mean x 70/3, mean y 2/3; Σdx·dy = 20/9 − 10/9 + 20/9 = 10/3;
        // Σdx² = 600/9; Σdy² = 2/3 → r = (10/3) / √(400/9) = 0.5.
        ScoreKpiLinkResult links = Links();
        Assert.Equal((Cutoff, AsOf, 4), (links.Cutoff, links.AsOf, links.OpenAtCutoff));
        Assert.Equal(0.5, links.CutoffFraction!.Value, 12); // earliest event day 0, cut-off day 5, end day 10
        Assert.Equal((null, 4, 1, 3), (links.Goal.KpiId, links.Goal.Runs, links.Goal.Censored, links.Goal.Known));
        Assert.Equal(0.75, links.Goal.Concordance!.Value, 12);
        Assert.Equal(0.5, links.Goal.Correlation!.Value, 12);
    }

    [Fact]
    public void ConversionWithHorizon_JudgedAtTheHorizon_RunsDecidedBeforeTheCutoffLeftOut()
    {
        // Within 7 days of the first event: a (goal d6 ≤ d7) yes; b (goal d8 ≤ d1 + 7d, inclusive) yes; c declined: no;
        // d (deadline d10 ≤ end d10, no goal) no. Pairs: (a,c) 1, (a,d) 1, (b,c) ½, (b,d) 1 → 3.5 / 4 = 0.875.
        // Pearson (30,1) (20,1) (20,0) (10,0): mean 20 and ½; Σdx·dy = 5 + 0 + 0 + 5 = 10; Σdx² = 200; Σdy² = 1 → 1/√2.
        ScoreKpiLink conversion = Links().Kpis[0];
        Assert.Equal(("conversion", 4, 0), (conversion.KpiId, conversion.Runs, conversion.Censored));
        Assert.Equal(0.875, conversion.Concordance!.Value, 12);
        Assert.Equal(1 / Math.Sqrt(2), conversion.Correlation!.Value, 12);

        // Within 2 days: every open run's deadline (first event + 2d ≤ d5) had passed at the cut-off: nothing to predict.
        ScoreKpiLink early = Links().Kpis[1];
        Assert.Equal((0, 0, (double?)null, (double?)null), (early.Runs, early.Censored, early.Concordance, early.Correlation));
    }

    [Fact]
    public void TimeToComplete_HarrellsConcordance_FailuresNeverReachTheGoal_OpenRunsCensoredAtTheirFollowUp()
    {
        // Times to the goal: a 6d (30), b 7d (20), c never (declined; 20), d censored at 7d (10, open since d3).
        // Comparable pairs (the earlier one reached the goal): a vs b, c, d — all lower scores: 3; b vs c (∞): tie ½,
        // b vs d (censored at 7d, still without the goal at b's 7d): 1 → (3 + 1.5) / 5 = 0.9.
        ScoreKpiLink time = Links().Kpis[2];
        Assert.Equal(("time", 4, 1), (time.KpiId, time.Runs, time.Censored));
        Assert.Equal(0.9, time.Concordance!.Value, 12);
        Assert.Null(time.Correlation);
    }

    [Fact]
    public void ResponsesFedAsEvents_FirstResponseAfterTheCutoff_RunsWithoutOneCensored()
    {
        // Survey after the cut-off: a 10 (30), b 8 (20), c 3 (20); d none (censored). Pairs by response: (a,b) 1, (a,c) 1,
        // (b,c) a score tie ½ → 2.5 / 3. Pearson: mean x 70/3, mean v 7; Σdx·dv = 20 − 10/3 + 40/3 = 30; Σdx² = 200/3;
        // Σdv² = 9 + 1 + 16 = 26 → 30 / √(5200/3).
        ScoreKpiLink nps = Links().Kpis[3];
        Assert.Equal(("nps", 4, 1), (nps.KpiId, nps.Runs, nps.Censored));
        Assert.Equal(2.5 / 3, nps.Concordance!.Value, 12);
        Assert.Equal(30 / Math.Sqrt(5200.0 / 3), nps.Correlation!.Value, 12);

        // CSAT has no touchpoint: the events cannot measure it.
        ScoreKpiLink csat = Links().Kpis[4];
        Assert.Equal((0, (double?)null), (csat.Runs, csat.Concordance));
    }

    [Fact]
    public void Accumulator_CustomersInThreeBatchesMergedOutOfOrder_GivesTheSameLinks()
    {
        // Batch()'s customers in three batches built on their own, merged in the order [d, f], [a, b, e], [c]. [d, f] has no
        // survey event (its touchpoint table does not know "survey"): d still counts for the NPS, censored, as above.
        EventBatch all = Batch();
        EventBatch Of(params string[] customers)
        {
            var b = new EventBatchBuilder();
            for (int i = 0; i < all.Count; i++)
            {
                JourneyEvent e = all.GetEvent(i);
                if (customers.Contains(e.CustomerId))
                {
                    b.Add(e);
                }
            }

            return b.Build();
        }

        var analyzer = new JourneyAnalyzer(Journey(), new AnalyticsOptions { Scoring = TenPerEvent });
        ScoreKpiLinkAccumulator merged = analyzer.CreateScoreKpiLinkAccumulator(Cutoff, AsOf);
        foreach (EventBatch batch in (EventBatch[])[Of("d", "f"), Of("a", "b", "e"), Of("c")])
        {
            ScoreKpiLinkAccumulator part = analyzer.CreateScoreKpiLinkAccumulator(Cutoff, AsOf);
            part.Add(batch);
            merged.Merge(part);
        }

        ScoreKpiLinkResult links = merged.Build();
        Assert.Equal((T0, 4), (links.DataStart, links.OpenAtCutoff)); // a, b, c, d open at d5
        Assert.Equal((4, 1), (links.Goal.Runs, links.Goal.Censored));
        Assert.Equal(0.75, links.Goal.Concordance!.Value, 12); // as in Goal_…: 1.5 / 2
        Assert.Equal(0.5, links.Goal.Correlation!.Value, 12);
        Assert.Equal(0.875, links.Kpis[0].Concordance!.Value, 12); // conversion within 7 days: 3.5 / 4
        Assert.Equal(0.9, links.Kpis[2].Concordance!.Value, 12); // time to complete: 4.5 / 5
        Assert.Equal(("nps", 4, 1), (links.Kpis[3].KpiId, links.Kpis[3].Runs, links.Kpis[3].Censored)); // d censored
        Assert.Equal(2.5 / 3, links.Kpis[3].Concordance!.Value, 12);
        Assert.Equal(30 / Math.Sqrt(5200.0 / 3), links.Kpis[3].Correlation!.Value, 12);
        Assert.Equal(0, links.Kpis[4].Runs); // CSAT: no touchpoint
        ScoreKpiLinkAccumulator elsewhere = analyzer.CreateScoreKpiLinkAccumulator(Cutoff, AsOf.AddDays(1));
        Assert.Throws<ArgumentException>(() => merged.Merge(elsewhere));
        Assert.Throws<ArgumentOutOfRangeException>(() => analyzer.CreateScoreKpiLinkAccumulator(AsOf, AsOf));
    }

    [Fact]
    public void LinkScoresToKpis_DefaultCutoff_IsHalfwayThroughTheData()
    {
        ScoreKpiLinkResult links = new JourneyAnalyzer(Journey(), new AnalyticsOptions { Scoring = TenPerEvent }).LinkScoresToKpis(Batch(), AsOf);
        Assert.Equal(T0.AddDays(5), links.Cutoff); // earliest event d0, end d10
        Assert.Equal(4, links.OpenAtCutoff);
        Assert.Throws<ArgumentOutOfRangeException>(() => new JourneyAnalyzer(Journey()).LinkScoresToKpis(Batch(), AsOf, AsOf));
    }

    [Fact]
    public void Kpis_ResponsesFedAsEvents_AreMeasured()
    {
        // NPS over each run's latest response: a 10, b 8, c 3, e 9 → promoters (9–10) 2, detractors (0–6) 1, of 4:
        // 100 · (2 − 1) / 4 = 25 ≥ target 20.
        JourneyAnalysis a = new JourneyAnalyzer(Journey()).Analyze(Batch(), AsOf);
        KpiMeasurement nps = a.Kpis[3];
        Assert.True(nps.Measured);
        Assert.Equal((25.0, 4, 0, true), (nps.DecidedValue!.Value, nps.Decided, nps.Open, nps.OnTarget!.Value));
        Assert.False(a.Kpis[4].Measured); // CSAT without a touchpoint
    }

    [Fact]
    public void TimeToComplete_CensoringAwareMedian_OpenRunsMayStillConvertLater()
    {
        // CensoringTests' runs: goal after 1d (a) and 3d (c); b open, followed 2d; d open, followed 4d. Median over the
        // converted runs (nearest rank of [1d, 3d]): 1d = 24 h. Cumulative incidence: 1/4 at 1d, 1/4 + 3/4 · 1/2 = 5/8 at
        // 3d; half of 5/8 is 5/16, first reached at 3d → 72 h. Target 48 h: the estimate (72 h) judges it off target.
        CompiledJourney journey = new JourneyBuilder("j")
            .Touchpoint("form", Channel.Web)
            .Touchpoint("active", Channel.Mobile)
            .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(10)))
            .Stage("done", s => s.Touchpoints("active").Goal())
            .Kpi("time", KpiKind.TimeToComplete, 48)
            .Build()
            .Compile();
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("a", "form", T0));
        b.Add(new JourneyEvent("a", "active", T0.AddDays(1)));
        b.Add(new JourneyEvent("c", "form", T0));
        b.Add(new JourneyEvent("c", "active", T0.AddDays(3)));
        b.Add(new JourneyEvent("b", "form", T0.AddDays(8)));
        b.Add(new JourneyEvent("d", "form", T0.AddDays(6)));
        KpiMeasurement time = Assert.Single(new JourneyAnalyzer(journey).Analyze(b.Build(), AsOf).Kpis);
        Assert.Equal((24.0, 72.0, 2, 2), (time.DecidedValue!.Value, time.Estimate!.Value, time.Decided, time.Open));
        Assert.False(time.OnTarget);
    }

    [Fact]
    public void KpiTouchpoint_RoundTripsThroughJson_AndIsValidated()
    {
        Journey loaded = JourneyJson.Load(JourneyJson.Save(Journey().Journey));
        Assert.Equal("survey", loaded.Kpis[3].Touchpoint);
        Assert.Null(loaded.Kpis[0].Touchpoint);
        var bad = Assert.Throws<JourneyValidationException>(() => new JourneyBuilder("j")
            .Touchpoint("form", Channel.Web)
            .Stage("apply", s => s.Touchpoints("form").Goal())
            .Kpi("nps", KpiKind.Nps, touchpoint: "surveyy")
            .Kpi("conversion", KpiKind.Conversion, touchpoint: "form")
            .Build());
        Assert.Contains(bad.Problems, p => p.Path == "kpis[0].touchpoint" && p.Code == JourneyProblemCodes.UnknownTouchpoint);
        Assert.Contains(bad.Problems, p => p.Path == "kpis[1].touchpoint" && p.Code == JourneyProblemCodes.InvalidValue);
    }

    [Fact]
    public void Concordance_YesNoOutcome_IsTheAreaUnderTheRocCurve()
    {
        // Positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9 > 0.5), (0.9 > 0.1), (0.4 < 0.5), (0.4 > 0.1) → 3/4.
        var items = new List<(double, double, bool)> { (0.9, 0, true), (0.4, 0, true), (0.5, double.PositiveInfinity, false), (0.1, double.PositiveInfinity, false) };
        Assert.Equal(0.75, RankStatistics.Concordance(items)!.Value, 12);
        Assert.Null(RankStatistics.Concordance([(0.5, 1, false), (0.7, 2, false)])); // no event: no comparable pair
    }

    [Property(MaxTest = 200)]
    public Property Concordance_AgreesWithThePairByPairDefinition() => Prop.ForAll(
        Small.ArrayOf(
            from score in Gen.Choose(0, 5)
            from time in Gen.Frequency((4, Gen.Choose(0, 7)), (1, Gen.Constant(8))) // 8: never (+∞)
            from censored in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (score, time, censored),
            0,
            39),
        generated =>
    {
        var items = generated.Select(g => (Score: (double)g.score, Time: g.time == 8 ? double.PositiveInfinity : g.time, Event: !g.censored)).ToList();

        // The definition: i and j are comparable when i had the event first (tᵢ < tⱼ, or tᵢ = tⱼ with j censored).
        double concordant = 0, comparable = 0;
        foreach (var i in items)
        {
            foreach (var j in items)
            {
                if (i.Event && (i.Time < j.Time || (i.Time == j.Time && !j.Event)))
                {
                    comparable++;
                    concordant += i.Score > j.Score ? 1 : i.Score == j.Score ? 0.5 : 0;
                }
            }
        }

        double? expected = comparable == 0 ? null : concordant / comparable;
        double? actual = RankStatistics.Concordance(items);
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, 1e-12); // a tolerance: rounding both to 12 decimals fails when they straddle a boundary
        }
    });
}
