using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching.WindowFunnel;

// Inside the namespace, so that WindowFunnel names the type rather than this test namespace.
using JourneyKit.Matching.WindowFunnel;

/// <summary>Step constraints in window funnels (issue 16 item 1).</summary>
public sealed class WindowFunnelStepConstraintTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>Level of customer "c" (events as (touchpoint, hours after T0)); batch, streaming and the reference must agree.</summary>
    private static int Level(string steps, TimeSpan window, WindowFunnelMode mode, FunnelStepConstraint[] constraints, params (string Touchpoint, double Hours)[] events)
    {
        WindowFunnel funnel = WindowFunnel.Create(
            steps.Split(',').Select(EventCondition.Touchpoint).ToArray(),
            new WindowFunnelOptions { Window = window, Mode = mode, StepConstraints = constraints });
        var list = events.Select(e => new JourneyEvent("c", e.Touchpoint, T0.AddHours(e.Hours))).ToList();
        var builder = new EventBatchBuilder();
        list.ForEach(e => builder.Add(e));
        EventBatch batch = builder.Build();
        int level = batch.CustomerCount == 0 ? 0 : funnel.Evaluate(batch).Levels[0];

        WindowFunnelState state = funnel.CreateState();
        for (int i = 0; i < batch.Count; i++)
        {
            funnel.Advance(state, batch.GetEvent(i));
        }

        Assert.Equal(level, funnel.GetLevel(state));
        (long[] min, long[] max) = Bounds(funnel);
        Assert.Equal(ChainReference.Customer(list, funnel.Steps, window.Ticks, mode, min, max).Level, level);
        return level;
    }

    private static (long[] Min, long[] Max) Bounds(WindowFunnel funnel)
    {
        var min = new long[funnel.StepCount];
        var max = Enumerable.Repeat(long.MaxValue, funnel.StepCount).ToArray();
        foreach (FunnelStepConstraint c in funnel.StepConstraints)
        {
            min[c.ToStep - 1] = Math.Max(min[c.ToStep - 1], c.MinTime.Ticks);
            max[c.ToStep - 1] = Math.Min(max[c.ToStep - 1], c.MaxTime.Ticks);
        }

        return (min, max);
    }

    [Fact]
    public void IssueExample_StepOneToTwoWithinADay_TwoToThreeAtLeastAWeek()
    {
        // The issue's pattern `s1 .* ~(..1d) s2 .* ~(7d..) s3 within 30d`, as a funnel with step constraints:
        FunnelStepConstraint[] c = [FunnelStepConstraint.Within(2, Day), FunnelStepConstraint.After(3, TimeSpan.FromDays(7))];
        var window = TimeSpan.FromDays(30);

        // s1@0 x@10h s2@30h s3@12d: s1→s2 took 30 h > 1 d, so only step 1 counts (the adjacent-gap pattern said 3).
        Assert.Equal(1, Level("s1,s2,s3", window, WindowFunnelMode.None, c, ("s1", 0), ("x", 10), ("s2", 30), ("s3", 12 * 24)));

        // s1@0 s2@2h x@3d s3@(2h + 9.2d): s2→s3 = 9.2 d ≥ 7 d, all within 30 d → 3 (the pattern missed it).
        Assert.Equal(3, Level("s1,s2,s3", window, WindowFunnelMode.None, c, ("s1", 0), ("s2", 2), ("x", 72), ("s3", 2 + (9.2 * 24))));
    }

    [Fact]
    public void MinGap_AnOlderStepFitsWhenTheLatestDoesNot()
    {
        // a@0 a@5d b@8d, b at least 7 d after a: ClickHouse keeps only the latest a (gap 3 d); the chain a@0 → b@8d fits → 2.
        FunnelStepConstraint[] c = [FunnelStepConstraint.After(2, TimeSpan.FromDays(7))];
        Assert.Equal(2, Level("a,b", TimeSpan.FromDays(30), WindowFunnelMode.None, c, ("a", 0), ("a", 5 * 24), ("b", 8 * 24)));

        // Without the older a the gap is 3 d < 7 d → 1.
        Assert.Equal(1, Level("a,b", TimeSpan.FromDays(30), WindowFunnelMode.None, c, ("a", 5 * 24), ("b", 8 * 24)));
    }

    [Fact]
    public void MaxGap_ALaterMiddleStepFitsWhenTheFirstDoesNot()
    {
        // a@0 b@1h b@10h c@10.5h, c within 1 h of b: the chain a → b@10h → c (30 min) fits → 3, even though b@1h came first.
        FunnelStepConstraint[] c = [FunnelStepConstraint.Within(3, Hour)];
        Assert.Equal(3, Level("a,b,c", Day, WindowFunnelMode.None, c, ("a", 0), ("b", 1), ("b", 10), ("c", 10.5)));

        // c@12h is 2 h after the last b → 2.
        Assert.Equal(2, Level("a,b,c", Day, WindowFunnelMode.None, c, ("a", 0), ("b", 1), ("b", 10), ("c", 12)));
    }

    [Fact]
    public void Bounds_AreInclusive()
    {
        // b exactly 2 h after a with [2h, 3h] counts; 1h59m or 3h01m does not.
        FunnelStepConstraint[] c = [new FunnelStepConstraint(2, 2 * Hour, 3 * Hour)];
        Assert.Equal(2, Level("a,b", Day, WindowFunnelMode.None, c, ("a", 0), ("b", 2)));
        Assert.Equal(2, Level("a,b", Day, WindowFunnelMode.None, c, ("a", 0), ("b", 3)));
        Assert.Equal(1, Level("a,b", Day, WindowFunnelMode.None, c, ("a", 0), ("b", 2 - (1.0 / 60))));
        Assert.Equal(1, Level("a,b", Day, WindowFunnelMode.None, c, ("a", 0), ("b", 3 + (1.0 / 60))));
    }

    [Fact]
    public void Window_StillBoundsTheWholeChain()
    {
        // Each step is within its 10 h bound, but c is 20 h after a and the window is 12 h → 2.
        FunnelStepConstraint[] c = [FunnelStepConstraint.Within(2, 10 * Hour), FunnelStepConstraint.Within(3, 10 * Hour)];
        Assert.Equal(2, Level("a,b,c", 12 * Hour, WindowFunnelMode.None, c, ("a", 0), ("b", 10), ("c", 20)));
        // A later start a@9h fits: b@10h (1 h), c@20h (10 h), 11 h ≤ 12 h → 3.
        Assert.Equal(3, Level("a,b,c", 12 * Hour, WindowFunnelMode.None, c, ("a", 0), ("a", 9), ("b", 10), ("c", 20)));
    }

    [Fact]
    public void RepeatedStepName_OneEventCanServeTwoSteps_UnlessAMinimumOrStrictIncrease()
    {
        // Steps a,a: one a event is steps 1 and 2 at once (gap 0 within [0, 1h]) → 2; a minimum of 1 s forbids it → 1.
        Assert.Equal(2, Level("a,a", Day, WindowFunnelMode.None, [FunnelStepConstraint.Within(2, Hour)], ("a", 0)));
        Assert.Equal(1, Level("a,a", Day, WindowFunnelMode.None, [FunnelStepConstraint.After(2, TimeSpan.FromSeconds(1))], ("a", 0)));
        Assert.Equal(1, Level("a,a", Day, WindowFunnelMode.StrictIncrease, [FunnelStepConstraint.Within(2, Hour)], ("a", 0)));
        // Two a events 2 h apart, "came back at least an hour later" → 2.
        Assert.Equal(2, Level("a,a", Day, WindowFunnelMode.None, [FunnelStepConstraint.After(2, Hour)], ("a", 0), ("a", 2)));
    }

    [Fact]
    public void StrictIncrease_WithAConstraint_FindsTheLongestStrictlyIncreasingChain()
    {
        // Steps a,a with a@0 a@1s. ClickHouse: (0,1) start; (0,2) needs last 0 < 0, no; (1,1) restarts at 1; (1,2) needs
        // 1 < 1, no → 1. With a constraint every chain is searched: a@0 → a@1s is strictly increasing → 2.
        Assert.Equal(1, WindowFunnelReference.Level(
            [new JourneyEvent("c", "a", T0), new JourneyEvent("c", "a", T0.AddSeconds(1))],
            [EventCondition.Touchpoint("a"), EventCondition.Touchpoint("a")], Day.Ticks, WindowFunnelMode.StrictIncrease));
        Assert.Equal(2, Level("a,a", Day, WindowFunnelMode.StrictIncrease, [FunnelStepConstraint.Within(2, Hour)], ("a", 0), ("a", 1.0 / 3600)));
    }

    [Fact]
    public void StrictDeduplication_RepeatStillStops()
    {
        // a@0 b@1h b@2h c@3h with c within 5 h of b: the repeated b stops the search at level 2, as without constraints.
        Assert.Equal(2, Level("a,b,c", Day, WindowFunnelMode.StrictDeduplication, [FunnelStepConstraint.Within(3, 5 * Hour)], ("a", 0), ("b", 1), ("b", 2), ("c", 3)));
    }

    [Fact]
    public void StrictOrder_OtherEventStillStops_AndAChainThatDoesNotFitDoesNotCount()
    {
        FunnelStepConstraint[] c = [FunnelStepConstraint.After(2, 2 * Hour)];
        // a@0 x@1h b@3h: x stops the search after step 1 → 1.
        Assert.Equal(1, Level("a,b", Day, WindowFunnelMode.StrictOrder, c, ("a", 0), ("x", 1), ("b", 3)));
        // a@0 b@1h: b comes too early (1 h < 2 h): level 1; nothing stops the search, b@3h... is a repeat of nothing reached → 2.
        Assert.Equal(2, Level("a,b", Day, WindowFunnelMode.StrictOrder, c, ("a", 0), ("b", 1), ("b", 3)));
    }

    [Fact]
    public void ConversionTime_IsThatOfTheLatestChainReachingTheStep()
    {
        // a@0 a@1h b@7.5h b@9h with b at least 7 h after a: b@7.5h fits only a@0 (6.5 h after a@1h is too soon), which
        // reaches the last step, so the search stops there: conversion 7.5 h (ClickHouse's one chain, from a@1h, has none).
        WindowFunnel funnel = WindowFunnel.Create([EventCondition.Touchpoint("a"), EventCondition.Touchpoint("b")], new WindowFunnelOptions
        {
            Window = Day,
            StepConstraints = [FunnelStepConstraint.After(2, 7 * Hour)],
        });
        var builder = new EventBatchBuilder();
        foreach ((string t, double h) in new[] { ("a", 0), ("a", 1), ("b", 7.5), ("b", 9) })
        {
            builder.Add(new JourneyEvent("c", t, T0.AddHours(h)));
        }

        WindowFunnelResult result = funnel.Evaluate(builder.Build());
        Assert.Equal(2, result.Levels[0]);
        Assert.Equal(7.5 * Hour, result.ConversionTime(0, 2));
    }

    [Fact]
    public void Create_InvalidConstraints_Throw()
    {
        EventCondition[] steps = [EventCondition.Touchpoint("a"), EventCondition.Touchpoint("b")];
        WindowFunnel Make(params FunnelStepConstraint[] c) => WindowFunnel.Create(steps, new WindowFunnelOptions { Window = Day, StepConstraints = c });
        Assert.Contains("2 to 2", Assert.Throws<ArgumentException>(() => Make(FunnelStepConstraint.Within(1, Hour))).Message, StringComparison.Ordinal);
        Assert.Contains("2 to 2", Assert.Throws<ArgumentException>(() => Make(FunnelStepConstraint.Within(3, Hour))).Message, StringComparison.Ordinal);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Make(FunnelStepConstraint.After(2, -Hour))).Message, StringComparison.Ordinal);
        // At least 2 h and at most 1 h: cannot both hold.
        Assert.Contains("cannot all hold", Assert.Throws<ArgumentException>(() => Make(FunnelStepConstraint.After(2, 2 * Hour), FunnelStepConstraint.Within(2, Hour))).Message, StringComparison.Ordinal);
        // A constraint that restricts nothing keeps the ClickHouse algorithm.
        Assert.False(Make(new FunnelStepConstraint(2, TimeSpan.Zero, Duration.Unbounded)).HasStepConstraints);
        Assert.True(Make(FunnelStepConstraint.Within(2, Hour)).HasStepConstraints);
    }

    [Fact]
    public void State_Version2_RoundTrips_AndIsCheckedAgainstTheFunnel()
    {
        FunnelStepConstraint[] c = [FunnelStepConstraint.After(2, 7 * Hour)];
        WindowFunnel funnel = WindowFunnel.Create([EventCondition.Touchpoint("a"), EventCondition.Touchpoint("b")], new WindowFunnelOptions { Window = Day, StepConstraints = c });
        WindowFunnelState state = funnel.CreateState();
        funnel.Advance(state, new JourneyEvent("c", "a", T0));
        funnel.Advance(state, new JourneyEvent("c", "a", T0.AddHours(5)));
        var bytes = new byte[state.SerializedSize];
        Assert.Equal(bytes.Length, state.WriteTo(bytes));
        Assert.Equal(2, bytes[0]); // format version 2: with step constraints
        WindowFunnelState resumed = WindowFunnelState.ReadFrom(bytes);
        funnel.Advance(resumed, new JourneyEvent("c", "b", T0.AddHours(8))); // 8 h after a@0 → 2
        Assert.Equal(2, funnel.GetLevel(resumed));

        // A state of the same funnel without constraints is version 1 and is refused by the constrained funnel.
        WindowFunnel plain = WindowFunnel.Create(["a", "b"], Day);
        WindowFunnelState old = plain.CreateState();
        var oldBytes = new byte[old.SerializedSize];
        old.WriteTo(oldBytes);
        Assert.Equal(1, oldBytes[0]);
        Assert.Throws<ArgumentException>(() => funnel.GetLevel(WindowFunnelState.ReadFrom(oldBytes)));
        Assert.Throws<FormatException>(() => WindowFunnelState.ReadFrom(bytes.AsSpan(0, bytes.Length - 1)));
    }

    // ---- Properties against the brute-force reference -------------------------------------------------------------

    /// <summary>A random funnel and customers, built from small numbers so that FsCheck shrinks it to a readable case.</summary>
    public sealed record FunnelCase(string[] Steps, int ModeIndex, int WindowSeconds, int[] MinSeconds, int[] MaxSeconds, CaseEvent[] Events)
    {
        public WindowFunnelMode Mode => Modes[ModeIndex];

        public override string ToString() =>
            $"steps {string.Join(",", Steps)} mode {Mode} window {WindowSeconds}s min [{string.Join(",", MinSeconds)}] max [{string.Join(",", MaxSeconds)}] events {string.Join(" ", Events.Select(e => e.ToString()))}";
    }

    /// <summary>One event: customer, touchpoint, seconds after the customer's previous event, and whether it is sent twice.</summary>
    public readonly record struct CaseEvent(int Customer, string Touchpoint, int Delta, bool Duplicate)
    {
        public override string ToString() => $"c{Customer}:{Touchpoint}+{Delta}{(Duplicate ? "(dup)" : string.Empty)}";
    }

    internal static readonly WindowFunnelMode[] Modes =
    [
        WindowFunnelMode.None,
        WindowFunnelMode.StrictOrder,
        WindowFunnelMode.StrictDeduplication,
        WindowFunnelMode.StrictIncrease,
        WindowFunnelMode.StrictOrder | WindowFunnelMode.AllowReentry,
        WindowFunnelMode.StrictOrder | WindowFunnelMode.StrictDeduplication,
        WindowFunnelMode.StrictOrder | WindowFunnelMode.StrictIncrease | WindowFunnelMode.AllowReentry,
        WindowFunnelMode.StrictDeduplication | WindowFunnelMode.StrictIncrease,
    ];

    private static readonly string[] Touchpoints = ["a", "b", "c", "x"];

    /// <summary>Generators and shrinkers for <see cref="FunnelCase"/>; -1 in the bounds means "none".</summary>
    public static class Arbitraries
    {
        public static Arbitrary<FunnelCase> Case() => Arb.From(Generate(), Shrink);

        private static Gen<FunnelCase> Generate() =>
            from stepCount in Gen.Choose(2, 4)
            from steps in Gen.Elements("a", "b", "c").ArrayOf(stepCount)
            from mode in Gen.Choose(0, Modes.Length - 1)
            from window in Gen.Frequency((1, Gen.Constant(0)), (5, Gen.Choose(1, 12)), (1, Gen.Constant(int.MaxValue)))
            from min in Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(0, 4))).ArrayOf(stepCount)
            from max in Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(0, 6))).ArrayOf(stepCount)
            from count in Gen.Choose(0, 14)
            from events in (
                from customer in Gen.Choose(0, 2)
                from touchpoint in Gen.Elements(Touchpoints)
                from delta in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Choose(1, 3)))
                from duplicate in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
                select new CaseEvent(customer, touchpoint, delta, duplicate)).ArrayOf(count)
            select Fix(new FunnelCase(steps, mode, window, min, max, events));

        /// <summary>Makes min ≤ max on every step (a random pair may not be).</summary>
        private static FunnelCase Fix(FunnelCase c)
        {
            int[] max = [.. c.MaxSeconds];
            for (int k = 0; k < max.Length; k++)
            {
                if (max[k] >= 0 && c.MinSeconds[k] > max[k])
                {
                    max[k] = c.MinSeconds[k];
                }
            }

            return c with { MaxSeconds = max };
        }

        private static IEnumerable<FunnelCase> Shrink(FunnelCase c)
        {
            for (int i = 0; i < c.Events.Length; i++)
            {
                yield return c with { Events = [.. c.Events[..i], .. c.Events[(i + 1)..]] };
            }

            for (int i = 0; i < c.Events.Length; i++)
            {
                CaseEvent e = c.Events[i];
                if (e.Duplicate)
                {
                    yield return c with { Events = [.. c.Events[..i], e with { Duplicate = false }, .. c.Events[(i + 1)..]] };
                }

                if (e.Delta > 0)
                {
                    yield return c with { Events = [.. c.Events[..i], e with { Delta = e.Delta - 1 }, .. c.Events[(i + 1)..]] };
                }

                if (e.Customer > 0)
                {
                    yield return c with { Events = [.. c.Events[..i], e with { Customer = 0 }, .. c.Events[(i + 1)..]] };
                }
            }

            if (c.ModeIndex != 0)
            {
                yield return c with { ModeIndex = 0 };
            }

            for (int k = 1; k < c.Steps.Length; k++)
            {
                if (c.MinSeconds[k] >= 0)
                {
                    int[] min = [.. c.MinSeconds];
                    min[k] = -1;
                    yield return c with { MinSeconds = min };
                }

                if (c.MaxSeconds[k] >= 0)
                {
                    int[] max = [.. c.MaxSeconds];
                    max[k] = -1;
                    yield return c with { MaxSeconds = max };
                }
            }

            if (c.Steps.Length > 2)
            {
                yield return c with { Steps = c.Steps[..^1], MinSeconds = c.MinSeconds[..^1], MaxSeconds = c.MaxSeconds[..^1] };
            }
        }
    }

    private static FunnelStepConstraint[] Constraints(FunnelCase c)
    {
        var list = new List<FunnelStepConstraint>();
        for (int k = 1; k < c.Steps.Length; k++)
        {
            if (c.MinSeconds[k] >= 0 || c.MaxSeconds[k] >= 0)
            {
                list.Add(new FunnelStepConstraint(
                    k + 1,
                    TimeSpan.FromSeconds(Math.Max(0, c.MinSeconds[k])),
                    c.MaxSeconds[k] >= 0 ? TimeSpan.FromSeconds(c.MaxSeconds[k]) : Duration.Unbounded));
            }
        }

        return [.. list];
    }

    internal static (List<JourneyEvent> Events, EventBatch Batch) Build(FunnelCase c)
    {
        var events = new List<JourneyEvent>();
        var time = new int[3];
        for (int i = 0; i < c.Events.Length; i++)
        {
            CaseEvent e = c.Events[i];
            time[e.Customer] += e.Delta;
            events.Add(new JourneyEvent("c" + e.Customer, e.Touchpoint, T0.AddSeconds(time[e.Customer])) { EventId = "e" + i });
        }

        // Input out of order (reversed) with duplicates (same event id) sent again: the batch sorts and de-duplicates.
        var input = new List<JourneyEvent>(events);
        for (int i = 0; i < c.Events.Length; i++)
        {
            if (c.Events[i].Duplicate)
            {
                input.Add(events[i]);
            }
        }

        input.Reverse();
        var builder = new EventBatchBuilder();
        input.ForEach(e => builder.Add(e));
        return (events, builder.Build());
    }

    internal static WindowFunnel Funnel(FunnelCase c) => WindowFunnel.Create(
        c.Steps.Select(EventCondition.Touchpoint).ToArray(),
        new WindowFunnelOptions
        {
            Window = c.WindowSeconds == int.MaxValue ? Duration.Unbounded : TimeSpan.FromSeconds(c.WindowSeconds),
            Mode = c.Mode,
            StepConstraints = Constraints(c),
        });

    /// <summary>
    /// Batch, parallel batch, streaming and streaming resumed from bytes mid-way all give the brute-force reference's
    /// level and 1 → k conversion times, for every mode.
    /// </summary>
    [Property(MaxTest = 400, Arbitrary = [typeof(Arbitraries)])]
    public bool Engine_AgreesWithChainEnumeration(FunnelCase c)
    {
        WindowFunnel funnel = Funnel(c);
        (List<JourneyEvent> events, EventBatch batch) = Build(c);
        (long[] min, long[] max) = Bounds(funnel);
        Dictionary<string, (int Level, long[] Conversion)> expected = ChainReference.Evaluate(events, funnel.Steps, funnel.Window, c.Mode, min, max);
        if (!funnel.HasStepConstraints)
        {
            // No bound restricts anything: ClickHouse's algorithm, checked against its literal transcription.
            Dictionary<string, int> clickHouse = WindowFunnelReference.Levels(events, funnel.Steps, funnel.Window, c.Mode);
            WindowFunnelResult plain = funnel.Evaluate(batch);
            return Enumerable.Range(0, batch.CustomerCount).All(run => plain.Levels[run] == clickHouse[plain.CustomerId(run)]);
        }

        WindowFunnelResult result = funnel.Evaluate(batch);
        WindowFunnelResult parallel = ParallelPath.Run(() => funnel.Evaluate(batch, ParallelPath.Degree));
        var levels = new byte[batch.CustomerCount];
        funnel.EvaluateLevels(batch, levels);
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            (int level, long[] conversion) = expected[result.CustomerId(run)];
            if (result.Levels[run] != level || parallel.Levels[run] != level || levels[run] != level)
            {
                return false;
            }

            for (int k = 1; k <= funnel.StepCount; k++)
            {
                if ((result.ConversionTime(run, k)?.Ticks ?? -1) != conversion[k - 1])
                {
                    return false;
                }
            }

            WindowFunnelState state = funnel.CreateState();
            int from = batch.CustomerStarts[run];
            int to = batch.CustomerStarts[run + 1];
            int half = (from + to) / 2;
            for (int i = from; i < to; i++)
            {
                if (i == half)
                {
                    var bytes = new byte[state.SerializedSize];
                    state.WriteTo(bytes);
                    state = WindowFunnelState.ReadFrom(bytes);
                }

                funnel.Advance(state, batch.GetEvent(i));
                _ = funnel.GetLevel(state); // asking mid-way must not disturb the state
            }

            if (funnel.GetLevel(state) != level)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A bound that can never bind (max at least the window, min 0) gives ClickHouse's answer in every mode but
    /// strict_increase (whose ClickHouse form keeps one chain per level; see docs/funnels.md): the chain search and the
    /// ClickHouse algorithm agree where they must.
    /// </summary>
    [Property(MaxTest = 300, Arbitrary = [typeof(Arbitraries)])]
    public bool LooseBounds_MatchClickHouse(FunnelCase c)
    {
        if (c.Mode.HasFlag(WindowFunnelMode.StrictIncrease) || c.WindowSeconds == int.MaxValue)
        {
            return true;
        }

        WindowFunnel loose = WindowFunnel.Create(
            c.Steps.Select(EventCondition.Touchpoint).ToArray(),
            new WindowFunnelOptions { Window = TimeSpan.FromSeconds(c.WindowSeconds), Mode = c.Mode, StepConstraints = [FunnelStepConstraint.Within(2, TimeSpan.FromSeconds(c.WindowSeconds + 1))] });
        WindowFunnel plain = WindowFunnel.Create(c.Steps, TimeSpan.FromSeconds(c.WindowSeconds), c.Mode);
        (_, EventBatch batch) = Build(c);
        return loose.HasStepConstraints && !plain.HasStepConstraints
            && loose.Evaluate(batch).Levels.SequenceEqual(plain.Evaluate(batch).Levels);
    }

    /// <summary>The reference itself, without bounds, agrees with the literal ClickHouse transcription (outside strict_increase).</summary>
    [Property(MaxTest = 200, Arbitrary = [typeof(Arbitraries)])]
    public bool Reference_WithoutBounds_IsClickHouse(FunnelCase c)
    {
        if (c.Mode.HasFlag(WindowFunnelMode.StrictIncrease) || c.WindowSeconds == int.MaxValue)
        {
            return true;
        }

        (List<JourneyEvent> events, _) = Build(c);
        EventCondition[] steps = [.. c.Steps.Select(EventCondition.Touchpoint)];
        var min = new long[steps.Length];
        var max = Enumerable.Repeat(long.MaxValue, steps.Length).ToArray();
        var window = TimeSpan.FromSeconds(c.WindowSeconds);
        Dictionary<string, int> clickHouse = WindowFunnelReference.Levels(events, steps, window, c.Mode);
        return ChainReference.Evaluate(events, steps, window, c.Mode, min, max).All(kv => kv.Value.Level == clickHouse[kv.Key]);
    }
}
