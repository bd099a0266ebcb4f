using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.WindowFunnel;

// Inside the namespace, so that WindowFunnel names the type rather than this test namespace.
using JourneyKit.Matching.WindowFunnel;

public sealed class WindowFunnelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Events as (touchpoint, seconds after T0) for one customer "c", in input order.</summary>
    private static int Level(string steps, TimeSpan window, WindowFunnelMode mode, params (string Touchpoint, int Seconds)[] events)
    {
        WindowFunnel funnel = WindowFunnel.Create(steps.Split(','), window, mode);
        var builder = new EventBatchBuilder();
        foreach ((string t, int s) in events)
        {
            builder.Add(new JourneyEvent("c", t, T0.AddSeconds(s)));
        }

        EventBatch batch = builder.Build();
        int batchLevel = batch.CustomerCount == 0 ? 0 : funnel.Evaluate(batch).Levels[0];

        // Streaming over the sorted events must agree.
        WindowFunnelState state = funnel.CreateState();
        for (int i = 0; i < batch.Count; i++)
        {
            funnel.Advance(state, batch.GetEvent(i));
        }

        Assert.Equal(batchLevel, funnel.GetLevel(state));
        return batchLevel;
    }

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void Default_InOrderWithinWindow_ReachesAll()
    {
        // a@0 b@10 c@20, window 1h: a chain a→b→c, all within 20 s of the start → level 3.
        Assert.Equal(3, Level("a,b,c", Hour, WindowFunnelMode.None, ("a", 0), ("x", 5), ("b", 10), ("c", 20)));
    }

    [Fact]
    public void Default_WindowIsInclusive()
    {
        // b at exactly start + 3600 s counts (t <= first + window); c at 3601 does not.
        Assert.Equal(2, Level("a,b,c", Hour, WindowFunnelMode.None, ("a", 0), ("b", 3600), ("c", 3601)));
    }

    [Fact]
    public void Default_LaterStartRescuesChain()
    {
        // a@0, a@5000, b@5100: the first chain is out of window for b (5100 > 3600) but the restart at 5000 is not → 2.
        Assert.Equal(2, Level("a,b", Hour, WindowFunnelMode.None, ("a", 0), ("a", 5000), ("b", 5100)));
    }

    [Fact]
    public void Default_EqualTimestamps_LowerStepFirstWhateverInputOrder()
    {
        // b and a share t=0, b given first; entries sort to (0,a),(0,b) → a then b → level 2.
        Assert.Equal(2, Level("a,b", Hour, WindowFunnelMode.None, ("b", 0), ("a", 0)));
    }

    [Fact]
    public void Default_OutOfOrderInput_SameAsSorted()
    {
        Assert.Equal(3, Level("a,b,c", Hour, WindowFunnelMode.None, ("c", 20), ("a", 0), ("b", 10)));
    }

    [Fact]
    public void Default_OneEventSatisfyingSeveralSteps_AdvancesSeveralLevels()
    {
        // Steps a,a: one event at t=0 gives entries (0,1),(0,2): step 1 then step 2 from the same event → 2.
        Assert.Equal(2, Level("a,a", Hour, WindowFunnelMode.None, ("a", 0)));
    }

    [Fact]
    public void StrictIncrease_ForbidsEqualTimestampSteps()
    {
        // Same as above but strict_increase needs last(step1)=0 < 0: false → 1.
        Assert.Equal(1, Level("a,a", Hour, WindowFunnelMode.StrictIncrease, ("a", 0)));
        // a@0 b@0 c@1: b at the same time as a is refused; c needs b → 1.
        Assert.Equal(1, Level("a,b,c", Hour, WindowFunnelMode.StrictIncrease, ("a", 0), ("b", 0), ("c", 1)));
    }

    [Fact]
    public void StrictOrder_OtherEventStopsSearch()
    {
        // a@0 b@1 x@2 c@3: x matches no step after step 1 was seen → stop; level 2.
        Assert.Equal(2, Level("a,b,c", Hour, WindowFunnelMode.StrictOrder, ("a", 0), ("b", 1), ("x", 2), ("c", 3)));
        // Without strict_order the x is ignored → 3.
        Assert.Equal(3, Level("a,b,c", Hour, WindowFunnelMode.None, ("a", 0), ("b", 1), ("x", 2), ("c", 3)));
    }

    [Fact]
    public void StrictOrder_OtherEventBeforeFirstStep_IsSkipped()
    {
        // x@0 before any step-1 event: continue; a@1 b@2 → 2.
        Assert.Equal(2, Level("a,b", Hour, WindowFunnelMode.StrictOrder, ("x", 0), ("a", 1), ("b", 2)));
    }

    [Fact]
    public void StrictOrder_UnmatchedAtSameTimestamp_SortsBeforeSteps()
    {
        // a@0, then x and b both at t=5 with x given last: entries (5,0) sort before (5,2); x stops before b → 1.
        Assert.Equal(1, Level("a,b", Hour, WindowFunnelMode.StrictOrder, ("a", 0), ("b", 5), ("x", 5)));
    }

    [Fact]
    public void StrictOrder_SkippedStep_StopsAtMissingLevel()
    {
        // a@0 c@1 b@2: c's previous step b is missing → stop, answer the first missing level = 1.
        Assert.Equal(1, Level("a,b,c", Hour, WindowFunnelMode.StrictOrder, ("a", 0), ("c", 1), ("b", 2)));
    }

    [Fact]
    public void AllowReentry_SkipsEventWhosePreviousStepIsMissing()
    {
        // Same events with allow_reentry: c@1 is skipped, b@2 → 2.
        Assert.Equal(2, Level("a,b,c", Hour, WindowFunnelMode.StrictOrder | WindowFunnelMode.AllowReentry, ("a", 0), ("c", 1), ("b", 2)));
    }

    [Fact]
    public void AllowReentry_WithoutStrictOrder_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => WindowFunnel.Create(["a", "b"], Hour, WindowFunnelMode.AllowReentry));
        Assert.Contains("strict_order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictDeduplication_RepeatAnswersHighestLevelReached()
    {
        // a@0 b@1 b@2 c@3: the second b repeats reached step 2 → stop and answer the highest level, 2.
        // (Old ClickHouse answered the previous entry's step; the current source answers the level reached.)
        Assert.Equal(2, Level("a,b,c", Hour, WindowFunnelMode.StrictDeduplication, ("a", 0), ("b", 1), ("b", 2), ("c", 3)));
        // A repeated step 1 is not a duplicate: it restarts the chain.
        Assert.Equal(3, Level("a,b,c", Hour, WindowFunnelMode.StrictDeduplication, ("a", 0), ("a", 1), ("b", 2), ("c", 3)));
    }

    [Fact]
    public void StrictDeduplication_RepeatOfLowerStepAfterHigher_Stops()
    {
        // a@0 b@1 c@2 b@3 d@4: b repeats (level 3 reached) → answer 3, d is never seen.
        Assert.Equal(3, Level("a,b,c,d", Hour, WindowFunnelMode.StrictDeduplication, ("a", 0), ("b", 1), ("c", 2), ("b", 3), ("d", 4)));
    }

    [Fact]
    public void ZeroWindow_OnlySameInstantSteps()
    {
        // window 0: b at the same instant counts (0 <= 0 + 0), c one second later does not → 2.
        Assert.Equal(2, Level("a,b,c", TimeSpan.Zero, WindowFunnelMode.None, ("a", 0), ("b", 0), ("c", 1)));
    }

    [Fact]
    public void NoStepOne_LevelZero()
    {
        Assert.Equal(0, Level("a,b", Hour, WindowFunnelMode.None, ("b", 0), ("x", 1)));
        Assert.Equal(0, Level("a,b", Hour, WindowFunnelMode.StrictOrder));
    }

    [Fact]
    public void Create_TooManySteps_Throws() =>
        Assert.Throws<ArgumentException>(() => WindowFunnel.Create(Enumerable.Range(0, 33).Select(i => "s" + i).ToArray(), Hour));

    [Fact]
    public void Result_ReachedAndConversionTimes()
    {
        // c1: a@0 b@60 → level 2, conversion to b = 60 s. c2: a@0 → 1. c3: x → 0.
        WindowFunnel funnel = WindowFunnel.Create(["a", "b"], Hour);
        var builder = new EventBatchBuilder();
        builder.Add(new JourneyEvent("c1", "a", T0));
        builder.Add(new JourneyEvent("c1", "b", T0.AddSeconds(60)));
        builder.Add(new JourneyEvent("c2", "a", T0));
        builder.Add(new JourneyEvent("c3", "x", T0));
        WindowFunnelResult result = funnel.Evaluate(builder.Build());

        Assert.Equal(new byte[] { 2, 1, 0 }, result.Levels.ToArray());
        Assert.Equal([2, 1], result.Reached);
        Assert.Equal(TimeSpan.FromSeconds(60), result.ConversionTime(0, 2));
        Assert.Equal(TimeSpan.Zero, result.ConversionTime(0, 1));
        Assert.Null(result.ConversionTime(1, 2));
        Assert.Equal("c1", result.CustomerId(0));
    }

    [Fact]
    public void State_SerializeMidStream_ResumesToSameLevel()
    {
        WindowFunnel funnel = WindowFunnel.Create(["a", "b", "c"], Hour, WindowFunnelMode.StrictIncrease);
        WindowFunnelState state = funnel.CreateState();
        funnel.Advance(state, new JourneyEvent("c", "a", T0));
        funnel.Advance(state, new JourneyEvent("c", "b", T0.AddSeconds(5)));
        var bytes = new byte[state.SerializedSize];
        state.WriteTo(bytes);
        WindowFunnelState resumed = WindowFunnelState.ReadFrom(bytes);
        funnel.Advance(resumed, new JourneyEvent("c", "c", T0.AddSeconds(9)));
        Assert.Equal(3, funnel.GetLevel(resumed));
        Assert.Throws<FormatException>(() => WindowFunnelState.ReadFrom(new byte[3]));
        Assert.Throws<ArgumentException>(() => funnel.Advance(resumed, new JourneyEvent("c", "a", T0)));
    }

    [Fact]
    public void SingleCustomer_MillionEvents_MatchesReference()
    {
        // One customer, 1,000,000 events over 5 touchpoints with frequent ties; engine and reference agree.
        var random = new Random(7);
        string[] tps = ["a", "b", "c", "d", "e"];
        var events = new List<JourneyEvent>(1_000_000);
        var builder = new EventBatchBuilder();
        long t = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            t += random.Next(3);
            var e = new JourneyEvent("solo", tps[random.Next(5)], T0.AddSeconds(t));
            events.Add(e);
            builder.Add(e);
        }

        EventCondition[] steps = [EventCondition.Touchpoint("a"), EventCondition.Touchpoint("b"), EventCondition.Touchpoint("c"), EventCondition.Touchpoint("d")];
        foreach (WindowFunnelMode mode in new[] { WindowFunnelMode.None, WindowFunnelMode.StrictOrder, WindowFunnelMode.StrictIncrease })
        {
            WindowFunnel funnel = WindowFunnel.Create(steps, new WindowFunnelOptions { Window = TimeSpan.FromSeconds(2), Mode = mode });
            EventBatch batch = builder.Count > 0 ? builder.Build() : throw new InvalidOperationException();
            Assert.Equal(WindowFunnelReference.Level(events, steps, TimeSpan.FromSeconds(2).Ticks, mode), funnel.Evaluate(batch).Levels[0]);
            builder = new EventBatchBuilder();
            foreach (JourneyEvent e in events)
            {
                builder.Add(e);
            }
        }
    }

    /// <summary>
    /// On generated funnels (1–4 steps, sets, predicates, every mode, windows from 0) and histories (ties, duplicated event
    /// ids, out-of-order input, touchpoints no step names), the engine — batch, parallel (threshold lowered so these small
    /// batches take the chunked path) and streaming — agrees with the literal reference. Failures shrink.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Engine_AgreesWithReference() =>
        Pair.ForAll(FunnelDefinitions.Of(), Histories.Of(customers: 4, maxEvents: 40), (definition, history) =>
        {
            EventCondition[] steps = definition.Conditions();
            WindowFunnel funnel = definition.Create();
            EventBatch batch = history.Batch();

            // The reference sees the de-duplicated events in generation order (its stable sort by time gives the ties).
            Dictionary<string, int> expected = WindowFunnelReference.Levels(history.Distinct(), steps, definition.Window, definition.Mode);
            WindowFunnelResult result = funnel.Evaluate(batch);
            WindowFunnelResult parallel = ParallelPath.Run(() => funnel.Evaluate(batch, ParallelPath.Degree));

            for (int run = 0; run < batch.CustomerCount; run++)
            {
                string id = result.CustomerId(run);
                WindowFunnelState state = funnel.CreateState();
                foreach (JourneyEvent e in History.EventsOf(batch, run))
                {
                    funnel.Advance(state, e);
                }

                if (result.Levels[run] != expected[id] || parallel.Levels[run] != expected[id] || funnel.GetLevel(state) != expected[id])
                {
                    return false;
                }
            }

            return batch.CustomerCount == expected.Count;
        });
}
