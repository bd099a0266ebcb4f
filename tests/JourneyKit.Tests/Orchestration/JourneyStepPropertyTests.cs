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

public sealed class JourneyStepPropertyTests
{
    private static readonly string[] Touchpoints = ["form.start", "form.submit", "id.upload", "id.check", "help.call", "first.login", "unknown.tp"];

    private static readonly JourneyRule Entered = JourneyRule.Create("entered").WhenEntered(null).Then("hi", Channel.Email).SuppressWhenProgressed(false).Build();

    /// <summary>
    /// One customer's events (in time order, equal timestamps allowed) delivered in random chunks, each chunk by a random
    /// input kind — new events, the log from the resume instant, or the whole log (and the whole log when the step asks
    /// for it) — give (1) the instance a batch evaluation of all events gives and (2) exactly one "entered" decision per
    /// stage entry of the final history, numbered per stage (the reference below), whatever the delivery.
    /// </summary>
    /// <remarks>Each generated event carries the minutes since the previous one, its touchpoint, and — when a chunk
    /// starts at it — that chunk's size (1 + value) and input kind.</remarks>
    [Property(MaxTest = 200)]
    public Property Run_AnyChunkingAndInputKind_SameInstanceAsBatchAndOneDecisionPerEntry() => Prop.ForAll(
        Small.ArrayOf(
            from minutes in Gen.Choose(0, 2)
            from touchpoint in Gen.Choose(0, Touchpoints.Length - 1)
            from chunk in Gen.Choose(0, 3)
            from kind in Gen.Choose(0, 2)
            select (minutes, touchpoint, chunk, kind),
            1,
            24),
        generated =>
    {
        int n = generated.Length;
        var events = new List<JourneyEvent>();
        DateTimeOffset t = T0;
        for (int i = 0; i < n; i++)
        {
            t = t.AddMinutes(generated[i].minutes); // 0: the same instant as the previous event
            events.Add(Event("ada", Touchpoints[generated[i].touchpoint], t, $"e{i}"));
        }

        JourneyStep step = JourneyStep.Create(Onboarding, [Entered]);
        CustomerState state = step.CreateState("ada");
        var decided = new List<string>();
        DateTimeOffset now = t.AddDays(1);
        for (int i = 0; i < n;)
        {
            int chunk = Math.Min(1 + generated[i].chunk, n - i);
            List<JourneyEvent> log = events.GetRange(0, i + chunk);
            StepInput input = generated[i].kind switch
            {
                0 => StepInput.NewEvents(events.GetRange(i, chunk)),
                1 => StepInput.LogFrom([.. log.Where(e => state.ResumeFrom is { } from && e.Timestamp >= from)]),
                _ => StepInput.WholeLog(log),
            };
            StepResult r = step.Run(state, input, now);
            if (r.Status == StepStatus.WholeLogRequired)
            {
                r = step.Run(state, StepInput.WholeLog(log), now);
            }

            decided.AddRange(r.Decisions.Select(d => d.Occurrence));
            state = r.State;
            i += chunk;
        }

        JourneyInstance expected = JourneyStepTests.Reference(events);
        var counts = new Dictionary<int, int>();
        var expectedKeys = new List<string>();
        foreach (StageVisit v in expected.Visits)
        {
            counts[v.Stage] = counts.GetValueOrDefault(v.Stage) + 1;
            expectedKeys.Add($"entered:{Onboarding.Stages[v.Stage].Id}:{counts[v.Stage]}");
        }

        return expected.Serialize().AsSpan().SequenceEqual(state.Instance.Serialize()) && decided.Order(StringComparer.Ordinal).SequenceEqual(expectedKeys.Order(StringComparer.Ordinal));
    });

    /// <summary>Without jitter the delays double from the base to the cap; with jitter they stay in [d × (1 − jitter), d] and repeat for a seed.</summary>
    [Property(MaxTest = 200)]
    public bool RetryBackoff_Jitter_ShortensWithinBoundsDeterministically(int attempt, ulong seed, byte jitterPercent)
    {
        double jitter = (jitterPercent % 101) / 100.0;
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), jitter);
        int a = Math.Clamp(Math.Abs(attempt % 40), 1, 40);
        long full = Math.Min(TimeSpan.FromMinutes(5).Ticks, TimeSpan.FromSeconds(1).Ticks * (1L << Math.Min(a - 1, 30)));
        TimeSpan delay = backoff.GetDelay(a, seed);
        return delay.Ticks <= full && delay.Ticks >= (long)Math.Floor(full * (1 - jitter)) - 1 && delay == backoff.GetDelay(a, seed);
    }
}
