using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Scoring;

/// <summary>Re-entry (issue 14 item 4): when a customer starts a new run, hand-worked cases and batch = streaming.</summary>
public sealed class ReentryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Inactivity = TimeSpan.FromDays(10);
    private static readonly string[] Touchpoints = ["form", "upload", "active", "no", "ad"];

    /// <summary>apply (first stage, std 2d) → verify (std 1d) → done (goal); declined (failure); "ad" is out of path.</summary>
    private static CompiledJourney Journey(ReentryPolicy policy, TimeSpan gap = default) => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Touchpoint("ad", Channel.Social)
        .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)).Next("apply", "done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Reentry(policy, gap)
        .Build()
        .Compile();

    private static JourneyEvent E(string touchpoint, double days, string customer = "c") => new(customer, touchpoint, T0.AddDays(days));

    private static List<JourneyInstance> Stream(JourneyEvaluator evaluator, params JourneyEvent[] events)
    {
        var runs = new List<JourneyInstance> { evaluator.CreateInstance(events[0].CustomerId) };
        foreach (JourneyEvent e in events)
        {
            JourneyInstance run = evaluator.Advance(runs[^1], e);
            if (run != runs[^1])
            {
                runs.Add(run);
            }
        }

        return runs;
    }

    private static JourneyEvaluator Evaluator(ReentryPolicy policy, TimeSpan gap = default) =>
        new(Journey(policy, gap), new EvaluationOptions { InactivityPeriod = Inactivity });

    [Fact]
    public void Never_AReturnAfterTheGoal_StaysInTheConvertedRun()
    {
        List<JourneyInstance> runs = Stream(Evaluator(ReentryPolicy.Never), E("form", 0), E("active", 1), E("form", 60));
        JourneyInstance run = Assert.Single(runs);
        Assert.Equal((1, 3, LifecycleState.Converted), (run.RunNumber, run.EventCount, Evaluator(ReentryPolicy.Never).GetStatus(run, T0.AddDays(61)).State));
    }

    [Fact]
    public void AfterEnd_AFirstStageEventAfterTheGoal_StartsRunTwo_OthersStayInRunOne()
    {
        // goal at day 1; 'upload' at day 2 (not the first stage) stays in run 1; 'form' at day 60 starts run 2.
        JourneyEvaluator evaluator = Evaluator(ReentryPolicy.AfterEnd);
        List<JourneyInstance> runs = Stream(evaluator, E("form", 0), E("active", 1), E("upload", 2), E("form", 60), E("upload", 61));
        Assert.Equal([1, 2], runs.Select(r => r.RunNumber));
        Assert.Equal((3, LifecycleState.Converted), (runs[0].EventCount, evaluator.GetStatus(runs[0], T0.AddDays(62)).State));
        Assert.Equal((2, "verify", LifecycleState.InProgress), (runs[1].EventCount, evaluator.Journey.Stages[runs[1].CurrentStage].Id, evaluator.GetStatus(runs[1], T0.AddDays(61.5)).State));
        Assert.Equal(T0.AddDays(60).UtcTicks, runs[1].FirstEventTicks);
    }

    [Fact]
    public void AfterEnd_DormantRunEndsAtTheInactivityPeriod_Inclusive()
    {
        // Last event day 0; 'form' at exactly day 10 (= inactivity) starts run 2; at day 10 − 1 tick it continues run 1.
        JourneyEvaluator evaluator = Evaluator(ReentryPolicy.AfterEnd);
        Assert.Equal(2, Stream(evaluator, E("form", 0), E("form", 10)).Count);
        Assert.Single(Stream(evaluator, E("form", 0), new JourneyEvent("c", "form", T0.AddDays(10).AddTicks(-1))));
    }

    [Fact]
    public void AfterEnd_MinimumGapSinceTheLastEvent()
    {
        // Declined at day 1; gap 30d: 'form' at day 20 stays in run 1 (ended: the stage does not change), day 31 starts run 2.
        JourneyEvaluator evaluator = Evaluator(ReentryPolicy.AfterEnd, TimeSpan.FromDays(30));
        List<JourneyInstance> runs = Stream(evaluator, E("form", 0), E("no", 1), E("form", 20), E("form", 51));
        Assert.Equal(2, runs.Count);
        Assert.Equal((3, true), (runs[0].EventCount, runs[0].Failed));
    }

    [Fact]
    public void Always_EveryFirstStageEventAfterTheGapSinceTheRunStarted()
    {
        // gap 7d since the run's first event: day 0 starts run 1; form at day 3 stays; day 7 starts run 2 (open run 1 is
        // simply left); day 10 stays in run 2 (3 days after its start).
        JourneyEvaluator evaluator = Evaluator(ReentryPolicy.Always, TimeSpan.FromDays(7));
        List<JourneyInstance> runs = Stream(evaluator, E("form", 0), E("form", 3), E("form", 7), E("upload", 8), E("form", 10));
        Assert.Equal([2, 3], runs.Select(r => r.EventCount));
    }

    [Fact]
    public void Definition_ReentryRoundTripsThroughJson_AndAlwaysNeedsAGap()
    {
        Journey journey = Journey(ReentryPolicy.AfterEnd, TimeSpan.FromDays(30)).Journey;
        string json = JourneyJson.Save(journey);
        Assert.Contains("\"reentry\"", json, StringComparison.Ordinal);
        Journey loaded = JourneyJson.Load(json);
        Assert.Equal((ReentryPolicy.AfterEnd, TimeSpan.FromDays(30)), (loaded.Reentry, loaded.ReentryMinimumGap));
        JourneyValidationException e = Assert.Throws<JourneyValidationException>(() => Journey(ReentryPolicy.Always));
        Assert.Contains(e.Problems, p => p.Path == "reentry.minimumGap");
    }

    [Fact]
    public void Analysis_CountsRunsOrCustomers()
    {
        // c1: converted run 1, then run 2 in progress. c2: one run in progress.
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in new[] { E("form", 0, "c1"), E("active", 1, "c1"), E("form", 20, "c1"), E("form", 19, "c2") })
        {
            b.Add(e);
        }

        EventBatch batch = b.Build();
        CompiledJourney journey = Journey(ReentryPolicy.AfterEnd);
        var options = new EvaluationOptions { InactivityPeriod = Inactivity };
        JourneyAnalysis runs = new JourneyAnalyzer(journey, new AnalyticsOptions { Evaluation = options }).Analyze(batch);
        Assert.Equal((3, new LifecycleCounts(2, 0, 0, 1, 0)), (runs.Customers, runs.States));
        JourneyAnalysis customers = new JourneyAnalyzer(journey, new AnalyticsOptions { Evaluation = options, Unit = AnalysisUnit.Customers }).Analyze(batch);
        Assert.Equal((2, new LifecycleCounts(2, 0, 0, 0, 0)), (customers.Customers, customers.States));
    }

    private static Arbitrary<(int Customer, int Touchpoint, int Time)[]> Histories() => EventHistories.Of(4, Touchpoints.Length, 60);

    [Property(MaxTest = 200)]
    public Property Batch_EqualsStreaming_RunByRun(ReentryPolicy policy) =>
        Prop.ForAll(Histories(), history =>
        {
            JourneyEvaluator evaluator = Evaluator(policy, policy == ReentryPolicy.Always ? TimeSpan.FromDays(7) : TimeSpan.FromDays(2));
            var b = new EventBatchBuilder();
            foreach ((int c, int t, int d) in history)
            {
                b.Add(E(Touchpoints[t], d, "c" + c));
            }

            EventBatch batch = b.Build();
            var batchRuns = evaluator.Evaluate(batch).Select(i => Convert.ToHexString(i.Serialize())).ToList();
            var streamed = new List<string>();
            for (int customer = 0; customer < batch.CustomerCount; customer++)
            {
                var events = new List<JourneyEvent>();
                for (int row = batch.CustomerStarts[customer]; row < batch.CustomerStarts[customer + 1]; row++)
                {
                    events.Add(batch.GetEvent(row));
                }

                streamed.AddRange(Stream(evaluator, [.. events]).Select(i => Convert.ToHexString(i.Serialize())));
            }

            bool numbered = evaluator.Evaluate(batch).GroupBy(i => i.CustomerId).All(g => g.Select(i => i.RunNumber).SequenceEqual(Enumerable.Range(1, g.Count())));
            return (batchRuns.SequenceEqual(streamed) && numbered).Label($"batch {batchRuns.Count} runs, streamed {streamed.Count}");
        });

    [Fact]
    public void Serialize_RoundTripsRunNumberAttributesAndVisitPersonas()
    {
        JourneyEvaluator evaluator = Evaluator(ReentryPolicy.AfterEnd);
        List<JourneyInstance> runs = Stream(evaluator, E("form", 0), E("active", 1), E("form", 30));
        JourneyInstance copy = JourneyInstance.Deserialize(runs[1].Serialize());
        Assert.Equal(2, copy.RunNumber);
        Assert.Equal(runs[1].Serialize(), copy.Serialize());
    }
}
