using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Orchestration;

/// <summary>Moments of truth ending in an absence seen without a later event (issue 16 item 4): the evaluator as of an
/// instant, and moment-of-truth rules fired by the timer at the deadline.</summary>
public sealed class MomentAbsenceTests
{
    /// <summary>Onboarding with one moment: an upload, then no help call within 3 hours.</summary>
    private static CompiledJourney Journey { get; } = new JourneyBuilder("onboarding")
        .Touchpoint("form.start", Channel.Web)
        .Touchpoint("id.upload", Channel.Mobile)
        .Touchpoint("help.call", Channel.Voice)
        .Touchpoint("first.login", Channel.Mobile)
        .Stage("apply", s => s.Touchpoints("form.start").StandardTime(TimeSpan.FromDays(2)))
        .Stage("verify", s => s.Touchpoints("id.upload", "help.call").StandardTime(TimeSpan.FromDays(1)))
        .Stage("active", s => s.Touchpoints("first.login").Goal())
        .MomentOfTruth("left-alone", "id.upload !(help.call within 3h)", MomentOfTruthOutcome.Negative)
        .Build()
        .Compile();

    [Fact]
    public void Evaluator_AsOfTheDeadline_SeesTheMoment_AndTheLaterEventRecordsTheSameHit()
    {
        // form@0, upload@1h: the deadline is 1h + 3h = 4h. As of 4h − 1 tick nothing; as of 4h a negative hit at 4h.
        var evaluator = new JourneyEvaluator(Journey);
        JourneyEvent[] events = [Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1))];
        JourneyInstance streamed = evaluator.CreateInstance("ada");
        foreach (JourneyEvent e in events)
        {
            evaluator.Advance(streamed, e);
        }

        var expected = new MomentOfTruthHit(0, T0.AddHours(4).UtcTicks, MomentOfTruthOutcome.Negative);
        Assert.Empty(streamed.MomentsOfTruth);
        Assert.Empty(evaluator.GetMomentsOfTruth(streamed, T0.AddHours(4) - TimeSpan.FromTicks(1)));
        Assert.Equal([expected], evaluator.GetMomentsOfTruth(streamed, T0.AddHours(4)));
        Assert.Empty(streamed.MomentsOfTruth); // asking does not change the instance

        // Batch over the same events: the same answer as of the same instant.
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            builder.Add(e);
        }

        JourneyInstance batched = evaluator.Evaluate(builder.Build())[0];
        Assert.Equal([expected], evaluator.GetMomentsOfTruth(batched, T0.AddHours(4)));

        // An event at 6h proves the deadline passed: the instance records the hit at the deadline (4h), not at 6h.
        evaluator.Advance(streamed, Event("ada", "first.login", T0.AddHours(6)));
        Assert.Equal([expected], streamed.MomentsOfTruth);
        Assert.Equal([expected], evaluator.GetMomentsOfTruth(streamed, T0.AddHours(7)));

        // A help call at 2h cancels it.
        JourneyInstance called = evaluator.CreateInstance("ada");
        foreach (JourneyEvent e in (JourneyEvent[])[.. events, Event("ada", "help.call", T0.AddHours(2))])
        {
            evaluator.Advance(called, e);
        }

        Assert.Empty(evaluator.GetMomentsOfTruth(called, T0.AddDays(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.GetMomentsOfTruth(called, T0));
    }

    [Fact]
    public void MomentRule_FiresAtTheDeadlineWithoutAnEvent_Once()
    {
        JourneyRule rule = JourneyRule.Create("alone").WhenMomentOfTruth(MomentOfTruthOutcome.Negative, "left-alone").Then("call-them", Channel.Sms).Build();
        JourneyStep step = JourneyStep.Create(Journey, [rule]);
        StepResult uploaded = step.Run(step.CreateState("ada"), StepInput.NewEvents([Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1))]), T0.AddHours(1));
        DateTimeOffset due = T0.AddHours(4);
        Assert.Equal(due, uploaded.DueAt);
        Assert.Empty(uploaded.Interventions);

        Assert.Empty(step.Run(uploaded.State, StepInput.None, due - TimeSpan.FromTicks(1)).Interventions);
        StepResult fired = step.Run(uploaded.State, StepInput.None, due);
        Intervention i = Assert.Single(fired.Interventions);
        Assert.Equal(("call-them", "moment:left-alone:1", due), (i.Name, i.Occurrence, i.OccurredAt));

        // The event after the deadline records the hit with the same occurrence id: nothing fires twice.
        StepResult later = step.Run(fired.State, StepInput.NewEvents([Event("ada", "first.login", T0.AddHours(6))]), T0.AddHours(6));
        Assert.Empty(later.Interventions);
        Assert.Single(later.State.Instance.MomentsOfTruth);

        // Without the timer, the later event fires it, at the deadline, with the same id.
        StepResult eventOnly = step.Run(uploaded.State, StepInput.NewEvents([Event("ada", "first.login", T0.AddHours(6))]), T0.AddHours(6));
        Intervention j = Assert.Single(eventOnly.Interventions);
        Assert.Equal(("moment:left-alone:1", due), (j.Occurrence, j.OccurredAt));

        // A call before the deadline cancels it.
        StepResult called = step.Run(uploaded.State, StepInput.NewEvents([Event("ada", "help.call", T0.AddHours(2))]), T0.AddHours(2));
        Assert.Empty(step.Run(called.State, StepInput.None, T0.AddDays(1)).Interventions);
    }
}
