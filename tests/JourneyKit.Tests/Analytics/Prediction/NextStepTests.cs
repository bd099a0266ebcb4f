using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Scoring;
using JourneyKit.Tests.Analytics;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>
/// The next-touchpoint and remaining-time model and its backtest on hand-made data (journey: apply {form, call} 2d → verify
/// {upload} 1d → done {active}, goal; declined {no}, failure). Every expected value is worked out in the comments.
/// </summary>
public sealed class NextStepTests
{
    private static readonly DateTimeOffset T0 = JourneyAnalyzerTests.T0;

    private static JourneyEvent E(string customer, string touchpoint, double hours) => new(customer, touchpoint, T0.AddHours(hours));

    private static EventBatch BatchOf(IEnumerable<JourneyEvent> events)
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            b.Add(e);
        }

        return b.Build();
    }

    private static JourneyEvaluator Evaluator() => new(JourneyAnalyzerTests.Journey());

    private static void Close(double[] expected, IReadOnlyList<TouchpointProbability> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i].Probability, 12);
        }
    }

    /// <summary>c1: form call upload active; c2: form upload active; c3: form call call upload; c4: form no.</summary>
    private static EventBatch Paths() => BatchOf(
    [
        E("c1", "form", 0), E("c1", "call", 1), E("c1", "upload", 2), E("c1", "active", 3),
        E("c2", "form", 0), E("c2", "upload", 1), E("c2", "active", 2),
        E("c3", "form", 0), E("c3", "call", 1), E("c3", "call", 2), E("c3", "upload", 3),
        E("c4", "form", 0), E("c4", "no", 1),
    ]);

    [Fact]
    public void Predict_FirstOrderPlainFrequencies_AreTheCounts()
    {
        // After form: call (c1), upload (c2), call (c3), no (c4): 2/4, 1/4, 1/4; the tie upload/no goes by name (no < upload).
        NextStepModel model = NextStepModel.Fit(Evaluator(), Paths(), T0.AddHours(100), new NextStepOptions { Order = 1, Smoothing = 0 });

        NextStepPrediction p = model.Predict(["form"], TimeSpan.Zero);

        Assert.Equal(5, model.TouchpointCount);
        Assert.Equal(["call", "no", "upload"], p.Next.Select(x => x.Touchpoint));
        Assert.Equal([0.5, 0.25, 0.25], p.Next.Select(x => x.Probability));
    }

    [Fact]
    public void Predict_Interpolated_MatchesHandArithmetic()
    {
        // 9 transitions: next call 3 (c1 form→call, c3 form→call, c3 call→call), upload 3, active 2, no 1. V = 5 touchpoints
        // seen, so P₋₁ = 0.2 and with β = 1: P₀(call) = (3 + 0.2)/10 = 0.32, P₀(upload) = 0.32, P₀(active) = 0.22, P₀(no) = 0.12.
        // Order 1 after form (n = 4: call 2, upload 1, no 1): call (2 + 0.32)/5 = 0.464, upload (1 + 0.32)/5 = 0.264,
        // no (1 + 0.12)/5 = 0.224, active 0.22/5 = 0.044.
        NextStepModel first = NextStepModel.Fit(Evaluator(), Paths(), T0.AddHours(100), new NextStepOptions { Order = 1 });
        NextStepPrediction p1 = first.Predict(["form"], TimeSpan.Zero);
        Assert.Equal(["call", "upload", "no"], p1.Next.Select(x => x.Touchpoint));
        Close([0.464, 0.264, 0.224], p1.Next);

        // Order 2 after (form, call): c1 → upload, c3 → call (n = 2). After call (n = 3: upload 2, call 1):
        // P₁(upload) = (2 + 0.32)/4 = 0.58, P₁(call) = (1 + 0.32)/4 = 0.33, P₁(active) = 0.22/4 = 0.055, P₁(no) = 0.03.
        // P₂(upload) = (1 + 0.58)/3 = 0.526667, P₂(call) = (1 + 0.33)/3 = 0.443333, P₂(active) = 0.055/3 = 0.018333.
        NextStepModel second = NextStepModel.Fit(Evaluator(), Paths(), T0.AddHours(100), new NextStepOptions { Order = 2 });
        NextStepPrediction p2 = second.Predict(["form", "call"], TimeSpan.Zero);
        Assert.Equal(["upload", "call", "active"], p2.Next.Select(x => x.Touchpoint));
        Close([1.58 / 3, 1.33 / 3, 0.055 / 3], p2.Next);
    }

    [Fact]
    public void Predict_UnseenTouchpoint_BacksOffToAllTransitions()
    {
        // "ad" never occurs: its context is unseen, so P = P₀ (β = 0: 3/9 call, 3/9 upload, 2/9 active).
        NextStepModel model = NextStepModel.Fit(Evaluator(), Paths(), T0.AddHours(100), new NextStepOptions { Order = 1, Smoothing = 0 });
        NextStepPrediction p = model.Predict(["ad"], TimeSpan.Zero);
        Assert.Equal(["call", "upload", "active"], p.Next.Select(x => x.Touchpoint));
        Close([3 / 9.0, 3 / 9.0, 2 / 9.0], p.Next);
    }

    [Fact]
    public void Predict_IdleTime_CountsOnlyTheSlowerTransitions()
    {
        // After form: call 1h later (a, b), upload 10h later (c), declined 30h later (d). Right after the form: 2/4, 1/4, 1/4.
        // Idle 5h: only the transitions slower than 5h can still come: upload, no → 1/2 each (call 0/2); idle 20h: no → 1.
        // The baseline (ConditionOnIdleTime false) keeps 2/4, 1/4, 1/4 whatever the idle time.
        EventBatch events = BatchOf([E("a", "form", 0), E("a", "call", 1), E("b", "form", 0), E("b", "call", 1), E("c", "form", 0), E("c", "upload", 10), E("d", "form", 0), E("d", "no", 30)]);
        NextStepModel model = NextStepModel.Fit(Evaluator(), events, T0.AddHours(100), new NextStepOptions { Order = 1, Smoothing = 0 });
        NextStepModel baseline = NextStepModel.Fit(Evaluator(), events, T0.AddHours(100), new NextStepOptions { Order = 1, Smoothing = 0, ConditionOnIdleTime = false });

        Assert.Equal([("call", 0.5), ("no", 0.25), ("upload", 0.25)], model.Predict(["form"], TimeSpan.Zero).Next.Select(x => (x.Touchpoint, x.Probability)));
        Assert.Equal([("no", 0.5), ("upload", 0.5), ("call", 0.0)], model.Predict(["form"], TimeSpan.FromHours(5)).Next.Select(x => (x.Touchpoint, x.Probability)));
        Assert.Equal(("no", 1.0), (model.Predict(["form"], TimeSpan.FromHours(20)).Next[0].Touchpoint, model.Predict(["form"], TimeSpan.FromHours(20)).Next[0].Probability));
        Assert.Equal([("call", 0.5), ("no", 0.25), ("upload", 0.25)], baseline.Predict(["form"], TimeSpan.FromHours(20)).Next.Select(x => (x.Touchpoint, x.Probability)));
    }

    /// <summary>r1..r10: form at 0h, active (goal) at k h; n1..n10: form at 0h, declined at 1h.</summary>
    private static EventBatch HalfReach() => BatchOf(Enumerable.Range(1, 10).SelectMany(k => new[]
    {
        E("r" + k, "form", 0), E("r" + k, "active", k), E("n" + k, "form", 0), E("n" + k, "no", 1),
    }));

    [Fact]
    public void RemainingTime_Percentiles_MatchHandArithmetic()
    {
        // 20 samples after form: reached at 1..10h, 10 never. Kaplan–Meier: S(k) = (20 − k)/20, levelling off at S∞ = 0.5, so
        // P(goal) = 0.5. Given reached, quantile q is the first k with S(k) ≤ 1 − 0.5q: q = 0.1 → 0.95 → 1h; 0.5 → 0.75 → 5h;
        // 0.9 → 0.55 → 9h.
        NextStepModel model = NextStepModel.Fit(Evaluator(), HalfReach(), T0.AddHours(200), new NextStepOptions { Order = 1, MinTimeSamples = 20 });
        NextStepPrediction now = model.Predict(["form"], TimeSpan.Zero);
        Assert.Equal(0.5, now.GoalProbability, 12);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromHours(5), TimeSpan.FromHours(9)), (now.RemainingLower, now.RemainingMedian, now.RemainingUpper));

        // 4.5h after the form: S(4.5) = S(4) = 0.8, P(goal) = (0.8 − 0.5)/0.8 = 0.375 (6 of the 16 still waiting reach it).
        // Levels 0.8 − 0.3q: q = 0.1 → 0.77 → S(5) = 0.75, 0.5h to go; 0.5 → 0.65 → S(7), 2.5h; 0.9 → 0.53 → S(10) = 0.5, 5.5h.
        NextStepPrediction later = model.Predict(["form"], TimeSpan.FromHours(4.5));
        Assert.Equal(0.375, later.GoalProbability, 12);
        Assert.Equal((TimeSpan.FromHours(0.5), TimeSpan.FromHours(2.5), TimeSpan.FromHours(5.5)), (later.RemainingLower, later.RemainingMedian, later.RemainingUpper));

        // After the last arrival nothing is known to reach the goal: probability 0, no times.
        NextStepPrediction late = model.Predict(["form"], TimeSpan.FromHours(11));
        Assert.Equal(0, late.GoalProbability);
        Assert.Null(late.RemainingMedian);
    }

    [Fact]
    public void RemainingTime_HalfStillOpen_IsCensoredNotNever()
    {
        // r1..r10: form at 0h, goal at k h. o1..o10: form at 14.5h, still open at the instant 20h → censored after 5.5h.
        // Kaplan–Meier: k = 1..5 at risk 20..16 → S(5) = 15/20 = 0.75; the 10 censored leave at 5.5h; k = 6..10 at risk 5..1 →
        // S(6) = 0.6, S(7) = 0.45, S(8) = 0.3, S(9) = 0.15, S(10) = 0. P(goal) = 1; quantiles: 0.1 → S ≤ 0.9 → S(2) = 0.9, 2h;
        // 0.5 → S(7), 7h; 0.9 → S ≤ 0.1 → S(10), 10h. (Counting the open runs as never would say P = 0.5 and a median of 5h.)
        var events = new List<JourneyEvent>();
        for (int k = 1; k <= 10; k++)
        {
            events.AddRange([E("r" + k, "form", 0), E("r" + k, "active", k), E("o" + k, "form", 14.5)]);
        }

        NextStepModel model = NextStepModel.Fit(Evaluator(), BatchOf(events), T0.AddHours(20), new NextStepOptions { Order = 1, MinTimeSamples = 20 });
        NextStepPrediction p = model.Predict(["form"], TimeSpan.Zero);

        Assert.Equal(1, p.GoalProbability, 12);
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromHours(7), TimeSpan.FromHours(10)), (p.RemainingLower, p.RemainingMedian, p.RemainingUpper));
        IReadOnlyList<RunNextStep> open = model.PredictOpenRuns(BatchOf(events));
        Assert.Equal(Enumerable.Range(1, 10).Select(k => "o" + k).Order(StringComparer.Ordinal), open.Select(r => r.CustomerId).Order(StringComparer.Ordinal));
        Assert.All(open, r => Assert.Equal((TimeSpan.FromHours(5.5), "apply", "form"), (r.SinceLastEvent, r.Stage, r.LastTouchpoint)));
    }

    private static readonly DateTimeOffset Cutoff = T0.AddHours(100);

    /// <summary>
    /// Before the cut-off (100h): h1..h4 form 0h → upload 5h → goal at 10, 20, 30, 40h; h5 call 0h → upload 40h → goal 80h.
    /// Open at 100h: o1..o4 (form at 100h), o5 (call at 100h). After: o1 upload 105h, goal 115h; o2 call 102h, upload 110h,
    /// goal 160h (the end of the data); o3 declined 130h; o4 call 101h, then nothing (open); o5 nothing (open).
    /// </summary>
    private static List<JourneyEvent> BacktestLog()
    {
        var events = new List<JourneyEvent>();
        for (int k = 1; k <= 4; k++)
        {
            events.AddRange([E("h" + k, "form", 0), E("h" + k, "upload", 5), E("h" + k, "active", 10 * k)]);
        }

        events.AddRange([E("h5", "call", 0), E("h5", "upload", 40), E("h5", "active", 80)]);
        for (int k = 1; k <= 4; k++)
        {
            events.Add(E("o" + k, "form", 100));
        }

        events.AddRange([E("o5", "call", 100), E("o1", "upload", 105), E("o1", "active", 115), E("o2", "call", 102), E("o2", "upload", 110), E("o2", "active", 160), E("o3", "no", 130), E("o4", "call", 101)]);
        return events;
    }

    private static readonly NextStepOptions Plain = new() { Name = "plain-1", Order = 1, Smoothing = 0, MinTimeSamples = 1 };

    [Fact]
    public void Backtest_HandWorked_AccuracyErrorAndCoverage()
    {
        // Models at 100h: after form always upload; after call always upload (h5). From form the times to the goal are
        // 10, 20, 30, 40h (S = 0.75, 0.5, 0.25, 0): P(goal) 1, interval [10h, 40h], median 20h. From call: one sample, 80h.
        // Next: o1 upload (hit), o2 call, o3 no, o4 call (misses): top-1 = top-3 = 1/4 (only one candidate); o5 has none.
        // Goal: o1, o2 reached, o3 declined (never), o4, o5 open at 160h (censored): P = 1, 1, 1 vs 1, 1, 0 → Brier 1/3.
        // Remaining: o1 15h (|20 − 15| = 5), o2 60h (|20 − 60| = 40) → MAE 22.5h. Coverage: o1 15h in [10, 40] (hit), o2 60h
        // (miss), o4 open, followed 60h > 40h (miss), o5 open, 60h ≤ its upper end 80h (left out), o3 never (left out) → 1/3.
        NextStepBacktestResult result = NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), BatchOf(BacktestLog()), new NextStepBacktestOptions { Cutoffs = [Cutoff], Models = [Plain] });

        NextStepCutoff c = Assert.Single(result.Cutoffs);
        Assert.Equal(T0.AddHours(160), result.DataEnd);
        Assert.Equal((5, 4, 2, 1, 2), (c.OpenRuns, c.WithNextEvent, c.ReachedGoal, c.NeverReached, c.Censored));
        NextStepEvaluation e = Assert.Single(c.Models);
        Assert.Equal((4, 0.25, 0.25), (e.NextKnown, e.Top1, e.Top3));
        Assert.Equal((3, 2), (e.Goal.Count, e.Goal.Positives));
        Assert.Equal(1 / 3.0, e.Goal.Brier, 12);
        Assert.Equal((2, 22.5), (e.RemainingKnown, e.RemainingMaeHours));
        Assert.Equal(3, e.CoverageKnown);
        Assert.Equal(1 / 3.0, e.Coverage!.Value, 12);

        NextStepBacktestPrediction o5 = c.Predictions.Single(p => p.CustomerId == "o5");
        Assert.Equal((null, null, (TimeSpan?)null, TimeSpan.FromHours(60)), (o5.ActualNext, o5.ReachedGoal, o5.ActualRemaining, o5.FollowedFor));
        Assert.Equal(TimeSpan.FromHours(80), o5.Predictions[0].RemainingUpper);
        Assert.Equal(0.25, result.SummaryOf("plain-1").Top1.Mean);
    }

    [Fact]
    public void Backtest_EventsAfterTheCutoff_ChangeNoPrediction()
    {
        // Leakage: every event after the cut-off replaced by another touchpoint ("no": a decline) at another time. The models
        // see only the events up to the cut-off, so every prediction is the same; the outcomes are not.
        List<JourneyEvent> original = BacktestLog();
        List<JourneyEvent> changed = [.. original.Select(e => e.Timestamp > Cutoff ? e with { Touchpoint = "no", Timestamp = e.Timestamp.AddHours(7) } : e)];
        var options = new NextStepBacktestOptions { Cutoffs = [Cutoff], Models = [Plain, NextStepOptions.FirstOrderMarkov, NextStepOptions.Default] };
        NextStepCutoff a = NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), BatchOf(original), options).Cutoffs[0];
        NextStepCutoff b = NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), BatchOf(changed), options).Cutoffs[0];

        Assert.Equal(Describe(a.Predictions), Describe(b.Predictions));
        Assert.NotEqual(a.Predictions.Select(p => p.ActualNext), b.Predictions.Select(p => p.ActualNext));
    }

    [Fact]
    public void Backtest_SameInputInAnyOrder_SameResult()
    {
        List<JourneyEvent> events = BacktestLog();
        var options = new NextStepBacktestOptions { Cutoffs = [Cutoff, T0.AddHours(105)] };
        NextStepBacktestResult a = NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), BatchOf(events), options);
        NextStepBacktestResult b = NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), BatchOf(Enumerable.Reverse(events)), options);

        Assert.Equal(2, a.Cutoffs.Count);
        for (int i = 0; i < a.Cutoffs.Count; i++)
        {
            // Runs come in batch order (customers by first appearance), so compare them as sets.
            Assert.Equal(Describe(a.Cutoffs[i].Predictions).Order(StringComparer.Ordinal), Describe(b.Cutoffs[i].Predictions).Order(StringComparer.Ordinal));
            Assert.Equal(a.Cutoffs[i].Models.Select(m => (m.Top1, m.Top3, m.RemainingMaeHours, m.Coverage, m.Goal.Brier)), b.Cutoffs[i].Models.Select(m => (m.Top1, m.Top3, m.RemainingMaeHours, m.Coverage, m.Goal.Brier)));
        }

        Assert.Equal(a.Summary.Select(s => (s.Model, s.Top1, s.Coverage)), b.Summary.Select(s => (s.Model, s.Top1, s.Coverage)));
    }

    private static IEnumerable<string> Describe(IReadOnlyList<NextStepBacktestPrediction> predictions) =>
        predictions.SelectMany(p => p.Predictions.Select(x =>
            $"{p.CustomerId} {p.Stage} {string.Join(",", x.Next.Select(n => $"{n.Touchpoint}:{n.Probability:R}"))} {x.GoalProbability:R} {x.RemainingLower} {x.RemainingMedian} {x.RemainingUpper}"));

    [Fact]
    public void EveryPrefix_HandWorked()
    {
        // Cases by first event: c1 (x y), c2 (x y) train (⌊3·2/3⌋ = 2), c3 (x z) is tested. Learned: x → y twice, y → end twice.
        // Prefix [x]: y first (actual z: miss, also in the top 3 {y, end}). Prefix [x z] (with the end): z unseen, so the
        // counts over everything, y 2 and end 2, tie — by name "(end)" < "y" → hit. With the end: 1 of 2; without: 0 of 1.
        EventBatch events = BatchOf([E("c1", "x", 0), E("c1", "y", 1), E("c2", "x", 1), E("c2", "y", 2), E("c3", "x", 2), E("c3", "z", 3)]);

        EveryPrefixResult withEnd = NextStepBacktest.EveryPrefix(events, [NextStepOptions.FirstOrderMarkov], 2 / 3.0, predictEnd: true, minimumPrefixLength: 1);
        EveryPrefixResult withoutEnd = NextStepBacktest.EveryPrefix(events, [NextStepOptions.FirstOrderMarkov], 2 / 3.0, predictEnd: false, minimumPrefixLength: 1);

        Assert.Equal((2, 1, 2), (withEnd.TrainingCases, withEnd.TestCases, withEnd.Prefixes));
        Assert.Equal(new EveryPrefixAccuracy("markov-1", 0.5, 0.5), withEnd.Models[0]);
        Assert.Equal(1, withoutEnd.Prefixes);
        Assert.Equal(new EveryPrefixAccuracy("markov-1", 0, 0), withoutEnd.Models[0]);

        // From length 2 (Tax et al.'s protocol) only [x z] → end is scored: a hit.
        EveryPrefixResult fromTwo = NextStepBacktest.EveryPrefix(events, [NextStepOptions.FirstOrderMarkov], 2 / 3.0, predictEnd: true, minimumPrefixLength: 2);
        Assert.Equal((1, 2), (fromTwo.Prefixes, fromTwo.MinimumPrefixLength));
        Assert.Equal(new EveryPrefixAccuracy("markov-1", 1, 1), fromTwo.Models[0]);
    }

    [Fact]
    public void Options_OutOfRange_Throw()
    {
        EventBatch events = Paths();
        Assert.Throws<ArgumentOutOfRangeException>(() => NextStepModel.Fit(Evaluator(), events, T0, new NextStepOptions { Order = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NextStepModel.Fit(Evaluator(), events, T0, new NextStepOptions { LowerQuantile = 0.9, UpperQuantile = 0.1 }));
        Assert.Throws<ArgumentException>(() => NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), events, new NextStepBacktestOptions { Cutoffs = [T0], Models = [Plain, Plain] }));
        Assert.Throws<ArgumentException>(() => NextStepBacktest.Run(JourneyAnalyzerTests.Journey(), events, new NextStepBacktestOptions { Cutoffs = [T0.AddHours(3)] }));
    }
}
