using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Orchestration;

/// <summary>The step on journeys with re-entry: the current run is stored, finished runs are kept (bounded), ids differ per run.</summary>
public sealed class JourneyStepReentryTests
{
    private static CompiledJourney Reentrant(ReentryPolicy policy, TimeSpan gap = default) => new JourneyBuilder("loan")
        .Touchpoint("form.start", Channel.Web)
        .Touchpoint("id.upload", Channel.Mobile)
        .Touchpoint("first.login", Channel.Mobile)
        .Stage("apply", s => s.Touchpoints("form.start").StandardTime(TimeSpan.FromDays(2)))
        .Stage("verify", s => s.Touchpoints("id.upload").StandardTime(TimeSpan.FromDays(1)))
        .Stage("active", s => s.Touchpoints("first.login").Goal())
        .Reentry(policy, gap)
        .Build()
        .Compile();

    private static readonly JourneyRule EnteredApply = JourneyRule.Create("hello").WhenEntered("apply").Then("hello", Channel.Email).SuppressWhenProgressed(false).Build();

    private static readonly JourneyRule Welcome = JourneyRule.Create("welcome").WhenEntered("active").Then("welcome", Channel.Email).Build();

    [Fact]
    public void Run_ReturnAfterTheGoal_StartsRunTwoWithItsOwnOccurrenceIds()
    {
        CompiledJourney journey = Reentrant(ReentryPolicy.AfterEnd);
        JourneyStep step = JourneyStep.Create(journey, [EnteredApply, Welcome]);

        // run 1: apply at 0 h, verify at 1 h, active (goal) at 2 h; back at 60 days: the first stage's touchpoint after
        // the run ended starts run 2
        JourneyEvent[] log =
        [
            Event("ada", "form.start", T0), Event("ada", "id.upload", T0.AddHours(1)), Event("ada", "first.login", T0.AddHours(2)),
            Event("ada", "form.start", T0.AddDays(60)),
        ];
        StepResult first = step.Run(step.CreateState("ada"), StepInput.NewEvents(log[..3]), T0.AddHours(3));
        Assert.Equal(["entered:apply:1", "entered:active:1"], first.Interventions.Select(i => i.Occurrence));
        StepResult back = step.Run(first.State, StepInput.NewEvents(log[3..]), T0.AddDays(60));
        Intervention again = Assert.Single(back.Interventions);
        Assert.Equal("entered:apply:1#2", again.Occurrence);
        Assert.NotEqual(first.Interventions[0].IdempotencyKey, again.IdempotencyKey);

        Assert.Equal(2, back.State.Instance.RunNumber);
        Assert.Equal(1, back.State.Instance.EventCount);
        JourneyInstance finished = Assert.Single(back.State.FinishedRuns);
        Assert.Equal((1, true, 3), (finished.RunNumber, finished.GoalReached, finished.EventCount));
        Assert.Equal(T0.AddDays(60), back.State.ResumeFrom);

        // the same log in one whole-log step gives the same runs (and the finished run's goal entry is not suppressed:
        // the run ended in that stay)
        StepResult once = step.Run(step.CreateState("ada"), StepInput.WholeLog(log), T0.AddDays(60));
        Assert.Equal(["entered:apply:1", "entered:active:1", "entered:apply:1#2"], once.Interventions.Select(i => i.Occurrence));
        Assert.Equal(back.State.Instance.Serialize(), once.State.Instance.Serialize());
        Assert.Equal(finished.Serialize(), Assert.Single(once.State.FinishedRuns).Serialize());
    }

    [Fact]
    public void Run_ManyRuns_KeepsTheLatestFinishedOnesUpToTheCapacity()
    {
        CompiledJourney journey = Reentrant(ReentryPolicy.Always, TimeSpan.FromHours(1));
        JourneyStep step = JourneyStep.Create(journey, [EnteredApply], new OrchestrationOptions { FinishedRunCapacity = 2 });

        // a form.start every 2 hours, always at least the 1 h gap after the run's first event: 5 runs
        JourneyEvent[] log = [.. Enumerable.Range(0, 5).Select(i => Event("ada", "form.start", T0.AddHours(2 * i)))];
        StepResult r = step.Run(step.CreateState("ada"), StepInput.WholeLog(log), T0.AddDays(1));
        Assert.Equal(5, r.State.Instance.RunNumber);
        Assert.Equal([3, 4], r.State.FinishedRuns.Select(x => x.RunNumber));

        // every run's entry fired once, with its own id, although only two finished runs are kept
        Assert.Equal(["entered:apply:1", "entered:apply:1#2", "entered:apply:1#3", "entered:apply:1#4", "entered:apply:1#5"], r.Interventions.Select(i => i.Occurrence));

        // a late event re-evaluates every run from the log; nothing fires twice
        JourneyEvent late = Event("ada", "id.upload", T0.AddHours(1));
        StepResult rebuilt = step.Run(r.State, StepInput.WholeLog([log[0], late, .. log[1..]]), T0.AddDays(1));
        Assert.Equal(StepChanges.EventsApplied | StepChanges.Reevaluated, rebuilt.Changes & (StepChanges.EventsApplied | StepChanges.Reevaluated));
        Assert.Empty(rebuilt.Interventions);
        Assert.Equal([3, 4], rebuilt.State.FinishedRuns.Select(x => x.RunNumber));
    }

    /// <summary>For random histories of a re-entrant journey delivered in random chunks, the runs equal the batch evaluation's.</summary>
    /// <remarks>Knobs: the policy (0 after end, 1 always) and the re-entry gap in hours; each generated event carries the
    /// hours since the previous one (3: thirty days), its touchpoint and, when a chunk starts at it, the chunk's size
    /// (1 + value).</remarks>
    [Property(MaxTest = 100)]
    public Property Run_ReentrantHistoryInChunks_SameRunsAsBatch() => Pair.ForAll(
        Small.Each((0, 1), (1, 4)),
        Small.ArrayOf(
            from hours in Gen.Frequency((3, Gen.Choose(0, 2)), (1, Gen.Constant(3)))
            from touchpoint in Gen.Choose(0, 3)
            from chunk in Gen.Choose(0, 4)
            select (hours, touchpoint, chunk),
            1,
            29),
        (knobs, generated) =>
    {
        CompiledJourney journey = Reentrant(knobs[0] == 0 ? ReentryPolicy.AfterEnd : ReentryPolicy.Always, TimeSpan.FromHours(knobs[1]));
        string[] touchpoints = ["form.start", "id.upload", "first.login", "other"];
        var events = new List<JourneyEvent>();
        DateTimeOffset t = T0;
        for (int i = 0; i < generated.Length; i++)
        {
            t = t.AddHours(generated[i].hours == 3 ? 30 * 24 : generated[i].hours);
            events.Add(Event("ada", touchpoints[generated[i].touchpoint], t, $"e{i}"));
        }

        JourneyStep step = JourneyStep.Create(journey, [], new OrchestrationOptions { FinishedRunCapacity = 100 });
        CustomerState state = step.CreateState("ada");
        for (int i = 0; i < events.Count;)
        {
            int chunk = Math.Min(1 + generated[i].chunk, events.Count - i);
            state = step.Run(state, StepInput.NewEvents(events.GetRange(i, chunk)), t).State;
            i += chunk;
        }

        var batch = new EventBatchBuilder();
        events.ForEach(e => batch.Add(e));
        IReadOnlyList<JourneyInstance> expected = new JourneyEvaluator(journey).Evaluate(batch.Build());
        JourneyInstance[] actual = [.. state.FinishedRuns, state.Instance];
        return expected.Count == actual.Length && expected.Zip(actual).All(p => p.First.Serialize().AsSpan().SequenceEqual(p.Second.Serialize()));
    });
}
