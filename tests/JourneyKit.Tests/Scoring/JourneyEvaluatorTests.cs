using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Tests.Scoring;

public sealed class JourneyEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>apply (std 2d, next verify) → verify (std 1d, next apply|done) → done (goal); declined (failure).</summary>
    private static CompiledJourney Journey() => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("call", Channel.ContactCentre)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("branch", Channel.Branch)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Touchpoint("ad", Channel.Social)
        .Stage("apply", s => s.Name("Apply").Touchpoints("form", "call").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Name("Verify identity").Touchpoints("upload", "branch").StandardTime(TimeSpan.FromDays(1)).Next("apply", "done"))
        .Stage("done", s => s.Name("Active").Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .MomentOfTruth("branch-visit", "upload .* branch", MomentOfTruthOutcome.Negative, 2)
        .MomentOfTruth("activated", "active", MomentOfTruthOutcome.Positive, 1)
        .Build()
        .Compile();

    private static JourneyEvent E(string touchpoint, double hours, Channel channel = default) =>
        new("c", touchpoint, T0.AddHours(hours), channel);

    private static JourneyInstance Run(JourneyEvaluator evaluator, params JourneyEvent[] events)
    {
        JourneyInstance instance = evaluator.CreateInstance("c");
        foreach (JourneyEvent e in events)
        {
            evaluator.Advance(instance, e);
        }

        return instance;
    }

    [Fact]
    public void Stuck_StrictlyAfterStandardTime_WithOverdue()
    {
        var evaluator = new JourneyEvaluator(Journey());
        JourneyInstance i = Run(evaluator, E("form", 0), E("upload", 1)); // verify entered at 1h, standard 1d

        // At 1h + 24h exactly: not stuck (stuck means strictly longer). 3 days later: stuck by 3d - 23h... worked:
        // as of 1h + 24h + 48h: in stage 72h, standard 24h → overdue 48h.
        Assert.False(evaluator.GetStatus(i, T0.AddHours(25)).IsStuck);
        JourneyStatus s = evaluator.GetStatus(i, T0.AddHours(73));
        Assert.True(s.IsStuck);
        Assert.Equal(TimeSpan.FromHours(48), s.OverdueBy);
        Assert.Equal(1, s.Stage);
        Assert.Equal(T0.AddHours(25), evaluator.StuckAt(i));
    }

    [Fact]
    public void LiveStatus_UsesTimeProvider()
    {
        var time = new FakeTimeProvider(T0);
        var evaluator = new JourneyEvaluator(Journey(), timeProvider: time);
        JourneyInstance i = Run(evaluator, E("form", 0));
        time.Advance(TimeSpan.FromDays(2));
        Assert.False(evaluator.GetLiveStatus(i).IsStuck); // exactly the standard time
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(evaluator.GetLiveStatus(i).IsStuck);
    }

    [Fact]
    public void Dormant_AfterInactivity_NotAfterGoal()
    {
        var evaluator = new JourneyEvaluator(Journey(), new EvaluationOptions { InactivityPeriod = TimeSpan.FromDays(10) });
        JourneyInstance open = Run(evaluator, E("form", 0), E("upload", 5));
        Assert.False(evaluator.GetStatus(open, T0.AddHours(5).AddDays(10).AddTicks(-1)).IsDormant);
        Assert.True(evaluator.GetStatus(open, T0.AddHours(5).AddDays(10)).IsDormant); // inclusive bound
        JourneyInstance done = Run(evaluator, E("form", 0), E("upload", 5), E("active", 6));
        Assert.False(evaluator.GetStatus(done, T0.AddDays(100)).IsDormant);
        Assert.Equal(LifecycleState.Converted, evaluator.GetStatus(done, T0.AddDays(100)).State);
        Assert.False(evaluator.GetHistoricStatus(open).IsDormant);
    }

    [Fact]
    public void Flags_BacktrackRepeatSwitchOutOfPathDisallowed()
    {
        var evaluator = new JourneyEvaluator(Journey());
        // form(web) → upload(mobile): apply→verify, switch web→mobile.
        // form(web) again: verify→apply is a backtrack (allowed by next), a repeat of 'form', switch mobile→web.
        // ad(social): out of path, switch web→social.
        // active(mobile): apply→done is not allowed (apply's next is verify|declined), switch social→mobile; goal.
        JourneyInstance i = Run(evaluator,
            E("form", 0, Channel.Web), E("upload", 1, Channel.Mobile), E("form", 2, Channel.Web), E("ad", 3, Channel.Social), E("active", 4, Channel.Mobile));

        Assert.Equal(1, i.Backtracks);
        Assert.Equal(1, i.Repeats);
        Assert.Equal(4, i.ChannelSwitches);
        Assert.Equal(1, i.OutOfPath);
        Assert.Equal(1, i.DisallowedTransitions);
        Assert.True(i.GoalReached);
        Assert.Equal(T0.AddHours(4).UtcTicks, i.GoalReachedTicks);
        Assert.Equal([0, 1, 0, 2], i.Visits.Select(v => v.Stage));
        Assert.Equal(T0.AddHours(1).UtcTicks, i.Visits[0].ExitedTicks);
        Assert.Null(i.Visits[^1].ExitedTicks);
        Assert.Equal(2, i.FurthestStage);
    }

    [Fact]
    public void MomentOfTruth_HoldingAnAttribute_BatchAndStreamingAgree()
    {
        // "upload{doc=$d} .* branch{doc=$d}": a branch visit about the same document. upload(A)@1 branch(B)@2 → no hit;
        // branch(A)@3 → a hit at 3h. Batch evaluation steps the moment from the batch's columns, streaming from the events.
        CompiledJourney journey = new JourneyBuilder("j")
            .Touchpoint("upload", Channel.Mobile)
            .Touchpoint("branch", Channel.Branch)
            .Touchpoint("active", Channel.Mobile)
            .Stage("verify", s => s.Touchpoints("upload", "branch").StandardTime(TimeSpan.FromDays(1)).Next("done"))
            .Stage("done", s => s.Touchpoints("active").Goal())
            .MomentOfTruth("same-doc", "upload{doc=$d} .* branch{doc=$d}", MomentOfTruthOutcome.Negative, 2)
            .Build()
            .Compile();
        JourneyEvent D(string touchpoint, double hours, string doc) =>
            new("c", touchpoint, T0.AddHours(hours)) { Attributes = new Dictionary<string, string> { ["doc"] = doc } };
        JourneyEvent[] events = [D("upload", 1, "A"), D("branch", 2, "B"), D("branch", 3, "A")];
        var evaluator = new JourneyEvaluator(journey);
        JourneyInstance streamed = Run(evaluator, events);
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            builder.Add(e);
        }

        JourneyInstance batched = evaluator.Evaluate(builder.Build())[0];
        MomentOfTruthHit expected = new(0, T0.AddHours(3).UtcTicks, MomentOfTruthOutcome.Negative);
        Assert.Equal([expected], streamed.MomentsOfTruth);
        Assert.Equal([expected], batched.MomentsOfTruth);
    }

    [Fact]
    public void MomentsOfTruth_RecordedWithOutcome()
    {
        var evaluator = new JourneyEvaluator(Journey());
        JourneyInstance i = Run(evaluator, E("form", 0), E("upload", 1), E("call", 2), E("branch", 3), E("active", 4));

        Assert.Equal(2, i.MomentsOfTruth.Count);
        Assert.Equal(new MomentOfTruthHit(0, T0.AddHours(3).UtcTicks, MomentOfTruthOutcome.Negative), i.MomentsOfTruth[0]);
        Assert.Equal(MomentOfTruthOutcome.Positive, i.MomentsOfTruth[1].Outcome);
    }

    [Fact]
    public void Failure_EndsAsFailed_AndAssistedContactsCount()
    {
        var evaluator = new JourneyEvaluator(Journey());
        JourneyInstance i = Run(evaluator, E("call", 0, Channel.ContactCentre), E("no", 1, Channel.Email));
        Assert.True(i.Failed);
        Assert.False(i.GoalReached);
        Assert.Equal(1, i.AssistedContacts);
    }

    [Fact]
    public void Persona_FollowsTheLatestAttributes_AndEachVisitKeepsItsOwn()
    {
        // Issue 14: the persona used to be fixed by the first attributes. Age 25 at 'x' (stage a): young; age 45 at 'y'
        // (stage b): no rule matches any more → no persona; the visit of 'a' still says it was entered as 'young'.
        CompiledJourney journey = new JourneyBuilder("p")
            .Stage("a", s => s.Touchpoints("x").StandardTime(TimeSpan.FromDays(1)))
            .Stage("b", s => s.Touchpoints("y").Goal())
            .Persona(new Persona { Id = "young", Rule = new PersonaRule(new[] { new AttributeRule("age", RuleOperator.Lt, new[] { "30" }) }) })
            .Build().Compile();
        var evaluator = new JourneyEvaluator(journey);
        JourneyInstance i = evaluator.CreateInstance("c");
        evaluator.Advance(i, new JourneyEvent("c", "x", T0) { Attributes = new Dictionary<string, string> { ["age"] = "25" } });
        Assert.Equal("young", i.Persona);
        evaluator.Advance(i, new JourneyEvent("c", "y", T0) { Attributes = new Dictionary<string, string> { ["age"] = "45", ["city"] = "Ghent" } });
        Assert.Null(i.Persona);
        Assert.Equal(["young", null], i.Visits.Select(v => v.Persona));
        Assert.Equal(new Dictionary<string, string> { ["age"] = "45" }, i.Attributes); // only what persona rules read

        JourneyInstance fixedByCaller = evaluator.CreateInstance("c");
        fixedByCaller.Persona = "vip";
        evaluator.Advance(fixedByCaller, new JourneyEvent("c", "x", T0) { Attributes = new Dictionary<string, string> { ["age"] = "25" } });
        Assert.Equal("vip", fixedByCaller.Persona);
    }

    [Fact]
    public void Score_HandComputed()
    {
        var evaluator = new JourneyEvaluator(Journey());
        // form@0 upload@1h branch@2h: verify entered at 1h; MoT 'branch-visit' (negative, weight 2) hit; no channel.
        JourneyInstance i = Run(evaluator, E("form", 0), E("upload", 1), E("branch", 2));
        JourneyScore score = ScoringModel.Default.Score(evaluator, i, T0.AddHours(1 + 72)); // 72h in verify (std 24h)

        // progress: furthest = verify = 2nd of 3 non-failure stages → 2/3; weight 0.30 → 20 points.
        // velocity: apply 1h ≤ 48h → 1; verify 72h vs 24h → 1/3; mean 2/3; weight 0.20 → 13.33 points.
        // effort: 1 repeat? no (upload, branch distinct) → 1/(1+0) = 1; weight 0.15 → 15.
        // moments: only negative → 0.5 + 0.5 × (0 − 2)/2 = 0; weight 0.15 → 0.
        // goal: in progress, last event 71h before as-of < 14d → 0.5; weight 0.20 → 10.
        // total = 20 + 13.333 + 15 + 0 + 10 = 58.333
        Assert.Equal(58.333, score.Value, 3);
        ScoreContribution velocity = score.Breakdown.Single(c => c.Component == "velocity");
        Assert.Equal("velocity -7: stuck 2d over standard in 'Verify identity'", velocity.ToString());
    }

    [Fact]
    public void Score_ReachingGoal_NeverLowersProgress()
    {
        var evaluator = new JourneyEvaluator(Journey());
        JourneyInstance before = Run(evaluator, E("form", 0), E("upload", 1));
        JourneyInstance after = Run(evaluator, E("form", 0), E("upload", 1), E("active", 2));
        double Progress(JourneyInstance i) => ScoringModel.Default.Score(evaluator, i, T0.AddHours(3)).Breakdown[0].Value;
        Assert.True(Progress(after) >= Progress(before));
        Assert.Equal(1, Progress(after));
    }

    [Fact]
    public void Correlation_PointBiserial_HandComputed()
    {
        // scores 10, 20, 30, 40; outcome F F T T: mean x 25, mean y 0.5;
        // sxy = (-15)(-.5)+(-5)(-.5)+(5)(.5)+(15)(.5) = 20; sxx = 500; syy = 1 → r = 20/√500 = 0.8944.
        double? r = ScoreAggregates.Correlation([10, 20, 30, 40], [false, false, true, true]);
        Assert.Equal(0.8944, r!.Value, 4);
        Assert.Null(ScoreAggregates.Correlation([1, 2], [true, true]));
    }

    /// <summary>Batch == streaming == resumed-from-serialized-state, and scores stay within 0..100.</summary>
    private static readonly string[] StreamTouchpoints = ["form", "call", "upload", "branch", "active", "no", "ad", "unknown"];
    private static readonly Channel[] StreamChannels = [Channel.None, Channel.Web, Channel.Mobile, Channel.ContactCentre];

    /// <summary>Generated histories in this journey's touchpoints (and two it does not name), gaps of 0–3 × 16 hours,
    /// channels by value (None among them), duplicates and shuffled input; the second input is where each run's stream
    /// is cut, serialized and resumed (run r cuts after split[r mod length] events, at most all).</summary>
    [Property(MaxTest = 150)]
    public Property BatchStreamingResumed_Agree() => Pair.ForAll(
        Histories.Of(customers: 4, touchpoints: StreamTouchpoints.Length, maxEvents: 60, maxValue: StreamChannels.Length - 1),
        Small.ArrayOf(Gen.Choose(0, 20), 1, 4),
        (history, splits) =>
    {
        CompiledJourney journey = Journey();
        var evaluator = new JourneyEvaluator(journey);
        EventBatch batch = history.Batch(new HistoryShape(StreamTouchpoints, TimeSpan.FromHours(16), T0, StreamChannels));
        IReadOnlyList<JourneyInstance> fromBatch = evaluator.Evaluate(batch);
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            var own = new List<JourneyEvent>();
            for (int r = batch.CustomerStarts[run]; r < batch.CustomerStarts[run + 1]; r++)
            {
                own.Add(batch.GetEvent(r));
            }

            JourneyInstance streamed = evaluator.CreateInstance(own[0].CustomerId);
            int split = Math.Min(splits[run % splits.Length], own.Count);
            for (int k = 0; k < split; k++)
            {
                evaluator.Advance(streamed, own[k]);
            }

            JourneyInstance resumed = JourneyInstance.Deserialize(streamed.Serialize());
            for (int k = split; k < own.Count; k++)
            {
                evaluator.Advance(resumed, own[k]);
            }

            for (int k = split; k < own.Count; k++)
            {
                evaluator.Advance(streamed, own[k]);
            }

            byte[] expected = fromBatch[run].Serialize();
            if (!expected.AsSpan().SequenceEqual(streamed.Serialize()) || !expected.AsSpan().SequenceEqual(resumed.Serialize()))
            {
                return false;
            }

            double score = ScoringModel.Default.Score(evaluator, resumed, T0.AddDays(30)).Value;
            if (score is < 0 or > 100)
            {
                return false;
            }
        }

        return true;
    });
}
