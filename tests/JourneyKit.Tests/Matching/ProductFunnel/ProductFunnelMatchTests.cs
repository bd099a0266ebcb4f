using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Matching;

namespace JourneyKit.Tests.Matching.ProductFunnel;

// Inside the namespace, so that ProductFunnel names the type rather than this test namespace.
using JourneyKit.Matching.ProductFunnel;

/// <summary>Product funnels: step constraints, customers in progress, time between any two steps (issue 16 items 1 and 6).</summary>
public sealed class ProductFunnelMatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static EventBatch Batch(params (string Customer, string Touchpoint, double Hours)[] events)
    {
        var b = new EventBatchBuilder();
        foreach ((string c, string tp, double h) in events)
        {
            b.Add(new JourneyEvent(c, tp, T0.AddHours(h)));
        }

        return b.Build();
    }

    private static ProductFunnel Funnel(string steps, ProductFunnelType type, TimeSpan window, FunnelStepConstraint[]? constraints = null, FunnelExclusion[]? exclusions = null) =>
        new(steps.Split(','), new ProductFunnelOptions { Type = type, Window = window, StepConstraints = constraints ?? [], Exclusions = exclusions ?? [] });

    [Fact]
    public void Ordered_MinGap_UsesAnOlderStepOne()
    {
        // a@0 a@5d b@8d, b at least 7 d after a, window 30 d: the chain a@0 → b@8d fits → 2; its times 0 and 8 d.
        EventBatch batch = Batch(("u", "a", 0), ("u", "a", 5 * 24), ("u", "b", 8 * 24));
        ProductFunnelMatches m = Funnel("a,b", ProductFunnelType.Ordered, TimeSpan.FromDays(30), [FunnelStepConstraint.After(2, TimeSpan.FromDays(7))]).Match(batch);
        Assert.Equal(2, m.Levels[0]);
        Assert.Equal(T0, m.StepTime(0, 1));
        Assert.Equal(TimeSpan.FromDays(8), m.TimeBetween(0, 1, 2));
    }

    [Fact]
    public void Ordered_MaxGap_UsesALaterMiddleStep_WhereTheAttemptTookTheFirst()
    {
        // a@0 b@1h b@10h c@10.5h, c within 1 h of b. The attempt (no constraints) would take b@1h; with the constraint
        // the chain a → b@10h → c fits → 3, with times 0, 10 h, 10.5 h.
        EventBatch batch = Batch(("u", "a", 0), ("u", "b", 1), ("u", "b", 10), ("u", "c", 10.5));
        ProductFunnelMatches m = Funnel("a,b,c", ProductFunnelType.Ordered, Day, [FunnelStepConstraint.Within(3, Hour)]).Match(batch);
        Assert.Equal(3, m.Levels[0]);
        Assert.Equal(T0.AddHours(10), m.StepTime(0, 2));
        Assert.Equal(TimeSpan.FromMinutes(30), m.TimeBetween(0, 2, 3));
    }

    [Fact]
    public void Ordered_WithConstraints_AnExclusionEndsOnlyTheChainsWaitingAfterItsStep()
    {
        // Steps a,b,c; exclusion x after step 2; c within 5 h of b. a@0 b@1h x@2h b@3h c@4h: the chain through b@1h is
        // ended by x, the chain through b@3h (after x) is not → 3.
        EventBatch batch = Batch(("u", "a", 0), ("u", "b", 1), ("u", "x", 2), ("u", "b", 3), ("u", "c", 4));
        FunnelExclusion[] x = [new FunnelExclusion("x", 2)];
        FunnelStepConstraint[] c = [FunnelStepConstraint.Within(3, 5 * Hour)];
        Assert.Equal(3, Funnel("a,b,c", ProductFunnelType.Ordered, Day, c, x).Match(batch).Levels[0]);

        // Without the second b, x ends the only chain at step 2 → 2.
        EventBatch without = Batch(("u", "a", 0), ("u", "b", 1), ("u", "x", 2), ("u", "c", 4));
        Assert.Equal(2, Funnel("a,b,c", ProductFunnelType.Ordered, Day, c, x).Match(without).Levels[0]);
    }

    [Fact]
    public void Strict_ChecksEachGapOfItsForcedChain()
    {
        // Strict a,b,c with b at least 2 h after a: a@0 b@1h c@2h — b is the very next event but too soon → 1;
        // a@0 b@3h c@4h → 3.
        FunnelStepConstraint[] c = [FunnelStepConstraint.After(2, 2 * Hour)];
        EventBatch batch = Batch(("u1", "a", 0), ("u1", "b", 1), ("u1", "c", 2), ("u2", "a", 0), ("u2", "b", 3), ("u2", "c", 4));
        ProductFunnelMatches m = Funnel("a,b,c", ProductFunnelType.Strict, Day, c).Match(batch);
        Assert.Equal(1, m.Levels[0]);
        Assert.Equal(3, m.Levels[1]);
    }

    [Fact]
    public void Unordered_RefusesStepConstraints()
    {
        var e = Assert.Throws<ArgumentException>(() => Funnel("a,b", ProductFunnelType.Unordered, Day, [FunnelStepConstraint.Within(2, Hour)]));
        Assert.Contains("unordered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InProgress_CountsCustomersWhoseWindowHasNotEnded()
    {
        // Window 7 d; as of the latest event (day 10). Steps a,b.
        // u1: a@d0 → its window ended at d7 → dropped at step 2.
        // u2: a@d5 → window until d12 → in progress.
        // u3: a@d0 a@d6 → the later attempt is open until d13 → in progress.
        // u4: a@d8 x@d9 (x excludes after step 1) → stopped → dropped.
        // u5: a@d1 b@d2 → converted (level 2, not in progress). u6: z@d10 → level 0.
        EventBatch batch = Batch(
            ("u1", "a", 0), ("u2", "a", 5 * 24), ("u3", "a", 0), ("u3", "a", 6 * 24), ("u4", "a", 8 * 24), ("u4", "x", 9 * 24),
            ("u5", "a", 24), ("u5", "b", 48), ("u6", "z", 10 * 24));
        ProductFunnel funnel = Funnel("a,b", ProductFunnelType.Ordered, TimeSpan.FromDays(7), exclusions: [new FunnelExclusion("x", 1)]);
        ProductFunnelMatches m = funnel.Match(batch);
        Assert.Equal(T0.AddDays(10), m.AsOf);
        bool[] open = [.. Enumerable.Range(0, m.CustomerCount).Select(m.IsInProgress)];
        Assert.Equal([false, true, true, false, false, false], open);

        ProductFunnelResult r = funnel.Evaluate(batch);
        Assert.Equal(0, r.Steps[0].InProgress);
        Assert.Equal(2, r.Steps[1].InProgress); // u2, u3: reached step 1, may still reach step 2
        Assert.Equal(5, r.Steps[0].Customers);
        Assert.Equal(1, r.Steps[1].Customers);

        // As of day 12.5, u2's window (until d12) has ended too; u3's (until d13) has not.
        Assert.Equal(1, funnel.Evaluate(batch, T0.AddDays(12.5)).Steps[1].InProgress);
    }

    [Fact]
    public void InProgress_WithAMaximumGap_EndsWhenTheGapCanNoLongerHold()
    {
        // Steps a,b, b within 1 d of a, window 30 d. u: a@0, as of 2 d → 1 d gap exceeded → not in progress;
        // as of 12 h → in progress.
        EventBatch batch = Batch(("u", "a", 0));
        ProductFunnel funnel = Funnel("a,b", ProductFunnelType.Ordered, TimeSpan.FromDays(30), [FunnelStepConstraint.Within(2, Day)]);
        Assert.False(funnel.Match(batch, T0.AddDays(2)).IsInProgress(0));
        Assert.True(funnel.Match(batch, T0.AddHours(12)).IsInProgress(0));
    }

    [Fact]
    public void TimeToConvert_BetweenAnyTwoSteps_NearestRank()
    {
        // Steps a,b,c. u1: a@0 b@1h c@3h; u2: a@0 b@2h c@6h; u3: a@0 b@4h (no c).
        // 1→3 over u1, u2: 3 h, 6 h → p50 (rank 1) 3 h, p90 (rank 2) 6 h. 2→3: 2 h, 4 h. 1→2 over all three: 1, 2, 4 h → p50 2 h.
        EventBatch batch = Batch(("u1", "a", 0), ("u1", "b", 1), ("u1", "c", 3), ("u2", "a", 0), ("u2", "b", 2), ("u2", "c", 6), ("u3", "a", 0), ("u3", "b", 4));
        ProductFunnelResult r = Funnel("a,b,c", ProductFunnelType.Ordered, Day).Evaluate(batch);
        FunnelTimes oneToThree = r.TimeToConvert(1, 3);
        Assert.Equal(2, oneToThree.Customers);
        Assert.Equal(3 * Hour, oneToThree.P50);
        Assert.Equal(6 * Hour, oneToThree.P90);
        Assert.Equal(2 * Hour, r.TimeToConvert(2, 3).P50);
        Assert.Equal(2 * Hour, r.TimeToConvert(1, 2).P50);
        Assert.Equal(r.Steps[2].P50, r.TimeToConvert(2, 3).P50); // the per-step percentiles are k−1 → k
        Assert.Throws<ArgumentOutOfRangeException>(() => r.TimeToConvert(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.TimeToConvert(1, 4));
    }

    // ---- Properties ------------------------------------------------------------------------------------------------

    /// <summary>A random product funnel with constraints and customers from small numbers (shrinks to readable cases).</summary>
    public sealed record ProductCase(string[] Steps, ProductFunnelType Type, int WindowSeconds, int[] MinSeconds, int[] MaxSeconds, (string Touchpoint, int AfterStep)[] Exclusions, (int Customer, string Touchpoint, int Delta)[] Events)
    {
        public override string ToString() =>
            $"{Type} steps {string.Join(",", Steps)} window {WindowSeconds}s min [{string.Join(",", MinSeconds)}] max [{string.Join(",", MaxSeconds)}] excl [{string.Join(",", Exclusions.Select(x => $"{x.Touchpoint}@{x.AfterStep}"))}] events {string.Join(" ", Events.Select(e => $"u{e.Customer}:{e.Touchpoint}+{e.Delta}"))}";
    }

    public static class Arbitraries
    {
        public static Arbitrary<ProductCase> Case() => Arb.From(Generate(), Shrink);

        private static Gen<ProductCase> Generate() =>
            from n in Gen.Choose(2, 4)
            from steps in Gen.Elements("a", "b", "c").ArrayOf(n)
            from type in Gen.Elements(ProductFunnelType.Ordered, ProductFunnelType.Strict, ProductFunnelType.Unordered)
            from window in Gen.Frequency((5, Gen.Choose(1, 12)), (1, Gen.Constant(int.MaxValue)))
            from min in Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(0, 4))).ArrayOf(n)
            from max in Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(0, 6))).ArrayOf(n)
            from exclusionCount in Gen.Choose(0, 1)
            from exclusions in (from t in Gen.Elements("x", "b", "c") from s in Gen.Choose(1, n - 1) select (t, s)).ArrayOf(exclusionCount)
            from count in Gen.Choose(0, 12)
            from events in (from c in Gen.Choose(0, 2) from t in Gen.Elements("a", "b", "c", "x") from d in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Choose(1, 3))) select (c, t, d)).ArrayOf(count)
            select Fix(new ProductCase(steps, type, window, min, max, exclusions, events));

        private static ProductCase Fix(ProductCase c)
        {
            int[] max = [.. c.MaxSeconds];
            for (int k = 0; k < max.Length; k++)
            {
                max[k] = max[k] >= 0 && c.MinSeconds[k] > max[k] ? c.MinSeconds[k] : max[k];
            }

            // Unordered funnels take no constraints: keep the case valid.
            return c.Type == ProductFunnelType.Unordered
                ? c with { MinSeconds = [.. c.MinSeconds.Select(_ => -1)], MaxSeconds = [.. c.MaxSeconds.Select(_ => -1)] }
                : c with { MaxSeconds = max };
        }

        private static IEnumerable<ProductCase> Shrink(ProductCase c)
        {
            for (int i = 0; i < c.Events.Length; i++)
            {
                yield return c with { Events = [.. c.Events[..i], .. c.Events[(i + 1)..]] };
            }

            for (int i = 0; i < c.Events.Length; i++)
            {
                if (c.Events[i].Delta > 0)
                {
                    yield return c with { Events = [.. c.Events[..i], c.Events[i] with { Delta = c.Events[i].Delta - 1 }, .. c.Events[(i + 1)..]] };
                }

                if (c.Events[i].Customer > 0)
                {
                    yield return c with { Events = [.. c.Events[..i], c.Events[i] with { Customer = 0 }, .. c.Events[(i + 1)..]] };
                }
            }

            if (c.Exclusions.Length > 0)
            {
                yield return c with { Exclusions = [] };
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
        }
    }

    private static ProductFunnel Build(ProductCase c)
    {
        var constraints = new List<FunnelStepConstraint>();
        for (int k = 1; k < c.Steps.Length; k++)
        {
            if (c.MinSeconds[k] >= 0 || c.MaxSeconds[k] >= 0)
            {
                constraints.Add(new FunnelStepConstraint(k + 1, TimeSpan.FromSeconds(Math.Max(0, c.MinSeconds[k])), c.MaxSeconds[k] >= 0 ? TimeSpan.FromSeconds(c.MaxSeconds[k]) : Duration.Unbounded));
            }
        }

        return new ProductFunnel(c.Steps, new ProductFunnelOptions
        {
            Type = c.Type,
            Window = c.WindowSeconds == int.MaxValue ? Duration.Unbounded : TimeSpan.FromSeconds(c.WindowSeconds),
            StepConstraints = constraints,
            Exclusions = [.. c.Exclusions.Where(x => x.AfterStep < c.Steps.Length).Select(x => new FunnelExclusion(x.Touchpoint, x.AfterStep))],
        });
    }

    private static List<JourneyEvent> Events(ProductCase c, params JourneyEvent[] extra)
    {
        var time = new int[3];
        var list = new List<JourneyEvent>();
        foreach ((int customer, string tp, int delta) in c.Events)
        {
            time[customer] += delta;
            list.Add(new JourneyEvent("u" + customer, tp, T0.AddSeconds(time[customer])));
        }

        list.AddRange(extra);
        return list;
    }

    private static EventBatch ToBatch(IEnumerable<JourneyEvent> events)
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            b.Add(e);
        }

        return b.Build();
    }

    /// <summary>
    /// Brute force for constrained funnels: every chain of distinct events in stream order (strict: consecutive events),
    /// step j at chain position j, gaps within bounds, within the window, no exclusion event strictly between a chain's
    /// step k and step k + 1 (ordered). Returns the level, the earliest event ending a chain of that level, and the latest
    /// start among the chains ending there.
    /// </summary>
    private static (int Level, long End, long Start) Reference(List<JourneyEvent> events, ProductFunnel funnel)
    {
        int n = funnel.Steps.Count;
        var min = new long[n];
        var max = Enumerable.Repeat(long.MaxValue, n).ToArray();
        foreach (FunnelStepConstraint c in funnel.StepConstraints)
        {
            min[c.ToStep - 1] = Math.Max(min[c.ToStep - 1], c.MinTime.Ticks);
            max[c.ToStep - 1] = Math.Min(max[c.ToStep - 1], c.MaxTime.Ticks);
        }

        bool strict = funnel.Type == ProductFunnelType.Strict;
        (int Level, long End, long Start) best = (0, -1, -1);
        var chain = new List<int>();

        void Extend()
        {
            int last = chain[^1];
            int level = chain.Count;
            long start = events[chain[0]].TimestampTicks;
            long end = events[last].TimestampTicks;
            if (level > best.Level || (level == best.Level && last < best.End) || (level == best.Level && last == best.End && start > best.Start))
            {
                best = (level, last, start);
            }

            if (level == n)
            {
                return;
            }

            for (int j = last + 1; j < events.Count && (!strict || j == last + 1); j++)
            {
                // An exclusion of the current step between the chain's last step and j ends it.
                if (!strict && Enumerable.Range(last + 1, j - last - 1).Any(b => funnel.Exclusions.Any(x => x.AfterStep == level && x.Touchpoint == events[b].Touchpoint)))
                {
                    break;
                }

                long gap = events[j].TimestampTicks - end;
                if (events[j].Touchpoint == funnel.Steps[level] && gap >= min[level] && gap <= max[level] && events[j].TimestampTicks - start <= funnel.Window.Ticks)
                {
                    chain.Add(j);
                    Extend();
                    chain.RemoveAt(chain.Count - 1);
                }
            }
        }

        for (int i = 0; i < events.Count; i++)
        {
            if (events[i].Touchpoint == funnel.Steps[0])
            {
                chain.Add(i);
                Extend();
                chain.Clear();
            }
        }

        // best.End is an event index while searching; report its time.
        return best.Level == 0 ? (0, -1, -1) : (best.Level, events[(int)best.End].TimestampTicks, best.Start);
    }

    /// <summary>With step constraints, the level, the end of the first chain reaching it and its latest start match the brute force.</summary>
    [Property(MaxTest = 400, Arbitrary = [typeof(Arbitraries)])]
    public bool Constrained_AgreesWithChainEnumeration(ProductCase c)
    {
        ProductFunnel funnel = Build(c);
        if (!funnel.HasStepConstraints)
        {
            return true; // the unchanged attempt algorithm is checked by ProductFunnelTests
        }

        EventBatch batch = ToBatch(Events(c));
        ProductFunnelMatches m = funnel.Match(batch);
        for (int run = 0; run < m.CustomerCount; run++)
        {
            var stream = Enumerable.Range(batch.CustomerStarts[run], batch.CustomerStarts[run + 1] - batch.CustomerStarts[run]).Select(batch.GetEvent).ToList();
            (int level, long end, long start) = Reference(stream, funnel);
            if (m.Levels[run] != level)
            {
                return false;
            }

            if (level > 0 && (m.StepTime(run, level)!.Value.UtcTicks != end || m.StepTime(run, 1)!.Value.UtcTicks != start))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// "In progress" means exactly: one more event after the as-of instant could raise the customer's level — checked by
    /// appending each step's touchpoint at a few later instants (every bound in the cases is a whole number of seconds
    /// of at most 4 s for minimums, so these instants cover every way a chain can still be extended).
    /// </summary>
    [Property(MaxTest = 300, Arbitrary = [typeof(Arbitraries)])]
    public bool InProgress_IsExactlyCouldStillAdvance(ProductCase c)
    {
        ProductFunnel funnel = Build(c);
        List<JourneyEvent> events = Events(c);
        EventBatch batch = ToBatch(events);
        if (batch.Count == 0)
        {
            return true;
        }

        DateTimeOffset asOf = batch.LatestTimestamp!.Value;
        ProductFunnelMatches m = funnel.Match(batch);
        for (int run = 0; run < m.CustomerCount; run++)
        {
            string id = m.CustomerId(run);
            int level = m.Levels[run];
            bool couldAdvance = false;
            if (level >= 1 && level < funnel.Steps.Count)
            {
                foreach (string tp in funnel.Steps.Distinct())
                {
                    foreach (TimeSpan later in new[] { TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5) })
                    {
                        ProductFunnelMatches more = funnel.Match(ToBatch(events.Where(e => e.CustomerId == id).Append(new JourneyEvent(id, tp, asOf + later))), asOf);
                        couldAdvance |= more.Levels[0] > level;
                    }
                }
            }

            if (m.IsInProgress(run) != couldAdvance)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The aggregate agrees with the per-customer matches: in-progress counts, and i → j percentiles from the step times.</summary>
    [Property(MaxTest = 150, Arbitrary = [typeof(Arbitraries)])]
    public bool Result_AggregatesTheMatches(ProductCase c)
    {
        ProductFunnel funnel = Build(c);
        EventBatch batch = ToBatch(Events(c));
        ProductFunnelMatches m = funnel.Match(batch);
        ProductFunnelResult r = funnel.Evaluate(batch);
        int n = funnel.Steps.Count;
        for (int k = 0; k < n; k++)
        {
            int open = Enumerable.Range(0, m.CustomerCount).Count(run => m.IsInProgress(run) && m.Levels[run] == k);
            if (r.Steps[k].InProgress != open)
            {
                return false;
            }
        }

        for (int i = 1; i < n; i++)
        {
            for (int j = i + 1; j <= n; j++)
            {
                long[] sorted = [.. Enumerable.Range(0, m.CustomerCount).Where(run => m.Levels[run] >= j).Select(run => m.TimeBetween(run, i, j)!.Value.Ticks).Order()];
                TimeSpan? p50 = sorted.Length == 0 ? null : TimeSpan.FromTicks(sorted[Math.Max(1, (int)Math.Ceiling(sorted.Length * 0.5)) - 1]);
                FunnelTimes t = r.TimeToConvert(i, j);
                if (t.Customers != sorted.Length || t.P50 != p50)
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Fact]
    public void Hold_EveryStepOfTheAttemptCarriesTheSameValue()
    {
        // cart(A)@0 pay(B)@1h: holding order_id, A reaches 1 and B 0 → level 1, in progress for A (window 1 d, as of 1 h).
        // pay(A)@2h then converts A → 2, with 2 h from cart to pay.
        static JourneyEvent E(string tp, double hours, string order) =>
            new("u", tp, T0.AddHours(hours)) { Attributes = new Dictionary<string, string> { ["order_id"] = order } };
        ProductFunnel funnel = new(["cart", "pay"], new ProductFunnelOptions { Window = Day, HoldAttribute = "order_id" });
        ProductFunnelMatches m = funnel.Match(ToBatch([E("cart", 0, "A"), E("pay", 1, "B")]));
        Assert.Equal(1, m.Levels[0]);
        Assert.True(m.IsInProgress(0));
        ProductFunnelMatches paid = funnel.Match(ToBatch([E("cart", 0, "A"), E("pay", 1, "B"), E("pay", 2, "A")]));
        Assert.Equal(2, paid.Levels[0]);
        Assert.Equal(2 * Hour, paid.TimeBetween(0, 1, 2));

        ProductFunnel capped = new(["cart", "pay"], new ProductFunnelOptions { Window = Day, HoldAttribute = "order_id", MaxHeldValues = 1 });
        Assert.Contains("more than 1 distinct 'order_id'", Assert.Throws<InvalidOperationException>(() => capped.Match(ToBatch([E("cart", 0, "A"), E("pay", 1, "B")]))).Message, StringComparison.Ordinal);
    }

    /// <summary>Holding a property equals the best of the funnel run separately on each value's events (no hold), for every type.</summary>
    [Property(MaxTest = 200, Arbitrary = [typeof(Arbitraries)])]
    public bool Hold_IsTheBestOfThePerValueFunnels(ProductCase c, byte[] valueCodes)
    {
        ProductFunnel plain = Build(c);
        var held = new ProductFunnel(plain.Steps, new ProductFunnelOptions
        {
            Type = plain.Type,
            Window = plain.Window,
            Exclusions = plain.Exclusions,
            StepConstraints = plain.StepConstraints,
            HoldAttribute = "order_id",
        });
        string?[] codes = ["A", "B", null];
        List<JourneyEvent> events = [.. Events(c).Select((e, i) => valueCodes.Length == 0 ? e : e with { Attributes = codes[valueCodes[i % valueCodes.Length] % 3] is { } v ? new Dictionary<string, string> { ["order_id"] = v } : null })];
        EventBatch batch = ToBatch(events);
        if (batch.Count == 0)
        {
            return true;
        }

        DateTimeOffset asOf = batch.LatestTimestamp!.Value;
        ProductFunnelMatches m = held.Match(batch);
        for (int run = 0; run < m.CustomerCount; run++)
        {
            string id = m.CustomerId(run);
            int best = 0;
            bool open = false;
            var perValue = new List<(int Level, bool Open)>();
            foreach (IGrouping<string, JourneyEvent> value in events.Where(e => e.CustomerId == id && e.Attributes is not null).GroupBy(e => e.Attributes!["order_id"]))
            {
                ProductFunnelMatches one = plain.Match(ToBatch(value), asOf);
                perValue.Add((one.Levels[0], one.IsInProgress(0)));
                best = Math.Max(best, one.Levels[0]);
            }

            open = perValue.Any(p => p.Level == best && p.Open);
            if (m.Levels[run] != best || m.IsInProgress(run) != open)
            {
                return false;
            }
        }

        return true;
    }
}
