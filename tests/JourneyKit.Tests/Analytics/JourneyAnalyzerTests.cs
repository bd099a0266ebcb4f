using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Analytics;

/// <summary>Every expected value below is worked out by hand in the comments from the five customers of <see cref="Batch"/>.</summary>
public sealed class JourneyAnalyzerTests
{
    internal static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero); // a Sunday: ISO week 2026-W05
    private static readonly DateTimeOffset AsOf = T0.AddDays(20); // 480h; inactivity period 14d = 336h

    /// <summary>apply (std 2d, next verify|declined) → verify (std 1d, next apply|done) → done (goal); declined (failure).
    /// Touchpoint "ad" belongs to no stage.</summary>
    internal static CompiledJourney Journey() => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("call", Channel.ContactCentre)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Touchpoint("ad", Channel.Social)
        .Stage("apply", s => s.Name("Apply").Touchpoints("form", "call").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Name("Verify").Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)).Next("apply", "done"))
        .Stage("done", s => s.Name("Active").Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Build()
        .Compile();

    internal static JourneyEvent E(string customer, string touchpoint, double hours, Channel channel) => new(customer, touchpoint, T0.AddHours(hours), channel);

    /// <summary>
    /// c1: form@0 web, upload@10 mobile, active@20 mobile — goal. c2: form@0 web, call@5 contact-centre, upload@30 mobile,
    /// form@40 web — back in apply. c3: form@0 web, no@24 email — failed. c4: ad@0 social — no stage. c5: upload@0 mobile —
    /// straight into verify.
    /// </summary>
    internal static EventBatch Batch()
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in new[]
        {
            E("c1", "form", 0, Channel.Web), E("c1", "upload", 10, Channel.Mobile), E("c1", "active", 20, Channel.Mobile),
            E("c2", "form", 0, Channel.Web), E("c2", "call", 5, Channel.ContactCentre), E("c2", "upload", 30, Channel.Mobile), E("c2", "form", 40, Channel.Web),
            E("c3", "form", 0, Channel.Web), E("c3", "no", 24, Channel.Email),
            E("c4", "ad", 0, Channel.Social),
            E("c5", "upload", 0, Channel.Mobile),
        })
        {
            b.Add(e);
        }

        return b.Build();
    }

    private static JourneyAnalysis Analyze(AnalyticsOptions? options = null) => new JourneyAnalyzer(Journey(), options).Analyze(Batch(), AsOf);

    [Fact]
    public void Funnel_CountsReachedVisitedConvertedAndSplitsTheRestByState()
    {
        // Furthest designed stage: c1 done, c2 verify, c3 apply (declined is a failure stage), c4 none, c5 verify.
        // reached = [apply 4, verify 3, done 1]; visited: apply c1 c2 c3 = 3, verify c1 c2 c5 = 3, done c1 = 1.
        // As of 480h (inactivity 336h): c1 converted, c3 failed; c2 (last event 40h) and c5 (0h) and c4 (0h) dormant.
        // apply: converted 3 (c1 c2 c5), furthest here: c3 failed. verify: converted 1 (c1), furthest here: c2 c5 dormant.
        // apply's estimate (time from first entering apply or later to verify or later): c5 event 0h, c1 event 10h,
        // c3 failure 24h (competing), c2 event 30h: 1·1/4 + 3/4·1/3 + (3/4·2/3·1/2)·1/1 = 3/4 — no one is censored, so the
        // decided rate. verify: c1 event 10h; c5 dormant at 336h, c2 dormant at 40h + 336h − 30h = 346h: 1/3.
        JourneyAnalysis a = Analyze();
        Assert.Equal(5, a.Customers);
        Assert.Equal(11, a.Events);
        Assert.Equal(1, a.GoalReached);
        Assert.Equal(new LifecycleCounts(0, 0, 3, 1, 1), a.States);
        Assert.Equal(
            [
                new StageFunnelStep("apply", "Apply", 4, 3, 3, 0, 0, 0, 1, 0, 0.75),
                new StageFunnelStep("verify", "Verify", 3, 3, 1, 0, 0, 2, 0, 0, 1.0 / 3),
                new StageFunnelStep("done", "Active", 1, 1, 1, 0, 0, 0, 0, 0, null),
            ],
            a.Funnel);
        Assert.Equal(0.75, a.Funnel[0].ConversionRate);
        Assert.Equal(0.25, a.Funnel[0].DropOffRate);
        Assert.Equal((3, 2.0 / 3), (a.Funnel[1].Decided, a.Funnel[1].DropOffRate));
    }

    [Fact]
    public void Funnel_AsOf100h_OpenRunsAreNotDropped()
    {
        // As of 100h every customer is active (last events ≤ 40h, inactivity 336h): c2 in apply since 40h (60h > 48h: stuck),
        // c5 in verify since 0h (100h > 24h: stuck), c4 in no stage (in progress), c1 converted, c3 failed.
        // apply: reached 4, converted 3, c3 failed. verify: reached 3, converted 1 (c1), c2 and c5 stuck — open, so the
        // decided runs are c1 only and the drop-off rate is 0 of 1, not 2 of 3.
        JourneyAnalysis a = new JourneyAnalyzer(Journey()).Analyze(Batch(), T0.AddHours(100));
        Assert.Equal(new LifecycleCounts(1, 2, 0, 1, 1), a.States);
        StageFunnelStep verify = a.Funnel[1];
        Assert.Equal((3, 1, 2, 0, 0), (verify.Reached, verify.Converted, verify.Stuck, verify.Dormant, verify.DroppedOff));
        Assert.Equal((1, 0.0, 1.0), (verify.Decided, verify.DropOffRate, verify.ConversionRate));
        Assert.Equal(
            [new StuckCustomer("c5", "verify", TimeSpan.FromHours(100), TimeSpan.FromHours(76)), new StuckCustomer("c2", "apply", TimeSpan.FromHours(60), TimeSpan.FromHours(12))],
            a.StuckNow);
        Assert.Empty(a.DeadEnds);
    }

    [Fact]
    public void Segments_ByPersonaFirstChannelAndIsoWeekCohort()
    {
        // First channels: c1 c2 c3 web, c4 social, c5 mobile. Web: furthest done, verify, apply → reached [3, 2, 1], goal 1.
        JourneyAnalysis a = Analyze();
        SegmentFunnel web = Assert.Single(a.Segments, s => s.Dimension == "first_channel" && s.Value == "web");
        Assert.Equal(3, web.Customers);
        Assert.Equal([3, 2, 1], web.Reached);
        Assert.Equal(1, web.GoalReached);
        SegmentFunnel social = Assert.Single(a.Segments, s => s.Dimension == "first_channel" && s.Value == "social");
        Assert.Equal([0, 0, 0], social.Reached);
        SegmentFunnel persona = Assert.Single(a.Segments, s => s.Dimension == "persona");
        Assert.Equal((AnalyticsNames.None, 5), (persona.Value, persona.Customers));
        SegmentFunnel cohort = Assert.Single(a.Segments, s => s.Dimension == "cohort");
        Assert.Equal(("2026-W05", 5), (cohort.Value, cohort.Customers));
        // Channels used: web c1 c2 c3; mobile c1 c2 c5; contact-centre c2; email c3; social c4.
        SegmentFunnel mobile = Assert.Single(a.Segments, s => s.Dimension == "channel" && s.Value == "mobile");
        Assert.Equal((3, 1), (mobile.Customers, mobile.GoalReached));
        Assert.Equal([3, 3, 1], mobile.Reached); // c1 done, c2 verify, c5 verify (skipped apply but reached it)
        Assert.Equal(
            ["persona", "channel", "channel", "channel", "channel", "channel", "first_channel", "first_channel", "first_channel", "cohort"],
            a.Segments.Select(s => s.Dimension));
        Assert.Equal(["contact-centre", "email", "mobile", "social", "web"], a.Segments.Where(s => s.Dimension == "channel").Select(s => s.Value));
    }

    [Fact]
    public void TimeInStage_NearestRankPercentilesOfCompletedVisits_AndStuckNow()
    {
        // apply completed visits: c1 10h, c3 24h, c2 30h → p50 = rank ⌈1.5⌉ = 2 → 24h; p90 = rank ⌈2.7⌉ = 3 → 30h.
        // verify: c1 10h, c2 10h. Stuck at 100h: c2 in apply since 40h (std 48h, overdue 12h); c5 in verify since 0 (overdue 76h).
        // At 480h both have been idle longer than the inactivity period (336h): dormant, so nobody is stuck.
        JourneyAnalysis a = new JourneyAnalyzer(Journey()).Analyze(Batch(), T0.AddHours(100));
        StageTimeStats apply = a.TimeInStage[0];
        Assert.Equal((3, TimeSpan.FromHours(24), TimeSpan.FromHours(30), TimeSpan.FromHours(30), 1), (apply.CompletedVisits, apply.P50, apply.P90, apply.P99, apply.StuckNow));
        Assert.False(apply.MedianExceedsStandard);
        Assert.Equal((2, TimeSpan.FromHours(10), 1), (a.TimeInStage[1].CompletedVisits, a.TimeInStage[1].P50, a.TimeInStage[1].StuckNow));
        Assert.Equal(0, a.TimeInStage[2].CompletedVisits);
        Assert.Null(a.TimeInStage[2].P50);
        Assert.Equal(2, a.StuckNow.Count);
        JourneyAnalysis later = Analyze();
        Assert.Empty(later.StuckNow);
        Assert.All(later.TimeInStage, t => Assert.Equal(0, t.StuckNow));
    }

    [Fact]
    public void DeadEnds_GroupByStageLastTouchpointAndChannel()
    {
        // Idle ≥ 336h without goal or failure: c2 (apply, form, web), c4 (no stage, ad, social), c5 (verify, upload, mobile).
        // c1 reached the goal, c3 failed. Equal counts sort by stage id: "(none)" < "apply" < "verify".
        Assert.Equal(
            [new DeadEndHotspot("(none)", "ad", "social", 1), new DeadEndHotspot("apply", "form", "web", 1), new DeadEndHotspot("verify", "upload", "mobile", 1)],
            Analyze().DeadEnds);
    }

    [Fact]
    public void Paths_VariantsTransitionsAndConformance()
    {
        // Variants: apply>verify>done, apply>verify>apply, apply>declined, verify (c4 has no stage).
        // Transitions: apply→verify c1 10h, c2 30h (median rank 1 → 10h); verify→done 10h; verify→apply 10h; apply→declined 24h.
        PathAnalysis p = Analyze().Paths;
        Assert.Equal(4, p.DistinctVariants);
        Assert.Equal(0, p.OtherVariants);
        Assert.Equal(
            ["apply>declined", "apply>verify>apply", "apply>verify>done", "verify"],
            p.Variants.Select(v => string.Join('>', v.Stages)));
        Assert.All(p.Variants, v => Assert.Equal(1, v.Customers));
        Assert.Equal(
            [
                new StageTransition("apply", "verify", 2, TimeSpan.FromHours(10), true),
                new StageTransition("apply", "declined", 1, TimeSpan.FromHours(24), true),
                new StageTransition("verify", "apply", 1, TimeSpan.FromHours(10), true),
                new StageTransition("verify", "done", 1, TimeSpan.FromHours(10), true),
            ],
            p.Transitions);
        Assert.Equal((4, 4, 1.0), (p.ConformingCustomers, p.CustomersWithStages, p.Conformance));
        Assert.Empty(p.Deviations);
    }

    [Fact]
    public void Variants_CarryMedianAndP90CaseDurations()
    {
        // Five runs apply>verify whose first-to-last event spans are 10, 20, 30, 40 and 50 h (the last event of v5 is an
        // out-of-path "ad" at 50 h: a case ends at its last event); one run apply>declined of 24 h.
        // Nearest rank over 5: median rank ⌈2.5⌉ = 3 → 30 h; p90 rank ⌈4.5⌉ = 5 → 50 h. A single run: both 24 h.
        var b = new EventBatchBuilder();
        for (int k = 1; k <= 4; k++)
        {
            b.Add(E("v" + k, "form", 0, Channel.Web));
            b.Add(E("v" + k, "upload", 10 * k, Channel.Mobile));
        }

        b.Add(E("v5", "form", 0, Channel.Web));
        b.Add(E("v5", "upload", 5, Channel.Mobile));
        b.Add(E("v5", "ad", 50, Channel.Social));
        b.Add(E("d", "form", 0, Channel.Web));
        b.Add(E("d", "no", 24, Channel.Email));
        CompiledJourney journey = Journey();
        PathAnalysis p = new JourneyAnalyzer(journey).Analyze(b.Build(), T0.AddHours(60)).Paths;
        Assert.Equal(
            [
                new PathVariant(["apply", "verify"], 5, TimeSpan.FromHours(30), TimeSpan.FromHours(50)),
                new PathVariant(["apply", "declined"], 1, TimeSpan.FromHours(24), TimeSpan.FromHours(24)),
            ],
            p.Variants,
            (x, y) => x.Stages.SequenceEqual(y.Stages) && (x.Customers, x.MedianDuration, x.P90Duration) == (y.Customers, y.MedianDuration, y.P90Duration));
    }

    [Fact]
    public void TopVariants_LimitsTheListAndCountsTheRest()
    {
        PathAnalysis p = Analyze(new AnalyticsOptions { TopVariants = 1 }).Paths;
        Assert.Single(p.Variants);
        Assert.Equal((4, 3), (p.DistinctVariants, p.OtherVariants));
    }

    [Fact]
    public void ChannelSwitches_ByStageWithSilosWithinAStage()
    {
        // c1: web→mobile entering verify. c2: web→contact-centre inside apply (silo), contact-centre→mobile entering verify,
        // mobile→web back in apply. c3: web→email entering declined.
        Assert.Equal(
            [
                new ChannelSwitch("apply", "mobile", "web", 1, false),
                new ChannelSwitch("apply", "web", "contact-centre", 1, true),
                new ChannelSwitch("declined", "web", "email", 1, false),
                new ChannelSwitch("verify", "contact-centre", "mobile", 1, false),
                new ChannelSwitch("verify", "web", "mobile", 1, false),
            ],
            Analyze().ChannelSwitches);
    }

    [Fact]
    public void ChannelAttribution_MatchesTheAbsorbingChainSolvedByHand()
    {
        // Paths (before the goal stage): c1 web mobile → conversion; c2 web cc mobile web → null; c3 web email → null;
        // c4 social → null; c5 mobile → null.
        // x_mobile = 1/3 + 1/3·x_web; x_web = 1/4·x_mobile + 1/4·x_cc; x_cc = x_mobile → x_mobile = 2/5, x_web = 1/5;
        // P = 3/5·1/5 + 1/5·2/5 = 1/5.
        // Without mobile: P = 0 → RE 1. Without web: x_mobile = 1/3, P = 1/15 → RE 2/3.
        // Without cc: x_mobile = 4/11, x_web = 1/11, P = 7/55 → RE 4/11. Email and social lead to null anyway → RE 0.
        // Attributed = RE / ΣRE (= 67/33) × 1 conversion: mobile 33/67, web 22/67, cc 12/67.
        AttributionResult r = Analyze().ChannelAttribution;
        Assert.Equal((1, 5), (r.Conversions, r.Paths));
        Assert.Equal(0.2, r.ConversionProbability, 12);
        Assert.Equal(["mobile", "web", "contact-centre", "email", "social"], r.States.Select(s => s.State));
        double[] effects = [1, 2.0 / 3, 4.0 / 11, 0, 0];
        double[] attributed = [33.0 / 67, 22.0 / 67, 12.0 / 67, 0, 0];
        for (int i = 0; i < effects.Length; i++)
        {
            Assert.Equal(effects[i], r.States[i].RemovalEffect, 12);
            Assert.Equal(attributed[i], r.States[i].AttributedConversions, 12);
        }

        // Path steps: mobile c1 c2 c5 = 3; web c1, c2 twice, c3 = 4; one each of contact-centre, email, social.
        Assert.Equal([3, 4, 1, 1, 1], r.States.Select(s => s.Visits));
    }

    [Fact]
    public void RiskModels_KaplanMeierPerStage_AndGoalProbabilityFromTheStageChain()
    {
        // apply visits: c1 → verify at 10h (event), c2 → verify at 30h (event), c2 again since 40h (censored 440h),
        // c3 → declined at 24h (not progress: censored at 480h). KM: t=10h 4 at risk → 3/4; t=30h 3 at risk → 1/2. Plateau 1/2.
        // Stage chain from verify: verify→conv (c1), →apply (c2), →null (c5); apply→verify ×2, →null, →declined;
        // x_verify = 1/3 + 1/3·x_apply, x_apply = 1/2·x_verify → x_verify = 2/5.
        JourneyAnalysis a = Analyze(new AnalyticsOptions { MinRiskSamples = 1 });
        StageRiskModel apply = Assert.Single(a.Risk, m => m.StageId == "apply");
        Assert.Equal("verify", apply.NextStageId);
        Assert.Equal([(TimeSpan.FromHours(10), 0.75, 4, 1), (TimeSpan.FromHours(30), 0.5, 3, 1)], apply.Curve.Points.Select(p => (p.Time, p.Survival, p.AtRisk, p.Events)));
        Assert.Equal(0.5, apply.Curve.Plateau);
        Assert.Equal(0.4, apply.GoalProbabilityFromNext, 12);
        Assert.Equal(0.5, apply.RiskOfNotProgressing(TimeSpan.FromHours(1)));
        Assert.Equal(0.5 / 0.75, apply.RiskOfNotProgressing(TimeSpan.FromHours(20)), 12);
        Assert.Equal(1 - ((1 - (0.5 / 0.75)) * 0.4), apply.RiskOfMissingGoal(TimeSpan.FromHours(20)), 12);

        // verify: c1 → done at 10h (event); c2 → apply (censored 450h); c5 open (censored 480h). KM: 2/3. Next is the goal: 1.
        StageRiskModel verify = Assert.Single(a.Risk, m => m.StageId == "verify");
        Assert.Equal(2.0 / 3, verify.Curve.Plateau, 12);
        Assert.Equal(1, verify.GoalProbabilityFromNext);
        Assert.Empty(Analyze().Risk); // default: 20 visits needed
    }

    [Fact]
    public void AtRisk_FlagsCustomersBeforeTheStandardTime_WhenRiskReachesTheThreshold()
    {
        // d1-d3: form@0, upload@1h (progress at 1h). d4: form@0, still in apply at 30h (< 48h standard, not idle).
        // d5: form@29.5h, in apply for 0.5h. apply KM: 0.5h censored, 1h: 3 of 4 → S = 1/4 = plateau; 30h censored.
        // d4 at 30h: risk = (1/4)/(1/4) = 1 ≥ 0.6 → flagged. d5 at 0.5h: S = 1 → risk 1/4 → not flagged.
        // d1-d3 are in verify since 1h: 29h > 24h standard → stuck, not candidates. Stage chain from verify: 3 × null → 0.
        var b = new EventBatchBuilder();
        for (int i = 1; i <= 3; i++)
        {
            b.Add(E("d" + i, "form", 0, Channel.Web));
            b.Add(E("d" + i, "upload", 1, Channel.Mobile));
        }

        b.Add(E("d4", "form", 0, Channel.Web));
        b.Add(E("d5", "form", 29.5, Channel.Web));
        JourneyAnalysis a = new JourneyAnalyzer(Journey(), new AnalyticsOptions { MinRiskSamples = 1, RiskThreshold = 0.6 }).Analyze(b.Build(), T0.AddHours(30));
        AtRiskCustomer r = Assert.Single(a.AtRisk);
        Assert.Equal(new AtRiskCustomer("d4", "apply", TimeSpan.FromHours(30), TimeSpan.FromDays(2), 1, 1), r);
        Assert.Equal(3, a.StuckNow.Count);
    }

    [Fact]
    public void Analyze_IgnoresEventsAfterTheInstant()
    {
        // As of 15h: c1 has form@0 and upload@10 only (no goal yet); c2 form, call; c3 form; c4 ad; c5 upload.
        JourneyAnalysis a = new JourneyAnalyzer(Journey()).Analyze(Batch(), T0.AddHours(15));
        Assert.Equal(0, a.GoalReached);
        Assert.Equal(7, a.Events); // 2 + 2 + 1 + 1 + 1
        Assert.Equal([4, 2, 0], a.Funnel.Select(f => f.Reached));
    }

    [Fact]
    public void Scores_HistogramMeanAndCorrelation_MatchTheScoringModel()
    {
        JourneyAnalysis a = Analyze();
        var evaluator = new JourneyEvaluator(Journey());
        var scores = evaluator.Evaluate(Batch()).Select(i => (Score: ScoringModel.Default.Score(evaluator, i, AsOf).Value, i.GoalReached)).ToList();
        Assert.Equal(scores.Average(s => s.Score), a.Scores.Mean, 9);
        Assert.Equal(5, a.Scores.Histogram.Sum());
        for (int bin = 0; bin < 10; bin++)
        {
            Assert.Equal(scores.Count(s => Math.Min(9, (int)(s.Score / 10)) == bin), a.Scores.Histogram[bin]);
        }

        Assert.NotNull(a.Scores.CorrelationWithGoal);
    }

    [Fact]
    public void Accumulator_RejectsACustomerInTwoPartitions()
    {
        var analyzer = new JourneyAnalyzer(Journey());
        JourneyAnalysisAccumulator one = analyzer.CreateAccumulator(AsOf), two = analyzer.CreateAccumulator(AsOf);
        one.Add(Batch());
        two.Add(Batch());
        Assert.Throws<ArgumentException>(() => one.Merge(two));
        Assert.Throws<ArgumentException>(() => one.Add(Batch()));
        Assert.Throws<ArgumentException>(() => one.Merge(analyzer.CreateAccumulator(AsOf.AddDays(1))));
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JourneyAnalyzer(Journey(), new AnalyticsOptions { RiskThreshold = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JourneyAnalyzer(Journey(), new AnalyticsOptions { MinRiskSamples = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JourneyAnalyzer(Journey(), new AnalyticsOptions { TopVariants = -1 }));
    }

    [Fact]
    public void EmptyBatch_GivesZeroesNotErrors()
    {
        JourneyAnalysis a = new JourneyAnalyzer(Journey()).Analyze(EventBatch.Empty, AsOf);
        Assert.Equal(0, a.Customers);
        Assert.All(a.Funnel, f => Assert.Equal(0, f.Reached));
        Assert.Null(a.Funnel[0].ConversionRate);
        Assert.Equal(0, a.ChannelAttribution.Paths);
        Assert.Empty(a.ChannelAttribution.States);
        Assert.Equal(0, a.Scores.Mean);
    }

    [Fact]
    public void TouchpointAttribution_TextbookExample()
    {
        // Paths (goal-stage events cut): A → conversion, A B → null, B → conversion.
        // start→A 2/3, start→B 1/3; A→conv 1/2, A→B 1/2; B→null 1/2, B→conv 1/2.
        // x_B = 1/2, x_A = 1/2 + 1/2·1/2 = 3/4, P = 2/3·3/4 + 1/3·1/2 = 2/3.
        // Without A: P = 1/3·1/2 = 1/6 → RE 3/4. Without B: x_A = 1/2, P = 1/3 → RE 1/2. Shares of 2 conversions: 1.2, 0.8.
        CompiledJourney journey = new JourneyBuilder("ab")
            .Touchpoint("A", Channel.Web).Touchpoint("B", Channel.Email).Touchpoint("G", Channel.Web)
            .Stage("s", s => s.Touchpoints("A", "B").StandardTime(TimeSpan.FromDays(1)))
            .Stage("g", s => s.Touchpoints("G").Goal())
            .Build()
            .Compile();
        var b = new EventBatchBuilder();
        b.Add(E("p1", "A", 0, Channel.Web));
        b.Add(E("p1", "G", 1, Channel.Web));
        b.Add(E("p2", "A", 0, Channel.Web));
        b.Add(E("p2", "B", 1, Channel.Email));
        b.Add(E("p3", "B", 0, Channel.Email));
        b.Add(E("p3", "G", 1, Channel.Web));
        AttributionResult r = new JourneyAnalyzer(journey).Analyze(b.Build(), T0.AddDays(1)).TouchpointAttribution;
        Assert.Equal(2.0 / 3, r.ConversionProbability, 12);
        Assert.Equal(["A", "B"], r.States.Select(s => s.State));
        Assert.Equal(0.75, r.States[0].RemovalEffect, 12);
        Assert.Equal(0.5, r.States[1].RemovalEffect, 12);
        Assert.Equal(1.2, r.States[0].AttributedConversions, 12);
        Assert.Equal(0.8, r.States[1].AttributedConversions, 12);
    }

    [Fact]
    public void Attribution_WithThousandsOfDistinctTouchpoints_FoldsTheRareOnesAndStaysCheap()
    {
        // A hostile file: 3,000 customers, each with one made-up touchpoint, a few with a frequent one. Solving 3,000
        // states with removal effects would be O(n⁴); the 63 most visited plus "(other)" are solved instead.
        var b = new EventBatchBuilder();
        for (int c = 0; c < 3000; c++)
        {
            b.Add(E("h" + c, "made.up." + c, 0, Channel.Web));
            b.Add(E("h" + c, c % 10 == 0 ? "form" : "noise" + (c % 7), 1, Channel.Web));
        }

        AttributionResult r = new JourneyAnalyzer(Journey()).Analyze(b.Build(), T0.AddDays(1)).TouchpointAttribution;
        Assert.Equal(64, r.States.Count);
        StateAttribution other = Assert.Single(r.States, s => s.State == AnalyticsNames.Other);
        Assert.Equal(6000, r.States.Sum(s => s.Visits)); // every step is counted somewhere
        Assert.True(other.Visits >= 3000 - 63);
        Assert.Equal((0, 3000), (r.Conversions, r.Paths));
    }
}
