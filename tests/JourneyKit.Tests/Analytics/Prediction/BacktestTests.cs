using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Analytics;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>
/// The backtest harness on hand-made data (journey: apply 2d → verify 1d → done, goal; declined, failure). Every expected
/// value is worked out in the comments.
/// </summary>
public sealed class BacktestTests
{
    private static readonly DateTimeOffset T0 = JourneyAnalyzerTests.T0;
    private static readonly DateTimeOffset Cutoff = T0.AddHours(100);

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

    /// <summary>
    /// Open at 100h: p1, p2 (progress to verify at 110h, 120h, then the goal), n1, n2 (declined at 130h, 140h), o1..o4 (still
    /// in apply at the end, 140h: censored), x (only an out-of-path event: open, no stage). g converted before the cut-off.
    /// </summary>
    private static EventBatch HalfOpen()
    {
        var events = new List<JourneyEvent>
        {
            E("g", "form", 10), E("g", "upload", 20), E("g", "active", 30),
            E("p1", "form", 90), E("p1", "upload", 110), E("p1", "active", 125),
            E("p2", "form", 95), E("p2", "upload", 120), E("p2", "active", 130),
            E("n1", "form", 80), E("n1", "no", 130),
            E("n2", "form", 85), E("n2", "no", 140),
            E("x", "ad", 99),
        };
        for (int i = 1; i <= 4; i++)
        {
            events.Add(E("o" + i, "form", 90));
            events.Add(E("o" + i, "call", 135));
        }

        return BatchOf(events);
    }

    private static readonly Dictionary<string, double> Risks = new()
    {
        ["p1"] = 0.2, ["p2"] = 0.4, ["n1"] = 0.7, ["n2"] = 0.4, ["o1"] = 0.9, ["o2"] = 0.9, ["o3"] = 0.9, ["o4"] = 0.9,
    };

    [Fact]
    public void HalfStillOpen_AreCensored_NotNegatives()
    {
        // Horizon 48h: 100h + 48h = 148h is after the end of the data (140h), so no run has the full follow-up.
        // NotProgressing: p1, p2 progressed (false); n1, n2 declined — decided, never progressed (true); o1..o4 still open
        // at 140h → censored. MissingGoal: p1, p2 reached the goal (false), n1, n2 failed (true), o1..o4 open → censored.
        // Scored: p = [0.2, 0.4 | 0.7, 0.4] for y = [0, 0 | 1, 1]: AUC = (1 + 1 + 1 + ½)/4 = 0.875; Brier = (0.04 + 0.16 +
        // 0.09 + 0.36)/4 = 0.1625; observed 2/4 = ½ (counting the censored as negatives would say 2/8 and AUC 3.5/16).
        var model = new FixedRiskTrainer(Risks);
        BacktestResult result = Backtest.Run(JourneyAnalyzerTests.Journey(), HalfOpen(), new BacktestOptions
        {
            Cutoffs = [Cutoff],
            Horizon = TimeSpan.FromHours(48),
            Models = [model],
        });

        BacktestCutoff c = Assert.Single(result.Cutoffs);
        Assert.Equal(T0.AddHours(140), result.DataEnd);
        Assert.Equal(9, c.OpenRuns);        // p1 p2 n1 n2 o1..o4 x
        Assert.Equal(1, c.Unpredictable);   // x: no stage
        Assert.Equal(8, c.Predictions.Count);
        foreach (RiskTarget target in new[] { RiskTarget.NotProgressing, RiskTarget.MissingGoal })
        {
            TargetEvaluation t = c.Of(target);
            Assert.Equal((4, 4, 2), (t.Known, t.Censored, t.Positives));
            PredictionMetrics m = Assert.Single(t.Models).Metrics;
            Assert.Equal(0.875, m.Auc!.Value, 12);
            Assert.Equal(0.1625, m.Brier, 12);
            Assert.Equal(0.5, m.Observed, 12);
            Assert.Equal(0.425, m.MeanPredicted, 12);
            Assert.Equal((1, 0.7, 1.0), (m.Flagged.Count, m.Flagged.MeanPredicted!.Value, m.Flagged.Observed!.Value)); // only n1 ≥ 0.5
        }

        BacktestPrediction o1 = c.Predictions.Single(p => p.CustomerId == "o1");
        Assert.Equal(("apply", TimeSpan.FromHours(10), LifecycleState.InProgress), (o1.StageId, o1.TimeInStage, o1.State));
        Assert.Null(o1.NotProgressed);
        Assert.Null(o1.MissedGoal);
        Assert.Equal(1, model.Fits);
    }

    [Fact]
    public void FullHorizonFollowed_StillOpenRuns_DidNotProgress()
    {
        // Horizon 24h: 124h ≤ 140h, so every run was followed for the whole horizon. o1..o4 (still in apply) did not
        // progress: true, known. p1 (verify at 110h) and p2 (at 120h) progressed within it; n1, n2 did not (declined
        // later). MissingGoal does not depend on the horizon: o1..o4 are still censored there.
        BacktestResult result = Backtest.Run(JourneyAnalyzerTests.Journey(), HalfOpen(), new BacktestOptions
        {
            Cutoffs = [Cutoff],
            Horizon = TimeSpan.FromHours(24),
            Models = [new FixedRiskTrainer(Risks)],
        });

        BacktestCutoff c = result.Cutoffs[0];
        Assert.Equal((8, 0, 6), (c.Of(RiskTarget.NotProgressing).Known, c.Of(RiskTarget.NotProgressing).Censored, c.Of(RiskTarget.NotProgressing).Positives));
        Assert.Equal((4, 4, 2), (c.Of(RiskTarget.MissingGoal).Known, c.Of(RiskTarget.MissingGoal).Censored, c.Of(RiskTarget.MissingGoal).Positives));
        Assert.True(c.Predictions.Single(p => p.CustomerId == "o3").NotProgressed);
        Assert.False(c.Predictions.Single(p => p.CustomerId == "p2").NotProgressed);
    }

    [Fact]
    public void ProgressAfterTheHorizon_IsNotProgressWithinIt()
    {
        // p2 reaches verify at 120h: within 100h + 24h, but not within 100h + 12h (112h < 120h), and 112h ≤ 140h: true.
        BacktestResult result = Backtest.Run(JourneyAnalyzerTests.Journey(), HalfOpen(), new BacktestOptions
        {
            Cutoffs = [Cutoff],
            Horizon = TimeSpan.FromHours(12),
            Models = [new FixedRiskTrainer(Risks)],
        });

        Assert.True(result.Cutoffs[0].Predictions.Single(p => p.CustomerId == "p2").NotProgressed);
        Assert.False(result.Cutoffs[0].Predictions.Single(p => p.CustomerId == "p1").NotProgressed);

        // The horizon is inclusive: p1 enters verify at exactly 100h + 10h.
        BacktestResult edge = Backtest.Run(JourneyAnalyzerTests.Journey(), HalfOpen(), new BacktestOptions
        {
            Cutoffs = [Cutoff],
            Horizon = TimeSpan.FromHours(10),
            Models = [new FixedRiskTrainer(Risks)],
        });
        Assert.False(edge.Cutoffs[0].Predictions.Single(p => p.CustomerId == "p1").NotProgressed);
    }

    [Fact]
    public void EventsAfterTheCutoff_ChangeNoPrediction_OnlyTheOutcomes()
    {
        // Leakage: the bank sample, and a copy whose every event after the cut-off is replaced by a decline carrying a new
        // attribute (age 99: another persona). Fitting and predicting see only the events up to the cut-off, so every
        // model's every prediction is the same; the outcomes are not.
        EventBatch original = EventFile.Read(TestPaths.Sample("retail-bank-account-opening.events.csv")).Batch;
        var cutoff = new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero);
        var changed = new EventBatchBuilder();
        int replaced = 0;
        for (int row = 0; row < original.Count; row++)
        {
            JourneyEvent e = original.GetEvent(row);
            if (e.Timestamp > cutoff)
            {
                e = e with { Touchpoint = "application.declined", Attributes = new Dictionary<string, string> { ["age"] = "99" } };
                replaced++;
            }

            changed.Add(e);
        }

        Assert.True(replaced > 1000);
        CompiledJourney journey = JourneyKit.Model.Json.JourneyJson.LoadFile(TestPaths.BankJourney).Compile();
        var options = new BacktestOptions { Cutoffs = [cutoff] };
        BacktestCutoff a = Backtest.Run(journey, original, options).Cutoffs[0];
        BacktestCutoff b = Backtest.Run(journey, changed.Build(), options).Cutoffs[0];

        Assert.True(a.Predictions.Count > 100);
        Assert.Equal(a.Predictions.Select(p => (p.CustomerId, p.StageId, p.TimeInStage)), b.Predictions.Select(p => (p.CustomerId, p.StageId, p.TimeInStage)));
        for (int i = 0; i < a.Predictions.Count; i++)
        {
            Assert.Equal(a.Predictions[i].Risks, b.Predictions[i].Risks);
        }

        Assert.NotEqual(a.Predictions.Select(p => p.MissedGoal), b.Predictions.Select(p => p.MissedGoal));
    }

    [Fact]
    public void RollingOrigin_SummaryIsTheMeanAndSpreadOfTheCutoffs_AndRunsAreDeterministic()
    {
        EventBatch events = EventFile.Read(TestPaths.Sample("retail-bank-account-opening.events.csv")).Batch;
        CompiledJourney journey = JourneyKit.Model.Json.JourneyJson.LoadFile(TestPaths.BankJourney).Compile();
        var options = new BacktestOptions
        {
            Cutoffs = [new(2026, 1, 25, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 20, 0, 0, 0, TimeSpan.Zero)],
        };
        BacktestResult result = Backtest.Run(journey, events, options);
        Assert.Equal(["historical-rate", "kaplan-meier"], result.Models);
        Assert.Equal(options.Cutoffs.Order(), result.Cutoffs.Select(c => c.Cutoff)); // sorted
        foreach (BacktestSummary s in result.Summary)
        {
            double[] aucs = [.. result.Cutoffs.Select(c => c.Of(s.Target).Models.Single(m => m.Model == s.Model).Metrics.Auc!.Value)];
            double mean = aucs.Average();
            Assert.Equal(mean, s.Auc.Mean!.Value, 12);
            Assert.Equal(Math.Sqrt(aucs.Sum(a => (a - mean) * (a - mean)) / 2), s.Auc.StandardDeviation!.Value, 12);
            Assert.Equal(3, s.Brier.Count);
        }

        BacktestResult again = Backtest.Run(journey, events, options);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(result.Cutoffs[c].Predictions.SelectMany(p => p.Risks), again.Cutoffs[c].Predictions.SelectMany(p => p.Risks));
        }
    }

    [Fact]
    public void Reentry_EachRunIsPredictedAndLabelledOnItsOwn()
    {
        // Re-entry after the end: r's first run fails at 10h, a second starts at 50h and reaches verify at 120h; z ends the
        // data at 130h. At 100h only the second run is open (apply, 50h in it): progressed at 120h ≤ 148h → false; it is still
        // open (verify) at 130h → MissingGoal censored.
        CompiledJourney journey = new JourneyBuilder("j")
            .Touchpoint("form", Channel.Web)
            .Touchpoint("upload", Channel.Mobile)
            .Touchpoint("active", Channel.Mobile)
            .Touchpoint("no", Channel.Email)
            .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(4)).Next("verify", "declined"))
            .Stage("verify", s => s.Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)).Next("done", "declined"))
            .Stage("done", s => s.Touchpoints("active").Goal())
            .Stage("declined", s => s.Touchpoints("no").Failure())
            .Reentry(ReentryPolicy.AfterEnd)
            .Build()
            .Compile();
        EventBatch events = BatchOf([E("r", "form", 0), E("r", "no", 10), E("r", "form", 50), E("r", "upload", 120), E("z", "form", 130)]);
        BacktestCutoff c = Backtest.Run(journey, events, new BacktestOptions { Cutoffs = [Cutoff], Horizon = TimeSpan.FromHours(48), Models = [new FixedRiskTrainer(Risks)] }).Cutoffs[0];
        BacktestPrediction r = Assert.Single(c.Predictions);
        Assert.Equal(("r", "apply", TimeSpan.FromHours(50), (bool?)false, (bool?)null), (r.CustomerId, r.StageId, r.TimeInStage, r.NotProgressed, r.MissedGoal));

        // The sampler at 5h (first run, in apply: fails at 10h, never progresses; missed the goal) and at 60h (second run:
        // verify at 120h is after 60h + 48h = 108h → true; open at 130h → censored).
        IReadOnlyList<OpenRunSample> samples = OpenRunSampler.Sample(new JourneyEvaluator(journey), events, [T0.AddHours(5), T0.AddHours(60)], TimeSpan.FromHours(48), T0.AddHours(130));
        Assert.Equal(
            [(T0.AddHours(5), (bool?)true, (bool?)true), (T0.AddHours(60), true, null)],
            samples.Where(s => s.CustomerId == "r").Select(s => (s.Landmark, s.NotProgressed, s.MissedGoal)));
    }

    [Fact]
    public void Options_AreValidated()
    {
        CompiledJourney journey = JourneyAnalyzerTests.Journey();
        EventBatch events = HalfOpen();
        Assert.Throws<ArgumentException>(() => Backtest.Run(journey, events, new BacktestOptions()));
        Assert.Throws<ArgumentException>(() => Backtest.Run(journey, events, new BacktestOptions { Cutoffs = [T0.AddHours(500)] }));
        Assert.Throws<ArgumentException>(() => Backtest.Run(journey, events, new BacktestOptions { Cutoffs = [Cutoff], Models = [new FixedRiskTrainer(Risks), new FixedRiskTrainer(Risks)] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backtest.Run(journey, events, new BacktestOptions { Cutoffs = [Cutoff], Horizon = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new RiskTrainingSet(new JourneyEvaluator(journey), events, Cutoff, TimeSpan.FromDays(1), 1));
    }
}
