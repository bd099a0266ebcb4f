using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using Microsoft.Extensions.Time.Testing;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Orchestration;

/// <summary>The pure per-customer step on its own: no store, no dispatcher, a fake clock giving "now".</summary>
public sealed class JourneyStepTests
{
    private static readonly JourneyRule StuckApply80 = JourneyRule.Create("apply-nudge").WhenStuck("apply", 0.8).Then("apply-reminder", Channel.Sms).Build();

    [Fact]
    public void Run_StuckTimer_FiresExactlyAtItsDueTimeAndOnce()
    {
        var clock = new FakeTimeProvider(T0);
        JourneyStep step = JourneyStep.Create(Onboarding, [StuckApply80]);
        StepResult entered = step.Run(step.CreateState("ada"), StepInput.NewEvents([Event("ada", "form.start", T0)]), clock.GetUtcNow());

        // due = entered + 0.8 × 2 days = T0 + 38.4 h
        DateTimeOffset due = T0 + TimeSpan.FromHours(38.4);
        Assert.Equal((StepStatus.Completed, StepChanges.EventsApplied, 1), (entered.Status, entered.Changes, entered.EventsApplied));
        Assert.Equal(due, entered.DueAt);
        Assert.Empty(entered.Interventions);

        clock.SetUtcNow(due - TimeSpan.FromTicks(1));
        StepResult early = step.Run(entered.State, StepInput.None, clock.GetUtcNow());
        Assert.False(early.StateChanged);
        Assert.Same(entered.State, early.State);
        Assert.Empty(early.Interventions);

        clock.SetUtcNow(due);
        StepResult fired = step.Run(early.State, StepInput.None, clock.GetUtcNow());
        Intervention i = Assert.Single(fired.Interventions);
        Assert.Equal(("apply-reminder", "stuck:apply:1", due, "apply"), (i.Name, i.Occurrence, i.OccurredAt, i.Stage));
        Assert.Equal(Intervention.DeriveIdempotencyKey("onboarding", "ada", "apply-nudge", "stuck:apply:1"), i.IdempotencyKey);
        Assert.Equal(StepChanges.OccurrencesHandled | StepChanges.InterventionsRecorded, fired.Changes);
        Assert.Equal([new OccurrenceDecision("apply-nudge", "stuck:apply:1", due, OccurrenceOutcome.Fired)], fired.Decisions);
        PendingIntervention pending = Assert.Single(fired.State.Outbox);
        Assert.Equal((0, due), (pending.Attempts, pending.NextAttemptAt));
        Assert.Equal(due, fired.DueAt); // the outbox entry may be dispatched from now

        StepResult acknowledged = step.RecordDispatch(fired.State, [new DispatchOutcome(i.IdempotencyKey, true, 0, due)], due);
        Assert.Equal(StepChanges.OutboxUpdated, acknowledged.Changes);
        Assert.Empty(acknowledged.State.Outbox);
        Assert.Null(acknowledged.DueAt); // stuck handled for this stay, nothing pending

        clock.Advance(TimeSpan.FromDays(3));
        StepResult later = step.Run(acknowledged.State, StepInput.None, clock.GetUtcNow());
        Assert.Empty(later.Interventions);
        Assert.False(later.StateChanged);
    }

    [Fact]
    public void Run_PatternEndingInAnAbsence_FiresAtItsDeadlineWithoutAnEvent_Once()
    {
        // "an upload, then no verification call within 3 hours" (issue 16 item 4): due at upload + 3 h, fired by the
        // timer; a later event after the deadline gives the same occurrence id, so nothing fires twice.
        JourneyRule rule = JourneyRule.Create("no-call").WhenPattern("id.upload !(help.call within 3h)").Then("call-them", Channel.Sms).Build();
        JourneyStep step = JourneyStep.Create(Onboarding, [rule]);
        StepResult uploaded = step.Run(step.CreateState("ada"), StepInput.NewEvents([Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1))]), T0.AddHours(1));
        DateTimeOffset due = T0.AddHours(4);
        Assert.Equal(due, uploaded.DueAt);
        Assert.Empty(uploaded.Interventions);

        StepResult early = step.Run(uploaded.State, StepInput.None, due - TimeSpan.FromTicks(1));
        Assert.Empty(early.Interventions);
        StepResult fired = step.Run(early.State, StepInput.None, due);
        Intervention i = Assert.Single(fired.Interventions);
        Assert.Equal(("call-them", "pattern:1", due), (i.Name, i.Occurrence, i.OccurredAt));

        StepResult later = step.Run(fired.State, StepInput.NewEvents([Event("ada", "form.start", T0.AddHours(6))]), T0.AddHours(6));
        Assert.Empty(later.Interventions);

        // A call before the deadline cancels it: nothing due, nothing fired.
        StepResult called = step.Run(uploaded.State, StepInput.NewEvents([Event("ada", "help.call", T0.AddHours(2))]), T0.AddHours(2));
        Assert.Null(called.DueAt);
        Assert.Empty(step.Run(called.State, StepInput.None, T0.AddDays(1)).Interventions);
    }

    [Fact]
    public void Run_NeverChangesTheStateItIsGiven()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules);
        CustomerState state = step.CreateState("ada");
        byte[] before = state.Serialize();
        StepResult result = step.Run(state, StepInput.WholeLog(FixtureEvents), T0.AddDays(1));
        Assert.True(result.StateChanged);
        Assert.NotSame(state, result.State);
        Assert.Equal(before, state.Serialize());
        Assert.Equal(0, state.Instance.EventCount);
        Assert.Equal(4, result.State.Instance.EventCount);
    }

    [Fact]
    public void Run_SameLogAgain_ChangesNothingAndFiresNothing()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules);
        StepResult first = step.Run(step.CreateState("ada"), StepInput.WholeLog(FixtureEvents), T0.AddDays(1));

        // entered verify (T0+1h), the negative moment (2nd upload, T0+2h) and the help call pattern (T0+2h)
        Assert.Equal(["verify-entered|entered:verify:1", "retry-upload|moment:upload-retry:1", "called|pattern:1"], first.Interventions.Select(i => $"{i.Rule}|{i.Occurrence}"));
        StepResult again = step.Run(first.State, StepInput.WholeLog(FixtureEvents), T0.AddDays(1));
        Assert.Equal((StepChanges.None, 0), (again.Changes, again.EventsApplied));
        Assert.Empty(again.Interventions);
        Assert.Equal(first.DueAt, again.DueAt);
    }

    [Fact]
    public void Run_PriorityThenTimeThenRuleOrder_DecidesTheOrder()
    {
        // priority 2 (verify-entered) first although later than nothing else; then by time: the moment (T0+2h, rule
        // order 2) and the pattern (T0+2h, rule order 3) tie on time, so rule order decides.
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules);
        StepResult r = step.Run(step.CreateState("ada"), StepInput.WholeLog(FixtureEvents), T0.AddDays(1));
        Assert.Equal(["verify-entered", "retry-upload", "called"], r.Decisions.Select(d => d.Rule));
    }

    [Fact]
    public void Run_NewEventOlderThanTheLastApplied_AsksForTheWholeLogThenReevaluates()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, []);
        JourneyEvent start = Event("ada", "form.start", T0), upload = Event("ada", "id.upload", T0.AddHours(2)), late = Event("ada", "form.submit", T0.AddHours(1));
        StepResult first = step.Run(step.CreateState("ada"), StepInput.NewEvents([upload, start]), T0.AddDays(1)); // any order
        Assert.Equal(2, first.State.Instance.EventCount);

        StepResult refused = step.Run(first.State, StepInput.NewEvents([late]), T0.AddDays(1));
        Assert.Equal((StepStatus.WholeLogRequired, StepChanges.None), (refused.Status, refused.Changes));
        Assert.Same(first.State, refused.State);

        StepResult whole = step.Run(first.State, StepInput.WholeLog([start, late, upload]), T0.AddDays(1));
        Assert.Equal(StepStatus.Completed, whole.Status);
        Assert.Equal(StepChanges.EventsApplied | StepChanges.Reevaluated, whole.Changes);
        Assert.Equal(Reference([start, late, upload]).Serialize(), whole.State.Instance.Serialize());
    }

    [Fact]
    public void Run_LogFromThatDoesNotStartWithTheAppliedEvents_AsksForTheWholeLog()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, []);
        JourneyEvent a = Event("ada", "form.start", T0), b = Event("ada", "form.submit", T0.AddHours(1));
        StepResult first = step.Run(step.CreateState("ada"), StepInput.WholeLog([a, b]), T0.AddDays(1));
        Assert.Equal(T0.AddHours(1), first.State.ResumeFrom);

        // a read from the resume instant must start with b (the one event applied at T0+1h)
        Assert.Equal(StepStatus.WholeLogRequired, step.Run(first.State, StepInput.LogFrom([]), T0.AddDays(1)).Status);
        Assert.Equal(StepStatus.WholeLogRequired, step.Run(first.State, StepInput.LogFrom([Event("ada", "id.upload", T0.AddHours(2))]), T0.AddDays(1)).Status);
        JourneyEvent c = Event("ada", "id.upload", T0.AddHours(2));
        StepResult next = step.Run(first.State, StepInput.LogFrom([b, c]), T0.AddDays(1));
        Assert.Equal((StepStatus.Completed, 1), (next.Status, next.EventsApplied));
        Assert.Equal(Reference([a, b, c]).Serialize(), next.State.Instance.Serialize());

        // a fresh state has no resume instant: only the whole log will do
        Assert.Null(step.CreateState("bob").ResumeFrom);
        Assert.Equal(StepStatus.WholeLogRequired, step.Run(step.CreateState("bob"), StepInput.LogFrom([Event("bob", "form.start", T0)]), T0).Status);
    }

    [Fact]
    public void Run_EqualTimestampsAcrossNewEventCalls_ResumesFromTheLastInstantWithEveryEventThere()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, []);
        JourneyEvent e1 = Event("ada", "form.start", T0, "e1"), e2 = Event("ada", "form.submit", T0.AddHours(1), "e2"),
            e3 = Event("ada", "id.upload", T0.AddHours(1), "e3"), e4 = Event("ada", "help.call", T0.AddHours(1), "e4");
        CustomerState state = step.CreateState("ada");
        foreach (JourneyEvent e in new[] { e1, e2, e3 })
        {
            state = step.Run(state, StepInput.NewEvents([e]), T0.AddDays(1)).State;
        }

        // the log from T0+1h is e2, e3 (applied) then e4: it lines up
        StepResult r = step.Run(state, StepInput.LogFrom([e2, e3, e4]), T0.AddDays(1));
        Assert.Equal((StepStatus.Completed, 1), (r.Status, r.EventsApplied));
        Assert.Equal(Reference([e1, e2, e3, e4]).Serialize(), r.State.Instance.Serialize());

        // a log from T0+1h missing one of the three applied there does not
        Assert.Equal(StepStatus.WholeLogRequired, step.Run(r.State, StepInput.LogFrom([e2, e4]), T0.AddDays(1)).Status);
    }

    [Fact]
    public void Run_Cooldown_DecisionsSayWhichEntriesWereDroppedAndWhy()
    {
        JourneyRule rule = JourneyRule.Create("welcome-back").WhenEntered("apply").Then("hello", Channel.Email).WithCooldown(TimeSpan.FromDays(1)).SuppressWhenProgressed(false).Build();
        JourneyStep step = JourneyStep.Create(Onboarding, [rule]);

        // entries into apply at 0 h, 2 h, 25 h, 26 h; the cooldown (1 day) runs from the last fired: 0 h, then 25 h
        string[] tps = ["form.start", "id.upload", "form.submit", "id.upload", "form.start", "id.upload", "form.start"];
        double[] hours = [0, 1, 2, 3, 25, 25.5, 26];
        JourneyEvent[] log = [.. tps.Select((t, i) => Event("ada", t, T0.AddHours(hours[i])))];
        StepResult r = step.Run(step.CreateState("ada"), StepInput.WholeLog(log), T0.AddDays(10));
        Assert.Equal(
            ["entered:apply:1 0 Fired", "entered:apply:2 2 Cooldown", "entered:apply:3 25 Fired", "entered:apply:4 26 Cooldown"],
            r.Decisions.Select(d => $"{d.Occurrence} {Hours(d.OccurredAt)} {d.Outcome}"));
        Assert.Equal(2, r.Interventions.Count);
    }

    [Fact]
    public void Run_CustomerCapAndEvaluationLimit_AreDecisionsToo()
    {
        JourneyRule low = JourneyRule.Create("low").WhenEntered("verify").Then("low", Channel.Email).WithPriority(1).Build();
        JourneyRule high = JourneyRule.Create("high").WhenEntered("verify").Then("high", Channel.Sms).WithPriority(5).Build();
        JourneyRule mid = JourneyRule.Create("mid").WhenLeft("apply").Then("mid", Channel.Web).WithPriority(3).Build();
        JourneyEvent[] log = [Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1))];
        JourneyStep capped = JourneyStep.Create(Onboarding, [low, high, mid], new OrchestrationOptions { MaxInterventionsPerCustomer = 2, FrequencyCapPeriod = TimeSpan.FromDays(7) });
        Assert.Equal(["high Fired", "mid Fired", "low CustomerFrequencyCap"], capped.Run(capped.CreateState("ada"), StepInput.WholeLog(log), T0.AddDays(1)).Decisions.Select(d => $"{d.Rule} {d.Outcome}"));
        JourneyStep limited = JourneyStep.Create(Onboarding, [low, high, mid], new OrchestrationOptions { MaxInterventionsPerEvaluation = 1 });
        Assert.Equal(["high Fired", "mid EvaluationLimit", "low EvaluationLimit"], limited.Run(limited.CreateState("ada"), StepInput.WholeLog(log), T0.AddDays(1)).Decisions.Select(d => $"{d.Rule} {d.Outcome}"));
    }

    [Fact]
    public void RecordDispatch_FailureWaitsForItsNextAttempt_AckLeavesTheOutbox()
    {
        JourneyStep step = JourneyStep.Create(Onboarding, FixtureRules);
        DateTimeOffset now = T0.AddDays(1);
        StepResult r = step.Run(step.CreateState("ada"), StepInput.WholeLog(FixtureEvents), now);
        string[] keys = [.. r.Interventions.Select(i => i.IdempotencyKey)];
        Assert.Equal(now, r.DueAt);

        StepResult failed = step.RecordDispatch(r.State, [new DispatchOutcome(keys[0], false, 1, now.AddSeconds(10)), new DispatchOutcome(keys[1], true, 0, now), new DispatchOutcome("unknown", true, 0, now)], now);
        Assert.Equal([(keys[0], 1, now.AddSeconds(10)), (keys[2], 0, now)], failed.State.Outbox.Select(p => (p.Intervention.IdempotencyKey, p.Attempts, p.NextAttemptAt)));
        Assert.Equal(now, failed.DueAt); // keys[2] still due now
        Assert.Equal(3, r.State.Outbox.Count); // the given state is unchanged

        StepResult rest = step.RecordDispatch(failed.State, [new DispatchOutcome(keys[2], true, 0, now)], now);
        Assert.Equal(now.AddSeconds(10), rest.DueAt); // the retry; apply-stuck is for a stay already left
        Assert.False(step.RecordDispatch(rest.State, [new DispatchOutcome("unknown", true, 0, now)], now).StateChanged);
    }

    [Fact]
    public void Create_RuleWithUnknownStageAndDuplicateName_ThrowsWithEveryProblem()
    {
        JourneyRule a = JourneyRule.Create("a").WhenStuck("nope").Then("x", Channel.Email).Build();
        JourneyRule b = JourneyRule.Create("a").WhenMomentOfTruth(null, "missing").Then("x", Channel.Email).Build();
        var e = Assert.Throws<JourneyValidationException>(() => JourneyStep.Create(Onboarding, [a, b]));
        // The same faults as in a journey's JSON rules, with the same codes and paths (JourneyProblemCodes).
        Assert.Equal(
            [("JK0105", "rules[0].stage"), ("JK0122", "rules[1].momentOfTruth"), ("JK0102", "rules[1].name")],
            e.Problems.Select(p => (p.Code, p.Path)).OrderBy(p => p.Path, StringComparer.Ordinal));
        Journey withRules = Onboarding.Journey with
        {
            Rules = new[]
            {
                a,
                b,
            },
        };
        Assert.Equal(
            [("JK0105", "rules[0].stage"), ("JK0122", "rules[1].momentOfTruth"), ("JK0102", "rules[1].name")],
            withRules.Validate().Select(p => (p.Code, p.Path)).OrderBy(p => p.Path, StringComparer.Ordinal));
        Assert.Throws<ArgumentException>(() => JourneyStep.Create(Onboarding, [], new OrchestrationOptions { DispatchRetryJitter = 1.5 }));
    }

    /// <summary>The batch evaluation of the sorted events: an independent reference for the instance.</summary>
    internal static JourneyInstance Reference(IEnumerable<JourneyEvent> events)
    {
        var batch = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            batch.Add(e);
        }

        return new JourneyEvaluator(Onboarding).Evaluate(batch.Build())[0];
    }
}
