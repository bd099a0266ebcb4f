using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Analytics;

public sealed class SurvivalRiskEstimatorTests
{
    [Fact]
    public void Estimate_AndTimeToReach_FollowTheStageCurve()
    {
        // From JourneyAnalyzerTests: the apply curve steps to 3/4 at 10h and 1/2 at 30h; plateau 1/2.
        // Risk = plateau / S(t): 0.5 before 10h, 0.5/0.75 = 2/3 from 10h, 1 from 30h.
        CompiledJourney journey = JourneyAnalyzerTests.Journey();
        JourneyAnalysis a = new JourneyAnalyzer(journey, new AnalyticsOptions { MinRiskSamples = 1 }).Analyze(JourneyAnalyzerTests.Batch(), JourneyAnalyzerTests.T0.AddDays(20));
        var estimator = new SurvivalRiskEstimator(a.Risk);
        var evaluator = new JourneyEvaluator(journey);
        JourneyInstance inApply = evaluator.CreateInstance("x");
        evaluator.Advance(inApply, JourneyAnalyzerTests.E("x", "form", 0, Channel.Web));

        Assert.Equal(0.5, estimator.Estimate(journey, inApply, TimeSpan.FromHours(5)));
        Assert.Equal(2.0 / 3, estimator.Estimate(journey, inApply, TimeSpan.FromHours(10)), 12);
        Assert.Equal(1, estimator.Estimate(journey, inApply, TimeSpan.FromHours(31)));
        Assert.Equal(TimeSpan.Zero, estimator.TimeInStageToReach(journey, inApply, 0.5));
        Assert.Equal(TimeSpan.FromHours(10), estimator.TimeInStageToReach(journey, inApply, 0.6));
        Assert.Equal(TimeSpan.FromHours(30), estimator.TimeInStageToReach(journey, inApply, 0.9));

        // The goal stage has no model: risk 0, never reached.
        JourneyInstance done = evaluator.CreateInstance("y");
        evaluator.Advance(done, JourneyAnalyzerTests.E("y", "active", 0, Channel.Mobile));
        Assert.Equal(0, estimator.Estimate(journey, done, TimeSpan.FromDays(9)));
        Assert.Equal(TimeSpan.MaxValue, estimator.TimeInStageToReach(journey, done, 0.5));
    }
}
