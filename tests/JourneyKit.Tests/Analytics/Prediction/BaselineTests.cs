using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Scoring;
using JourneyKit.Tests.Analytics;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>The two baselines on five customers, every number by hand (journey: apply → verify → done; declined).</summary>
public sealed class BaselineTests
{
    private static readonly DateTimeOffset T0 = JourneyAnalyzerTests.T0;
    private static readonly DateTimeOffset Cutoff = T0.AddHours(100);
    private static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    /// <summary>a: apply 0h, verify 10h, done 15h. b: apply 0h, verify 20h. c: apply 0h, verify 40h. d: apply 60h. q: apply 90h.</summary>
    private static EventBatch Events()
    {
        var b = new EventBatchBuilder();
        foreach ((string c, string tp, double h) in new[]
        {
            ("a", "form", 0.0), ("a", "upload", 10), ("a", "active", 15),
            ("b", "form", 0), ("b", "upload", 20),
            ("c", "form", 0), ("c", "upload", 40),
            ("d", "form", 60),
            ("q", "form", 90),
        })
        {
            b.Add(new JourneyEvent(c, tp, T0.AddHours(h)));
        }

        return b.Build();
    }

    private static RunRisk[] Predict(RiskModelTrainer trainer, params string[] customers)
    {
        var evaluator = new JourneyEvaluator(JourneyAnalyzerTests.Journey());
        EventBatch events = Events();
        FittedRiskModel model = trainer.Fit(new RiskTrainingSet(evaluator, events, Cutoff, Horizon, seed: 1));
        List<JourneyInstance> runs = [.. evaluator.Evaluate(events).Where(r => customers.Contains(r.CustomerId)).OrderBy(r => Array.IndexOf(customers, r.CustomerId))];
        var risks = new RunRisk[runs.Count];
        model.Predict(new RiskQuery(evaluator, events, Cutoff, Horizon, runs), risks);
        return risks;
    }

    [Fact]
    public void KaplanMeier_HorizonRisk_IsTheCurveRatio()
    {
        // apply's visits at 100h: a event 10h, q censored 10h (100 − 90), b event 20h, c event 40h, d censored 40h (100 − 60).
        // S(10h) = 1 − 1/5 = 0.8 (q at risk at 10h, then leaves); S(20h) = 0.8·(1 − 1/3) = 8/15; S(40h) = 8/15·(1 − 1/2) = 4/15.
        // q has been in apply 10h: P(no progress within 24h) = S(34h)/S(10h) = (8/15)/0.8 = 2/3.
        // Missing the goal: S∞/S(10h) = (4/15)/0.8 = 1/3; from verify the stage chain converts 1 of 3 paths (a; b, c are
        // open: null) → 1 − (1 − 1/3)·1/3 = 7/9.
        RunRisk q = Predict(new KaplanMeierRiskTrainer { MinRiskSamples = 1 }, "q")[0];
        Assert.Equal(2.0 / 3, q.NotProgressing, 12);
        Assert.Equal(7.0 / 9, q.MissingGoal, 12);
    }

    [Fact]
    public void HistoricalRate_IsTheShareOfOpenRunsAtEarlierLandmarks()
    {
        // Landmarks every 40h from 100h − 24h: 76h and 36h (then −4h, before the first event).
        // At 76h: b (verify since 20h), c (verify since 40h), d (apply since 60h) are open; none progresses by 100h: true.
        // At 36h: b (verify): true; c (apply): verify at 40h ≤ 60h → false. a converted at 15h: never open at a landmark.
        // apply: d true, c false → 1/2. verify: 3 of 3 → 1. MissingGoal: b, c, d are still open at 100h — all censored, so
        // every stage falls back to 0.5.
        RunRisk[] risks = Predict(new HistoricalRateRiskTrainer { LandmarkSpacing = TimeSpan.FromHours(40) }, "q", "b");
        Assert.Equal(new RunRisk(0.5, 0.5), risks[0]); // q: apply
        Assert.Equal(new RunRisk(1.0, 0.5), risks[1]); // b: verify
    }

    [Fact]
    public void KaplanMeier_StageWithoutCurve_FallsBackToTheHistoricalRate()
    {
        // With the default 20 visits per curve no stage has one here: q gets apply's historical rate (default spacing 6h:
        // landmarks 76h, 70h, …, 4h). Same as the historical-rate baseline itself.
        Assert.Equal(Predict(HistoricalRateRiskTrainer.Default, "q", "b"), Predict(KaplanMeierRiskTrainer.Default, "q", "b"));
    }

    [Fact]
    public void Landmarks_AreNewestFirst_AndStopAtTheFirstEvent()
    {
        var set = new RiskTrainingSet(new JourneyEvaluator(JourneyAnalyzerTests.Journey()), Events(), Cutoff, Horizon, 1);
        Assert.Equal([T0.AddHours(76), T0.AddHours(36)], set.Landmarks(TimeSpan.FromHours(40), 10));
        Assert.Equal([T0.AddHours(76)], set.Landmarks(TimeSpan.FromHours(40), 1));
        Assert.Equal(TimeSpan.FromHours(6), HistoricalRateRiskTrainer.SpacingFor(null, Horizon));
        Assert.Equal(TimeSpan.FromHours(1), HistoricalRateRiskTrainer.SpacingFor(null, TimeSpan.FromMinutes(10)));
    }
}
