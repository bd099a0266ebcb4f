using JourneyKit.Analytics;
using JourneyKit.Analytics.Statistics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Analytics;

/// <summary>Retention tables and segment comparisons (issue 19), worked by hand.</summary>
public sealed class RetentionAndSegmentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 2, 0, 0, 0, TimeSpan.Zero); // Monday, ISO 2026-W06

    private static CompiledJourney Journey() => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Touchpoint("ad", Channel.Social)
        .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)).Next("done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Build()
        .Compile();

    /// <summary>a: form d0, upload d8, ad d15 (W06). b: form d1 (W06). c: form d9, ad d17 (W07).</summary>
    private static EventBatch Batch()
    {
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("a", "form", T0));
        b.Add(new JourneyEvent("a", "upload", T0.AddDays(8)));
        b.Add(new JourneyEvent("a", "ad", T0.AddDays(15)));
        b.Add(new JourneyEvent("b", "form", T0.AddDays(1)));
        b.Add(new JourneyEvent("c", "form", T0.AddDays(9)));
        b.Add(new JourneyEvent("c", "ad", T0.AddDays(17)));
        return b.Build();
    }

    [Fact]
    public void Retention_WeeklyAnyEvent_PeriodsNotYetObservableAreBlank()
    {
        // As of day 23. a (start d0): weeks [0,7) [7,14) [14,21) observed, active at d0, d8, d15; [21,28) not over yet.
        // b (start d1): [1,8) [8,15) [15,22) observed: active, no, no. c (start d9): [9,16) [16,23) observed (ends exactly at
        // the instant): active at d9 and d17. W06: observed 2,2,2,0 active 2,1,1,0 → 1, ½, ½, blank. W07: 1, 1, blank, blank.
        RetentionTable t = new JourneyAnalyzer(Journey()).Retention(Batch(), new RetentionOptions { Periods = 4 }, T0.AddDays(23));
        Assert.Equal(["2026-W06", "2026-W07"], t.Cohorts.Select(c => c.Cohort));
        RetentionCohort w06 = t.Cohorts[0], w07 = t.Cohorts[1];
        Assert.Equal(2, w06.Runs);
        Assert.Equal([2, 2, 2, 0], w06.Observed);
        Assert.Equal([2, 1, 1, 0], w06.Active);
        Assert.Equal([1.0, 0.5, 0.5, null], w06.Retained);
        Assert.Equal([1.0, 1.0, null, null], w07.Retained);
    }

    [Fact]
    public void Retention_ReachingAStage_IsCumulative()
    {
        // Retained = entered 'verify' by the end of the period: a at d8 → weeks 0 no, 1 yes, 2 yes; b never; c never.
        RetentionTable t = new JourneyAnalyzer(Journey()).Retention(Batch(), new RetentionOptions { Periods = 3, ActiveStage = "verify" }, T0.AddDays(23));
        Assert.Equal([0.0, 0.5, 0.5], t.Cohorts[0].Retained);
        Assert.Throws<ArgumentException>(() => new JourneyAnalyzer(Journey()).Retention(Batch(), new RetentionOptions { ActiveStage = "nope" }, T0));
    }

    [Fact]
    public void CompareSegments_FirstChannel_DecidedConversionAndLogRank()
    {
        // web: w1..w4 converted after 1..4 days, w5 declined; mobile: m1 converted after 2 days, m2..m5 declined; m6 open.
        var b = new EventBatchBuilder();
        for (int i = 1; i <= 5; i++)
        {
            b.Add(new JourneyEvent("w" + i, "form", T0, Channel.Web));
            b.Add(new JourneyEvent("w" + i, i <= 4 ? "active" : "no", T0.AddDays(i), Channel.Web));
            b.Add(new JourneyEvent("m" + i, "form", T0, Channel.Mobile));
            b.Add(new JourneyEvent("m" + i, i == 1 ? "active" : "no", T0.AddDays(i == 1 ? 2 : 1), Channel.Mobile));
        }

        b.Add(new JourneyEvent("m6", "form", T0.AddDays(9), Channel.Mobile));
        EventBatch batch = b.Build();
        SegmentComparison c = Assert.Single(new JourneyAnalyzer(Journey()).CompareSegments(batch, "first_channel", T0.AddDays(10)));
        Assert.Equal(("mobile", "web"), (c.SegmentA, c.SegmentB)); // 6 runs before 5
        Assert.Equal(ProportionDifference.Compare(1, 5, 4, 5), c.Conversion); // decided only: m6 is open
        Assert.Equal((1, 4), (c.TimeToConvert.ObservedA, c.TimeToConvert.ObservedB));
        Assert.Equal(c.Conversion.PValue, c.ConversionPValueAdjusted, 12); // one pair: Holm changes nothing
        Assert.Throws<ArgumentException>(() => new JourneyAnalyzer(Journey()).CompareSegments(batch, "colour", T0));
    }

    [Fact]
    public void Trends_WeeklyConversionOfStarters_AndStuckShareAtEachWeeksEnd()
    {
        // a: form d0, active d1 (W06, converted). b: form d2, no d3 (W06, failed). c: form d8 (W07; in apply 4d > 2d at the
        // instant: stuck). d: form d12 (W07, in progress). As of d12 + 1h.
        // W06: 1 of 2 decided converted; estimate: at 1d a converts and b fails (its failure 1d after its start) → 1/2;
        // complete; at its end (Feb 9) a and b are ended: nobody open → no stuck share.
        // W07: nobody decided; both censored → estimate 0; not complete; at the instant c stuck, d in progress → ½.
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("a", "form", T0));
        b.Add(new JourneyEvent("a", "active", T0.AddDays(1)));
        b.Add(new JourneyEvent("b", "form", T0.AddDays(2)));
        b.Add(new JourneyEvent("b", "no", T0.AddDays(3)));
        b.Add(new JourneyEvent("c", "form", T0.AddDays(8)));
        b.Add(new JourneyEvent("d", "form", T0.AddDays(12)));
        IReadOnlyList<TrendPoint> t = new JourneyAnalyzer(Journey()).Trends(b.Build(), RetentionPeriod.Week, T0.AddDays(12).AddHours(1));
        Assert.Equal(["2026-W06", "2026-W07"], t.Select(p => p.Period));
        Assert.Equal((2, 1, 2, 0.5, true, 0, (double?)null), (t[0].Started, t[0].Converted, t[0].Decided, t[0].DecidedRate!.Value, t[0].IsComplete, t[0].OpenAtEnd, t[0].StuckShare));
        Assert.Equal(0.5, t[0].ConversionEstimate!.Value, 12);
        Assert.Equal((2, 0, (double?)null, false, 2, 0.5), (t[1].Started, t[1].Decided, t[1].DecidedRate, t[1].IsComplete, t[1].OpenAtEnd, t[1].StuckShare!.Value));
        Assert.Equal(0.0, t[1].ConversionEstimate!.Value, 12);
        Assert.Equal(T0, t[0].Start);
        Assert.Equal(T0.AddDays(7), t[0].End);
    }
}
