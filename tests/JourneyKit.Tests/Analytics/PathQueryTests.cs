using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// Path queries (issue 16 item 6): a deliberately simple reference — each run's whole step list, filtered and cut with
/// LINQ exactly as docs/analytics.md words it — against <see cref="JourneyAnalyzer.QueryPaths(EventBatch, PathQuery, DateTimeOffset)"/>
/// on shrinking generated histories and queries, plus hand-worked cases for each anchor, exclusion and drop-off.
/// </summary>
public sealed class PathQueryTests
{
    private static readonly DateTimeOffset T0 = History.T0;

    /// <summary>s1 (a, b; standard 2 units) → s2 (c; standard 3 units) → g (d; goal); inactivity 5 units; x, y in no stage.</summary>
    internal static CompiledJourney Journey(TimeSpan unit) => new JourneyBuilder("paths")
        .Touchpoint("a", Channel.Web)
        .Touchpoint("b", Channel.Web)
        .Touchpoint("c", Channel.Web)
        .Touchpoint("d", Channel.Web)
        .Stage("s1", s => s.Touchpoints("a", "b").StandardTime(2 * unit))
        .Stage("s2", s => s.Touchpoints("c").StandardTime(3 * unit))
        .Stage("g", s => s.Touchpoints("d").Goal())
        .Build()
        .Compile();

    private static JourneyAnalyzer Analyzer(TimeSpan unit) =>
        new(Journey(unit), new AnalyticsOptions { Evaluation = new EvaluationOptions { InactivityPeriod = 5 * unit } });

    private static readonly JourneyAnalyzer Hours = Analyzer(TimeSpan.FromHours(1));

    /// <summary>Events "customer:touchpoint@hours", in input order.</summary>
    private static EventBatch Batch(params string[] events)
    {
        var builder = new EventBatchBuilder();
        int id = 0;
        foreach (string e in events)
        {
            int colon = e.IndexOf(':'), at = e.IndexOf('@');
            builder.Add(new JourneyEvent(e[..colon], e[(colon + 1)..at], T0.AddHours(double.Parse(e[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture)), Channel.Web) { EventId = (id++).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return builder.Build();
    }

    private static string Show(QueriedPath p) => string.Join(" > ", p.Steps) + (p.Truncated ? " …" : string.Empty) + " ×" + p.Runs;

    [Fact]
    public void Ctor_Defaults()
    {
        var q = new PathQuery();
        Assert.Equal(PathLevel.Touchpoint, q.Level);
        Assert.Null(q.StartingAt);
        Assert.Null(q.EndingAt);
        Assert.Null(q.DropOffAt);
        Assert.Empty(q.Hidden);
        Assert.Empty(q.Excluded);
        Assert.Equal(5, q.Depth);
        Assert.False(q.CollapseRepeats);
        Assert.Equal(10, q.Top);
        Assert.Equal(50, PathQuery.MaxDepth);
    }

    [Fact]
    public void StartingAt_RepeatedAnchor_StartsAtTheFirstOccurrence()
    {
        // u1: x a b a c — the path starts at the first a: a > b > a > c, 3 h from the anchor (a@1 → c@4).
        // u2: b c — never does a: without start. u3: a — the anchor alone.
        EventBatch batch = Batch("u1:x@0", "u1:a@1", "u1:b@2", "u1:a@3", "u1:c@4", "u2:b@0", "u2:c@1", "u3:a@0");
        PathQueryResult r = Hours.QueryPaths(batch, new PathQuery { StartingAt = "a" });
        Assert.Equal(3, r.Runs);
        Assert.Equal(1, r.WithoutStart);
        Assert.Equal(2, r.Matched);
        Assert.Equal(["a ×1", "a > b > a > c ×1"], r.Paths.Select(Show)); // one run each: a prefix first
        Assert.Equal(TimeSpan.Zero, r.Paths[0].MedianDuration);
        Assert.Equal(TimeSpan.FromHours(3), r.Paths[1].MedianDuration);
        Assert.Equal(0.5, r.Paths[1].Share);
    }

    [Fact]
    public void EqualTimestamps_KeepInputOrder()
    {
        // c and a both at 1 h, c given first: the steps are x, c, a — so the path from a is a alone, and from c it is c > a.
        EventBatch batch = Batch("u1:x@0", "u1:c@1", "u1:a@1");
        Assert.Equal(["a ×1"], Hours.QueryPaths(batch, new PathQuery { StartingAt = "a" }).Paths.Select(Show));
        Assert.Equal(["c > a ×1"], Hours.QueryPaths(batch, new PathQuery { StartingAt = "c" }).Paths.Select(Show));
    }

    [Fact]
    public void EndingAt_TakesTheFirstEndAfterTheStart()
    {
        // u1: a b c b d. From a to b: a > b. From b to b (the next b): b > c > b. To c without a start: a > b > c.
        // From c to a: no a after c — without end.
        EventBatch batch = Batch("u1:a@0", "u1:b@1", "u1:c@2", "u1:b@3", "u1:d@4");
        PathQueryResult ab = Hours.QueryPaths(batch, new PathQuery { StartingAt = "a", EndingAt = "b", Depth = 1 });
        Assert.Equal(["a > b ×1"], ab.Paths.Select(Show));
        Assert.Equal(TimeSpan.FromHours(1), ab.MedianTimeToEnd);
        PathQueryResult bb = Hours.QueryPaths(batch, new PathQuery { StartingAt = "b", EndingAt = "b", Depth = 1 });
        Assert.Equal(["b > c … ×1"], bb.Paths.Select(Show)); // depth 1 cuts b > c > b
        Assert.Equal(TimeSpan.FromHours(2), bb.MedianTimeToEnd); // b@1 → the next b@3
        Assert.Equal(["b > c > b ×1"], Hours.QueryPaths(batch, new PathQuery { StartingAt = "b", EndingAt = "b" }).Paths.Select(Show));
        Assert.Equal(["a > b > c ×1"], Hours.QueryPaths(batch, new PathQuery { EndingAt = "c" }).Paths.Select(Show));
        PathQueryResult none = Hours.QueryPaths(batch, new PathQuery { StartingAt = "c", EndingAt = "a" });
        Assert.Equal((1, 0, 1, 0), (none.Runs, none.WithoutStart, none.WithoutEnd, none.Matched));
        Assert.Empty(none.Paths);
        Assert.Null(none.MedianTimeToEnd);
    }

    [Fact]
    public void Depth_CutsAfterTheStart_OrBeforeTheEnd()
    {
        // u1: a b c b d. From a, depth 2: a > b > c, truncated. Ending at d without a start, depth 2: c > b > d, truncated
        // before; c@2 → d@4 is 2 h. Depth 4 shows all five steps, not truncated.
        EventBatch batch = Batch("u1:a@0", "u1:b@1", "u1:c@2", "u1:b@3", "u1:d@4");
        PathQueryResult after = Hours.QueryPaths(batch, new PathQuery { StartingAt = "a", Depth = 2 });
        Assert.Equal(["a > b > c … ×1"], after.Paths.Select(Show));
        Assert.Equal(TimeSpan.FromHours(2), after.Paths[0].MedianDuration); // a@0 → c@2, the steps shown
        Assert.Equal(TimeSpan.FromHours(4), after.MedianTimeToEnd); // a@0 → d@4, the run's last step: before the cut
        PathQueryResult before = Hours.QueryPaths(batch, new PathQuery { EndingAt = "d", Depth = 2 });
        Assert.Equal(["c > b > d … ×1"], before.Paths.Select(Show));
        Assert.Equal(TimeSpan.FromHours(2), before.Paths[0].MedianDuration);
        Assert.Equal(["a > b > c > b > d ×1"], Hours.QueryPaths(batch, new PathQuery { StartingAt = "a", Depth = 4 }).Paths.Select(Show));
    }

    [Fact]
    public void Hidden_RemovesSteps_CollapseMergesRepeats()
    {
        // u1: a b a a c. Hiding b: a > a > a > c; and collapsing: a > c (timed at the first a: 0 → 4 h).
        EventBatch batch = Batch("u1:a@0", "u1:b@1", "u1:a@2", "u1:a@3", "u1:c@4");
        Assert.Equal(["a > a > a > c ×1"], Hours.QueryPaths(batch, new PathQuery { Hidden = ["b"] }).Paths.Select(Show));
        PathQueryResult collapsed = Hours.QueryPaths(batch, new PathQuery { Hidden = ["b"], CollapseRepeats = true });
        Assert.Equal(["a > c ×1"], collapsed.Paths.Select(Show));
        Assert.Equal(TimeSpan.FromHours(4), collapsed.Paths[0].MedianDuration);
        Assert.Equal(["a > b > a > c ×1"], Hours.QueryPaths(batch, new PathQuery { CollapseRepeats = true }).Paths.Select(Show));
    }

    [Fact]
    public void Excluded_LeavesOutRunsWithTheStepInTheirSegmentOnly()
    {
        // From a to c excluding x. u1: x a b c — x before the start: kept. u2: a x c — x in the segment: excluded.
        // u3: a b c x — x after the end: kept. u4: a c x d with depth 1 and no end anchor: x is past the cut but in
        // the segment (start to the run's last step): excluded.
        EventBatch batch = Batch("u1:x@0", "u1:a@1", "u1:b@2", "u1:c@3", "u2:a@0", "u2:x@1", "u2:c@2", "u3:a@0", "u3:b@1", "u3:c@2", "u3:x@3");
        PathQueryResult r = Hours.QueryPaths(batch, new PathQuery { StartingAt = "a", EndingAt = "c", Excluded = ["x"] });
        Assert.Equal((3, 1, 2), (r.Runs, r.Excluded, r.Matched));
        Assert.Equal(["a > b > c ×2"], r.Paths.Select(Show));
        PathQueryResult open = Hours.QueryPaths(Batch("u4:a@0", "u4:c@1", "u4:x@2", "u4:d@3"), new PathQuery { StartingAt = "a", Depth = 1, Excluded = ["x"] });
        Assert.Equal(1, open.Excluded);
    }

    [Fact]
    public void DropOffAt_CountsDormantRunsInTheStage_NotOpenOnes()
    {
        // As of 20 h (stage s1 standard 2 h, inactivity 5 h):
        // u1: a@0 b@1 — in s1, last event 19 h ago: dormant in s1, a drop-off: path a > b.
        // u2: a@19 — in s1 for 1 h: in progress, not a drop-off (open).
        // u3: a@10 b@17 — in s1 for 10 h > 2 h, active 3 h ago: stuck, open, not a drop-off.
        // u4: a@0 c@1 — dormant in s2: not in s1. u5: x@0 a@2 b@3 — dormant in s1; with hiding x: a > b.
        EventBatch batch = Batch("u1:a@0", "u1:b@1", "u2:a@19", "u3:a@10", "u3:b@17", "u4:a@0", "u4:c@1", "u5:x@0", "u5:a@2", "u5:b@3");
        DateTimeOffset asOf = T0.AddHours(20);
        PathQueryResult r = Hours.QueryPaths(batch, new PathQuery { DropOffAt = "s1", Hidden = ["x"] }, asOf);
        Assert.Equal((5, 3, 2, 2), (r.Runs, r.WithoutEnd, r.OpenInDropOffStage, r.Matched));
        Assert.Equal(["a > b ×2"], r.Paths.Select(Show));

        // At stage level as of 21 h the same runs: s1 (u1, u5). u2 has been in s1 for exactly its standard time (2 h): in
        // progress; u3 was active 4 h ago (< 5 h): stuck. Both open.
        PathQueryResult stages = Hours.QueryPaths(batch, new PathQuery { Level = PathLevel.Stage, DropOffAt = "s1" }, T0.AddHours(21));
        Assert.Equal(["s1 ×2"], stages.Paths.Select(Show));
        Assert.Equal(2, stages.OpenInDropOffStage);

        // As of 24 h u2 (last event 5 h ago) is dormant too, and u3 (7 h ago) as well.
        PathQueryResult later = Hours.QueryPaths(batch, new PathQuery { Level = PathLevel.Stage, StartingAt = "s1", DropOffAt = "s1" }, T0.AddHours(24));
        Assert.Equal((4, 0), (later.Matched, later.OpenInDropOffStage));
    }

    [Fact]
    public void Top_KeepsTheMostFrequent_OthersInTheOtherBucket()
    {
        // Paths of the whole runs: a > c three times, a > b twice, b once, c once. Top 2: a > c (3/7), a > b (2/7), other 2.
        // Ties break by the step names: b before c.
        EventBatch batch = Batch("u1:a@0", "u1:c@1", "u2:a@0", "u2:c@1", "u3:a@0", "u3:c@2", "u4:a@0", "u4:b@1", "u5:a@0", "u5:b@1", "u6:c@0", "u7:b@0");
        PathQueryResult r = Hours.QueryPaths(batch, new PathQuery { Top = 2 });
        Assert.Equal(["a > c ×3", "a > b ×2"], r.Paths.Select(Show));
        Assert.Equal(3.0 / 7, r.Paths[0].Share, 12);
        Assert.Equal((2, 4), (r.OtherRuns, r.DistinctPaths));
        Assert.Equal(2.0 / 7, r.OtherShare, 12);
        Assert.Equal(TimeSpan.FromHours(1), r.Paths[0].MedianDuration); // 1, 1, 2 h: the 2nd of 3
        Assert.Equal(["a > c ×3", "a > b ×2", "b ×1", "c ×1"], Hours.QueryPaths(batch, new PathQuery()).Paths.Select(Show));
    }

    [Fact]
    public void Reentry_EachRunIsAPath_OrEachCustomersLatestRun()
    {
        // Re-entry after the end: u1 a@0 d@1 (goal: run 1 ends), a@2 b@3 (run 2). Runs: a > d and a > b, one each;
        // counting customers: the latest run only, a > b.
        CompiledJourney journey = new JourneyBuilder("reentry")
            .Touchpoint("a", Channel.Web).Touchpoint("b", Channel.Web).Touchpoint("d", Channel.Web)
            .Stage("s1", s => s.Touchpoints("a", "b").StandardTime(TimeSpan.FromHours(2)))
            .Stage("g", s => s.Touchpoints("d").Goal())
            .Reentry(ReentryPolicy.AfterEnd)
            .Build()
            .Compile();
        EventBatch batch = Batch("u1:a@0", "u1:d@1", "u1:a@2", "u1:b@3");
        Assert.Equal(["a > b ×1", "a > d ×1"], new JourneyAnalyzer(journey).QueryPaths(batch, new PathQuery()).Paths.Select(Show));
        PathQueryResult latest = new JourneyAnalyzer(journey, new AnalyticsOptions { Unit = AnalysisUnit.Customers }).QueryPaths(batch, new PathQuery());
        Assert.Equal(["a > b ×1"], latest.Paths.Select(Show));
        Assert.Equal(1, latest.Runs);
    }

    [Fact]
    public void Counter_AllocatesNothingPerEvent_ForAPathSeenBefore()
    {
        // One run of 200 events added 1,000 times: after the first (which creates the path), only the per-path duration
        // lists grow (amortised doubling), so the bytes per event stay far below one.
        var events = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            events.Add($"u1:{(i % 2 == 0 ? "a" : "b")}@{i}");
        }

        EventBatch batch = Batch([.. events]);
        var evaluator = new JourneyEvaluator(Hours.Journey, Hours.Options.Evaluation);
        JourneyInstance run = evaluator.Evaluate(batch)[0];
        JourneyStatus status = evaluator.GetStatus(run, T0.AddHours(300));
        var counter = new JourneyKit.Analytics.Internal.PathQueryCounter(new PathQuery { StartingAt = "b", Depth = 50, Hidden = ["x"] }, batch, Hours.Journey, -1);
        counter.Add(run, status);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 1000; k++)
        {
            counter.Add(run, status);
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes < 200 * 1000 / 4, $"{bytes} bytes for 200,000 events");
        Assert.Equal(1001, counter.Paths().Single().Runs);
    }

    [Fact]
    public void InvalidQueries_Throw()
    {
        EventBatch batch = Batch("u1:a@0");
        Assert.Throws<ArgumentException>(() => Hours.QueryPaths(batch, new PathQuery { EndingAt = "a", DropOffAt = "s1" }));
        Assert.Throws<ArgumentException>(() => Hours.QueryPaths(batch, new PathQuery { StartingAt = "a", Hidden = ["a"] }));
        Assert.Throws<ArgumentException>(() => Hours.QueryPaths(batch, new PathQuery { EndingAt = "a", Excluded = ["a"] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hours.QueryPaths(batch, new PathQuery { Depth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hours.QueryPaths(batch, new PathQuery { Depth = 51 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hours.QueryPaths(batch, new PathQuery { Top = 0 }));
        Assert.Contains("no stage 'nope'", Assert.Throws<ArgumentException>(() => Hours.QueryPaths(batch, new PathQuery { DropOffAt = "nope" })).Message, StringComparison.Ordinal);
        Assert.Contains("terminal", Assert.Throws<ArgumentException>(() => Hours.QueryPaths(batch, new PathQuery { DropOffAt = "g" })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Hours.QueryPaths(batch, new PathQuery { Level = PathLevel.Stage, StartingAt = "a" }));
        // At touchpoint level an unknown touchpoint is no error: nobody has it.
        Assert.Equal(1, Hours.QueryPaths(batch, new PathQuery { StartingAt = "zz" }).WithoutStart);
    }

    [Property(MaxTest = 300)]
    public Property QueryPaths_AgreesWithTheBruteForceReference() =>
        Pair.ForAll(PathQueryDefinitions.Of(), Histories.Of(customers: 4, touchpoints: 6, maxEvents: 30), (definition, history) =>
        {
            JourneyAnalyzer analyzer = Analyzer(TimeSpan.FromSeconds(1));
            EventBatch batch = history.Batch();
            DateTimeOffset asOf = (batch.LatestTimestamp ?? T0).AddSeconds(definition.AsOfOffset);
            PathQuery query = definition.ToQuery();
            PathQueryResult actual = analyzer.QueryPaths(batch, query, asOf);
            Expected expected = Reference(analyzer, batch, query, asOf);
            return actual.Runs == expected.Runs
                && actual.WithoutStart == expected.WithoutStart
                && actual.WithoutEnd == expected.WithoutEnd
                && actual.OpenInDropOffStage == expected.Open
                && actual.Excluded == expected.Excluded
                && actual.DistinctPaths == expected.Paths.Count
                && actual.OtherRuns == expected.Paths.Skip(query.Top).Sum(p => p.Durations.Count)
                && actual.MedianTimeToEnd == Median(expected.TimesToEnd)
                && actual.Paths.Select(p => (string.Join(">", p.Steps), p.Truncated, p.Runs, p.MedianDuration))
                    .SequenceEqual(expected.Paths.Take(query.Top).Select(p => (string.Join(">", p.Steps), p.Truncated, p.Durations.Count, Median(p.Durations)!.Value)));
        });

    [Property(MaxTest = 100)]
    public Property Partitions_MergedInAnyOrder_EqualTheWhole() =>
        Pair.ForAll(PathQueryDefinitions.Of(), Histories.Of(customers: 4, touchpoints: 6, maxEvents: 30), (definition, history) =>
        {
            JourneyAnalyzer analyzer = Analyzer(TimeSpan.FromSeconds(1));
            EventBatch batch = history.Batch();
            DateTimeOffset asOf = (batch.LatestTimestamp ?? T0).AddSeconds(definition.AsOfOffset);
            PathQuery query = definition.ToQuery();
            PathQueryResult whole = analyzer.QueryPaths(batch, query, asOf);
            var odd = new HashSet<string>(StringComparer.Ordinal) { "c1", "c3" };
            var even = new HashSet<string>(StringComparer.Ordinal) { "c0", "c2" };
            PathQueryAccumulator first = analyzer.CreatePathAccumulator(query, asOf), second = analyzer.CreatePathAccumulator(query, asOf);
            first.Add(batch.ForCustomers(odd));
            second.Add(batch.ForCustomers(even));
            second.Merge(first);
            PathQueryResult merged = second.Build();
            return Same(whole, merged);
        });

    [Fact]
    public void Accumulator_SharedCustomerOrOtherQuery_Throws()
    {
        EventBatch batch = Batch("u1:a@0");
        var query = new PathQuery();
        PathQueryAccumulator a = Hours.CreatePathAccumulator(query, T0), b = Hours.CreatePathAccumulator(query, T0);
        a.Add(batch);
        b.Add(batch);
        Assert.Throws<ArgumentException>(() => a.Merge(b));
        Assert.Throws<ArgumentException>(() => a.Add(batch));
        Assert.Throws<ArgumentException>(() => a.Merge(Hours.CreatePathAccumulator(new PathQuery(), T0)));
    }

    private static bool Same(PathQueryResult x, PathQueryResult y) =>
        (x.Runs, x.WithoutStart, x.WithoutEnd, x.OpenInDropOffStage, x.Excluded, x.OtherRuns, x.DistinctPaths, x.MedianTimeToEnd, x.AsOf)
            == (y.Runs, y.WithoutStart, y.WithoutEnd, y.OpenInDropOffStage, y.Excluded, y.OtherRuns, y.DistinctPaths, y.MedianTimeToEnd, y.AsOf)
        && x.Paths.Select(p => (string.Join(">", p.Steps), p.Truncated, p.Runs, p.Share, p.MedianDuration))
            .SequenceEqual(y.Paths.Select(p => (string.Join(">", p.Steps), p.Truncated, p.Runs, p.Share, p.MedianDuration)));

    private sealed record ExpectedPath(string[] Steps, bool Truncated, List<long> Durations);

    private sealed record Expected(int Runs, int WithoutStart, int WithoutEnd, int Open, int Excluded, List<ExpectedPath> Paths, List<long> TimesToEnd);

    /// <summary>The definition, literally: every run's full step list, then hide, collapse, anchor, end, exclude, cut.</summary>
    private static Expected Reference(JourneyAnalyzer analyzer, EventBatch batch, PathQuery q, DateTimeOffset asOf)
    {
        EventBatch until = batch.Until(asOf);
        var evaluator = new JourneyEvaluator(analyzer.Journey, analyzer.Options.Evaluation);
        IReadOnlyList<JourneyInstance> runs = evaluator.Evaluate(until);
        int withoutStart = 0, withoutEnd = 0, open = 0, excluded = 0;
        var timesToEnd = new List<long>();
        var paths = new Dictionary<string, ExpectedPath>();
        for (int r = 0; r < runs.Count; r++)
        {
            JourneyInstance run = runs[r];
            List<(string Name, long Ticks)> all = q.Level == PathLevel.Stage
                ? [.. run.Visits.Select(v => (analyzer.Journey.Stages[v.Stage].Id, v.EnteredTicks))]
                : [.. History.EventsOf(until, r).Select(e => (e.Touchpoint, e.TimestampTicks))]; // re-entry off: run r is customer r
            var steps = new List<(string Name, long Ticks)>();
            foreach ((string Name, long Ticks) step in all.Where(s => !q.Hidden.Contains(s.Name)))
            {
                if (!(q.CollapseRepeats && steps.Count > 0 && steps[^1].Name == step.Name))
                {
                    steps.Add(step);
                }
            }

            int start = q.StartingAt is null ? (steps.Count > 0 ? 0 : -1) : steps.FindIndex(s => s.Name == q.StartingAt);
            if (start < 0)
            {
                withoutStart++;
                continue;
            }

            JourneyStatus status = evaluator.GetStatus(run, asOf);
            int end = steps.Count - 1;
            if (q.EndingAt is not null)
            {
                int from = q.StartingAt is null ? start : start + 1;
                end = steps.FindIndex(from, s => s.Name == q.EndingAt);
            }
            else if (q.DropOffAt is not null && !(status.State == LifecycleState.Dormant && status.Stage >= 0 && analyzer.Journey.Stages[status.Stage].Id == q.DropOffAt))
            {
                end = -1;
                open += status.State is LifecycleState.InProgress or LifecycleState.Stuck && status.Stage >= 0 && analyzer.Journey.Stages[status.Stage].Id == q.DropOffAt ? 1 : 0;
            }

            if (end < 0)
            {
                withoutEnd++;
                continue;
            }

            List<(string Name, long Ticks)> segment = steps.GetRange(start, end - start + 1);
            if (segment.Any(s => q.Excluded.Contains(s.Name)))
            {
                excluded++;
                continue;
            }

            timesToEnd.Add(segment[^1].Ticks - segment[0].Ticks);
            bool fromEnd = q.StartingAt is null && (q.EndingAt is not null || q.DropOffAt is not null);
            List<(string Name, long Ticks)> shown = [.. fromEnd ? segment.TakeLast(q.Depth + 1) : segment.Take(q.Depth + 1)];
            bool truncated = segment.Count > shown.Count;
            string key = string.Join("\u0002", shown.Select(s => s.Name)) + (truncated ? "\u0001t" : "\u0001c"); // a prefix sorts first
            if (!paths.TryGetValue(key, out ExpectedPath? path))
            {
                paths[key] = path = new ExpectedPath([.. shown.Select(s => s.Name)], truncated, []);
            }

            path.Durations.Add(shown[^1].Ticks - shown[0].Ticks);
        }

        List<ExpectedPath> ordered = [.. paths.OrderByDescending(p => p.Value.Durations.Count).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)];
        return new Expected(runs.Count, withoutStart, withoutEnd, open, excluded, ordered, timesToEnd);
    }

    private static TimeSpan? Median(IEnumerable<long> ticks)
    {
        long[] sorted = [.. ticks.Order()];
        return sorted.Length == 0 ? null : TimeSpan.FromTicks(sorted[((sorted.Length + 1) / 2) - 1]);
    }
}
