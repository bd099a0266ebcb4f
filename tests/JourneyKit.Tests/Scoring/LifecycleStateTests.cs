using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// The lifecycle state table (docs/scoring.md, <see cref="LifecycleState"/>): every boundary by hand, and properties
/// against a deliberately simple reference written from the raw events (issue 14).
/// </summary>
public sealed class LifecycleStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Inactivity = TimeSpan.FromDays(10);
    private static readonly string[] Touchpoints = ["form", "upload", "active", "no", "ad", "browse"];

    /// <summary>browse (std 30d, longer than the inactivity period) → apply (std 2d) → verify (std 1d) → done (goal); declined (failure); "ad" is out of path.</summary>
    private static readonly CompiledJourney Journey = new JourneyBuilder("j")
        .Touchpoint("browse", Channel.Web)
        .Touchpoint("form", Channel.Web)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Touchpoint("ad", Channel.Social)
        .Stage("browse", s => s.Touchpoints("browse").StandardTime(TimeSpan.FromDays(30)).Next("apply"))
        .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)).Next("apply", "done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Build()
        .Compile();

    private static readonly JourneyEvaluator Evaluator = new(Journey, new EvaluationOptions { InactivityPeriod = Inactivity });

    private static JourneyEvent E(string touchpoint, double hours, string customer = "c") => new(customer, touchpoint, T0.AddHours(hours));

    private static LifecycleState StateAt(double asOfHours, params JourneyEvent[] events)
    {
        JourneyInstance instance = Evaluator.CreateInstance("c");
        foreach (JourneyEvent e in events)
        {
            Evaluator.Advance(instance, e);
        }

        return Evaluator.GetStatus(instance, T0.AddHours(asOfHours)).State;
    }

    [Fact]
    public void NoEvent_IsNotStarted() => Assert.Equal(LifecycleState.NotStarted, StateAt(0));

    [Fact]
    public void ExactlyAtTheStandardTime_IsInProgress_OneTickLater_Stuck()
    {
        // apply entered at 0h, standard 48h: in stage exactly 48h is within it; stuck is strictly longer.
        JourneyInstance i = Evaluator.CreateInstance("c");
        Evaluator.Advance(i, E("form", 0));
        Assert.Equal(LifecycleState.InProgress, Evaluator.GetStatus(i, T0.AddHours(48)).State);
        JourneyStatus after = Evaluator.GetStatus(i, T0.AddHours(48).AddTicks(1));
        Assert.Equal((LifecycleState.Stuck, TimeSpan.FromTicks(1)), (after.State, after.OverdueBy));
    }

    [Fact]
    public void ExactlyAtTheInactivityPeriod_IsDormant_OneTickBefore_Stuck()
    {
        // Last event at 0h, inactivity 240h: at 240h − 1 tick still active (and past apply's 48h: stuck); at 240h dormant.
        JourneyInstance i = Evaluator.CreateInstance("c");
        Evaluator.Advance(i, E("form", 0));
        Assert.Equal(LifecycleState.Stuck, Evaluator.GetStatus(i, T0.AddHours(240).AddTicks(-1)).State);
        JourneyStatus dormant = Evaluator.GetStatus(i, T0.AddHours(240));
        Assert.Equal((LifecycleState.Dormant, TimeSpan.Zero, TimeSpan.FromHours(240)), (dormant.State, dormant.OverdueBy, dormant.SinceLastEvent));
    }

    [Fact]
    public void ActivityKeepsAStuckCustomerStuck_NotDormant()
    {
        // In apply since 0h; an out-of-path event at 200h keeps the customer active: at 300h, 100h idle < 240h → stuck.
        Assert.Equal(LifecycleState.Stuck, StateAt(300, E("form", 0), E("ad", 200)));
    }

    [Fact]
    public void StandardTimeLongerThanInactivity_StuckOnlyWhileStillActive()
    {
        // browse since 0h (std 720h): idle at 240h → dormant; with events every 200h it is stuck after 720h.
        Assert.Equal(LifecycleState.InProgress, StateAt(239, E("browse", 0)));
        Assert.Equal(LifecycleState.Dormant, StateAt(240, E("browse", 0)));
        Assert.Equal(LifecycleState.Stuck, StateAt(721, E("browse", 0), E("ad", 200), E("ad", 400), E("ad", 600)));
    }

    [Fact]
    public void OnlyOutOfPathEvents_InProgressThenDormant()
    {
        Assert.Equal(LifecycleState.InProgress, StateAt(1, E("ad", 0)));
        Assert.Equal(LifecycleState.Dormant, StateAt(240, E("ad", 0)));
    }

    [Fact]
    public void TerminalRun_IsNeverStuckOrDormant_AndLaterEventsDoNotReopenIt()
    {
        // Goal at 5h, then a return into apply at 60 days (issue 14: used to be a backtrack, then "stuck").
        JourneyEvent[] converted = [E("form", 0), E("upload", 1), E("active", 5), E("form", 24 * 60)];
        Assert.Equal(LifecycleState.Converted, StateAt(5, converted[..3]));
        Assert.Equal(LifecycleState.Converted, StateAt(24 * 400, converted));
        JourneyInstance i = Evaluator.CreateInstance("c");
        foreach (JourneyEvent e in converted)
        {
            Evaluator.Advance(i, e);
        }

        Assert.Equal((3, 0, 4), (i.CurrentStage, i.Backtracks, i.EventCount)); // still in 'done'; the event counted
        // Declined on day 1, more events later: failed, never stuck for 165 days.
        Assert.Equal(LifecycleState.Failed, StateAt(24 * 165, E("form", 0), E("no", 24), E("form", 48), E("upload", 49)));
    }

    [Fact]
    public void FirstTerminalStageWins()
    {
        Assert.Equal(LifecycleState.Failed, StateAt(10, E("form", 0), E("no", 1), E("active", 2)));
        Assert.Equal(LifecycleState.Converted, StateAt(10, E("form", 0), E("active", 1), E("no", 2)));
    }

    [Fact]
    public void EqualTimestamps_FollowInputOrder()
    {
        // upload and active at the same instant: input order decides, as the stable sort does for batches.
        Assert.Equal(LifecycleState.Converted, StateAt(1, E("form", 0), E("upload", 1), E("active", 1)));
        Assert.Equal(LifecycleState.Converted, StateAt(1, E("form", 0), E("active", 1), E("upload", 1)));
        Assert.Equal(LifecycleState.Failed, StateAt(1, E("form", 0), E("no", 1), E("active", 1)));
    }

    [Fact]
    public void AsOfBeforeTheLatestEvent_Throws_WithTheOneAsOfRule()
    {
        JourneyInstance i = Evaluator.CreateInstance("c");
        Evaluator.Advance(i, E("form", 10));
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.GetStatus(i, T0));
        Assert.Contains("EventBatch.Until", e.Message);
    }

    /// <summary>The reference: the state table written directly over the customer's sorted events at or before the instant.</summary>
    private static LifecycleState Reference(IReadOnlyList<(string Touchpoint, long Ticks)> events, long asOf)
    {
        int current = -1;
        long entered = 0, last = 0;
        int count = 0;
        foreach ((string touchpoint, long ticks) in events)
        {
            if (ticks > asOf)
            {
                continue;
            }

            count++;
            last = ticks;
            int stage = touchpoint switch { "browse" => 0, "form" => 1, "upload" => 2, "active" => 3, "no" => 4, _ => -1 };
            bool ended = current is 3 or 4;
            if (stage >= 0 && stage != current && !ended)
            {
                current = stage;
                entered = ticks;
            }
        }

        long[] standardHours = [720, 48, 24, 0, 0];
        return count == 0 ? LifecycleState.NotStarted
            : current == 3 ? LifecycleState.Converted
            : current == 4 ? LifecycleState.Failed
            : asOf - last >= Inactivity.Ticks ? LifecycleState.Dormant
            : current >= 0 && standardHours[current] > 0 && asOf - entered > TimeSpan.FromHours(standardHours[current]).Ticks ? LifecycleState.Stuck
            : LifecycleState.InProgress;
    }

    private static Arbitrary<(int Customer, int Touchpoint, int Time)[]> Histories() => EventHistories.Of(5, Touchpoints.Length, 400);

    private static EventBatch BatchOf((int Customer, int Touchpoint, int Time)[] history)
    {
        var b = new EventBatchBuilder();
        foreach ((int c, int t, int h) in history)
        {
            b.Add(E(Touchpoints[t], h, "c" + c));
        }

        return b.Build();
    }

    [Property(MaxTest = 300)]
    public Property BatchStreamingAndReference_AgreeOnTheOneState_AtRandomInstants() =>
        Pair.ForAll(Histories(), Small.Between(0, 700), (history, asOfHour) =>
        {
            long asOf = T0.AddHours(asOfHour).UtcTicks;
            EventBatch batch = BatchOf(history).Until(new DateTimeOffset(asOf, TimeSpan.Zero));
            IReadOnlyList<JourneyInstance> instances = Evaluator.Evaluate(batch);
            foreach (JourneyInstance instance in instances)
            {
                // Stable by time, as the batch sorts: the reference takes the customer's events in that order.
                var mine = history.Where(e => "c" + e.Customer == instance.CustomerId)
                    .Select(e => (Touchpoints[e.Touchpoint], T0.AddHours(e.Time).UtcTicks))
                    .OrderBy(e => e.Item2)
                    .ToList();
                LifecycleState expected = Reference(mine, asOf);
                JourneyInstance streamed = Evaluator.CreateInstance(instance.CustomerId);
                foreach ((string tp, long ticks) in mine.Where(e => e.Item2 <= asOf))
                {
                    Evaluator.Advance(streamed, new JourneyEvent(instance.CustomerId, tp, new DateTimeOffset(ticks, TimeSpan.Zero)));
                }

                LifecycleState batchState = Evaluator.GetStatus(instance, new DateTimeOffset(asOf, TimeSpan.Zero)).State;
                LifecycleState streamState = Evaluator.GetStatus(streamed, new DateTimeOffset(asOf, TimeSpan.Zero)).State;
                if (batchState != expected || streamState != expected)
                {
                    return false.Label($"{instance.CustomerId}: batch {batchState}, streaming {streamState}, reference {expected}");
                }
            }

            return true.ToProperty();
        });

    [Property(MaxTest = 200)]
    public Property Analysis_StatesAddUpToRuns_AndEveryFunnelStepAddsUp() =>
        Pair.ForAll(Histories(), Small.Between(0, 700), (history, asOfHour) =>
        {
            var analyzer = new JourneyAnalyzer(Journey, new AnalyticsOptions { Evaluation = new EvaluationOptions { InactivityPeriod = Inactivity } });
            JourneyAnalysis a = analyzer.Analyze(BatchOf(history), T0.AddHours(asOfHour));
            bool statesAddUp = a.States.Total == a.Customers && a.States.Converted == a.GoalReached;
            bool stepsAddUp = a.Funnel.Take(a.Funnel.Count - 1).All(f => f.Reached == f.Converted + f.InProgress + f.Stuck + f.Dormant + f.Failed + f.MovedOn);
            bool stuckListed = a.StuckNow.Count == a.States.Stuck && a.DeadEnds.Sum(d => d.Customers) == a.States.Dormant;
            bool estimatesAreProbabilities = a.Funnel.All(f => f.ConversionEstimate is null or (>= 0 and <= 1 + 1e-12));
            return (statesAddUp && stepsAddUp && stuckListed && estimatesAreProbabilities)
                .Label($"states {a.States}, customers {a.Customers}, funnel {string.Join("; ", a.Funnel)}");
        });
}
