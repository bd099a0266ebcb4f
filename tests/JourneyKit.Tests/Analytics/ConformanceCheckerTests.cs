using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>Per-run alignment fitness and deviations (issue 19 item 5): hand-worked alignments and a shortest-path reference.</summary>
public sealed class ConformanceCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>a → b → c → d (goal), each stage allowing only the next one; touchpoint x is in the catalog but in no stage.</summary>
    private static CompiledJourney Linear(bool withNext = true) => new JourneyBuilder("linear")
        .Touchpoint("ta", Channel.Web).Touchpoint("tb", Channel.Web).Touchpoint("tc", Channel.Web).Touchpoint("td", Channel.Web).Touchpoint("x", Channel.Web)
        .Stage("a", s => Next(s.Touchpoints("ta").StandardTime(TimeSpan.FromDays(1)), withNext, "b"))
        .Stage("b", s => Next(s.Touchpoints("tb").StandardTime(TimeSpan.FromDays(1)), withNext, "c"))
        .Stage("c", s => Next(s.Touchpoints("tc").StandardTime(TimeSpan.FromDays(1)), withNext, "d"))
        .Stage("d", s => s.Touchpoints("td").Goal())
        .Build()
        .Compile();

    private static void Next(StageBuilder stage, bool withNext, string next)
    {
        if (withNext)
        {
            stage.Next(next);
        }
    }

    /// <summary>One customer's events, one per hour: touchpoint names.</summary>
    private static (JourneyInstance Run, EventBatch Batch) Run(CompiledJourney journey, params string[] touchpoints)
    {
        var b = new EventBatchBuilder();
        for (int i = 0; i < touchpoints.Length; i++)
        {
            b.Add(new JourneyEvent("k", touchpoints[i], T0.AddHours(i), Channel.Web));
        }

        EventBatch batch = b.Build();
        return (new JourneyEvaluator(journey).Evaluate(batch).Single(), batch);
    }

    private static CustomerConformance Check(CompiledJourney journey, params string[] touchpoints)
    {
        (JourneyInstance run, EventBatch batch) = Run(journey, touchpoints);
        return new ConformanceChecker(journey).Check(run, batch);
    }

    [Fact]
    public void Check_DesignedPath_FitnessOne_NoDeviations()
    {
        CustomerConformance c = Check(Linear(), "ta", "tb", "tc", "td");
        Assert.Equal(4, c.StageVisits);
        Assert.Equal(0, c.AlignmentCost);
        Assert.Equal(1.0, c.Fitness);
        Assert.Empty(c.Deviations);
    }

    [Fact]
    public void Check_SkippedStage_IsOneModelMove()
    {
        // Trace a, c, d: sync a, model move b, sync c, sync d → cost 1; fitness = 1 − 1/3 = 0.6667.
        CustomerConformance c = Check(Linear(), "ta", "tc", "td");
        Assert.Equal(1, c.AlignmentCost);
        Assert.Equal(1 - (1.0 / 3), c.Fitness!.Value, 10);
        ConformanceDeviation d = Assert.Single(c.Deviations);
        Assert.Equal(new ConformanceDeviation(ConformanceDeviationKind.SkippedStage, "b", "a", T0.AddHours(1), 1), d);
    }

    [Fact]
    public void Check_StartInTheMiddle_SkipsTheFirstStage()
    {
        // Trace b, c, d: model move a then sync b, c, d → cost 1 (three log moves would cost 3); fitness = 1 − 1/3.
        CustomerConformance c = Check(Linear(), "tb", "tc", "td");
        Assert.Equal(1, c.AlignmentCost);
        Assert.Equal(2.0 / 3, c.Fitness!.Value, 10);
        Assert.Equal([new ConformanceDeviation(ConformanceDeviationKind.SkippedStage, "a", null, T0, 1)], c.Deviations);
    }

    [Fact]
    public void Check_Backtrack_IsOneLogMove()
    {
        // Trace a, b, a, b, c, d with b → a not allowed: sync a, sync b, log a (the model stays in b), sync b (staying is
        // allowed), sync c, sync d → cost 1; fitness = 1 − 1/6 = 0.8333.
        CustomerConformance c = Check(Linear(), "ta", "tb", "ta", "tb", "tc", "td");
        Assert.Equal(6, c.StageVisits);
        Assert.Equal(1, c.AlignmentCost);
        Assert.Equal(5.0 / 6, c.Fitness!.Value, 10);
        Assert.Equal([new ConformanceDeviation(ConformanceDeviationKind.DisallowedTransition, "a", "b", T0.AddHours(2), 1)], c.Deviations);
    }

    [Fact]
    public void Check_LongJump_IsALogMove_WhenCheaperThanTheSkips()
    {
        // Trace a, d: reaching d in the model needs the model moves b and c (cost 2); a log move on d costs 1 (the model
        // stays in a, a prefix of the journey). So cost 1, fitness 1 − 1/2, and d is a disallowed visit from a.
        CustomerConformance c = Check(Linear(), "ta", "td");
        Assert.Equal(1, c.AlignmentCost);
        Assert.Equal(0.5, c.Fitness);
        Assert.Equal([new ConformanceDeviation(ConformanceDeviationKind.DisallowedTransition, "d", "a", T0.AddHours(1), 1)], c.Deviations);
    }

    [Fact]
    public void Check_WithoutNextLists_AnyForwardMoveIsAllowed()
    {
        // No stage lists "next": a → c is allowed, so nothing is skipped.
        CustomerConformance c = Check(Linear(withNext: false), "ta", "tc", "td");
        Assert.Equal(1.0, c.Fitness);
        Assert.Empty(c.Deviations);
    }

    [Fact]
    public void Check_OutOfPathTouchpoints_ListedWithCounts_NotInFitness()
    {
        // x (catalog, no stage) twice from hour 1, "mystery" (not in the catalog) once at hour 3; stage trace a, b.
        CustomerConformance c = Check(Linear(), "ta", "x", "x", "mystery", "tb");
        Assert.Equal(1.0, c.Fitness);
        Assert.Equal(3, c.OutOfPathEvents);
        Assert.Equal(
            [
                new ConformanceDeviation(ConformanceDeviationKind.OutOfPathTouchpoint, "x", null, T0.AddHours(1), 2),
                new ConformanceDeviation(ConformanceDeviationKind.OutOfPathTouchpoint, "mystery", null, T0.AddHours(3), 1),
            ],
            c.Deviations);

        // Without the events the out-of-path touchpoints are only counted.
        (JourneyInstance run, _) = Run(Linear(), "ta", "x", "x", "mystery", "tb");
        CustomerConformance counted = new ConformanceChecker(Linear()).Check(run);
        Assert.Equal(3, counted.OutOfPathEvents);
        Assert.Empty(counted.Deviations);
    }

    [Fact]
    public void Check_NoStageVisit_FitnessNull()
    {
        CustomerConformance c = Check(Linear(), "x");
        Assert.Null(c.Fitness);
        Assert.Equal(0, c.StageVisits);
    }

    [Fact]
    public void Conformance_OnTheAnalyzer_OneEntryPerRun()
    {
        CompiledJourney journey = JourneyAnalyzerTests.Journey();
        IReadOnlyList<CustomerConformance> all = new JourneyAnalyzer(journey).Conformance(JourneyAnalyzerTests.Batch(), JourneyAnalyzerTests.T0.AddDays(3));
        Assert.Equal(["c1", "c2", "c3", "c4", "c5"], all.Select(c => c.CustomerId).Order(StringComparer.Ordinal));

        // c2: apply, verify, apply — verify → apply is allowed; c5 starts in verify: apply skipped (cost 1 of 1 visit).
        Assert.Equal(1.0, all.Single(c => c.CustomerId == "c2").Fitness);
        CustomerConformance c5 = all.Single(c => c.CustomerId == "c5");
        Assert.Equal(0.0, c5.Fitness);
        Assert.Null(all.Single(c => c.CustomerId == "c4").Fitness); // ad: no stage
    }

    /// <summary>
    /// The optimal cost equals a plain Dijkstra over (trace position, model state) with the model read from the journey
    /// definition (next lists, terminal stages); the chosen alignment's deviations rebuild a valid model run.
    /// </summary>
    /// <remarks>Each generated stage: an implicit next (false) or an explicit list (true) of s + 1 and the other stages
    /// whose bit is set in the mask; each generated event: the unknown touchpoint x (true) or t(index mod stages).</remarks>
    [Property(MaxTest = 300)]
    public Property Check_AgreesWithShortestPathReference() => Pair.ForAll(
        Small.ArrayOf(
            from explicitNext in Gen.Frequency((1, Gen.Constant(false)), (3, Gen.Constant(true)))
            from mask in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(0, 31)))
            select (ExplicitNext: explicitNext, Mask: mask),
            1,
            5),
        Small.ArrayOf(
            from unknown in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
            from index in Gen.Choose(0, 4)
            select (Unknown: unknown, Index: index),
            1,
            9),
        (generatedStages, generatedTrace) =>
    {
        int stages = generatedStages.Length;
        var builder = new JourneyBuilder("r");
        var next = new List<string>?[stages];
        for (int s = 0; s < stages; s++)
        {
            builder.Touchpoint("t" + s, Channel.Web);
            if (generatedStages[s].ExplicitNext)
            {
                // s → s+1 always (the validator wants every stage reachable with a way out), other moves by the mask.
                int mask = generatedStages[s].Mask;
                next[s] = [.. Enumerable.Range(0, stages).Where(t => t != s && (t == s + 1 || (mask & (1 << t)) != 0)).Select(t => "s" + t)];
            }
        }

        builder.Touchpoint("x", Channel.Web);
        int goal = stages - 1;
        for (int s = 0; s < stages; s++)
        {
            int index = s;
            builder.Stage("s" + s, b =>
            {
                b.Touchpoints("t" + index);
                if (index == goal)
                {
                    b.Goal();
                }
                else
                {
                    b.StandardTime(TimeSpan.FromDays(1));
                    if (next[index] is { } n)
                    {
                        b.Next([.. n]);
                    }
                }
            });
        }

        CompiledJourney journey;
        try
        {
            journey = builder.Build().Compile();
        }
        catch (JourneyValidationException)
        {
            return true; // a design the validator refuses (e.g. a stage with no way out): not this test's concern
        }

        var touchpoints = generatedTrace.Select(g => g.Unknown ? "x" : "t" + (g.Index % stages)).ToList();

        (JourneyInstance run, EventBatch batch) = Run(journey, [.. touchpoints]);
        CustomerConformance c = new ConformanceChecker(journey).Check(run, batch);
        int[] trace = [.. run.Visits.Select(v => v.Stage)];
        Journey definition = journey.Journey;
        bool Step(int from, int to) => from < 0
            ? to == 0
            : from != to && !definition.Stages[from].IsGoal && !definition.Stages[from].IsFailure
              && (definition.Stages[from].Next is not { } n || n.Contains(definition.Stages[to].Id));

        int expected = ReferenceCost(trace, stages, Step);
        Assert.Equal(expected, c.AlignmentCost);
        Assert.Equal(trace.Length == 0 ? null : 1 - ((double)expected / trace.Length), c.Fitness);
        Assert.Equal(expected, c.Deviations.Count(d => d.Kind != ConformanceDeviationKind.OutOfPathTouchpoint));
        Assert.Equal(touchpoints.Count(t => t == "x"), c.OutOfPathEvents);

        // Rebuild the model run: before each visit its skipped stages, then the visit unless it is a log move.
        var model = new List<int>();
        for (int i = 0; i < trace.Length; i++)
        {
            DateTimeOffset at = new(run.Visits[i].EnteredTicks, TimeSpan.Zero);
            model.AddRange(c.Deviations.Where(d => d.Kind == ConformanceDeviationKind.SkippedStage && d.At == at).Select(d => journey.Stages.IndexOf(journey.Stages.Single(s => s.Id == d.Subject))));
            if (!c.Deviations.Any(d => d.Kind == ConformanceDeviationKind.DisallowedTransition && d.At == at))
            {
                model.Add(trace[i]);
            }
        }

        for (int i = 0; i < model.Count; i++)
        {
            int from = i == 0 ? -1 : model[i - 1];
            Assert.True(from == model[i] || Step(from, model[i]), $"model run {string.Join(",", model)} breaks at {i}");
        }

        return true;
    });

    /// <summary>Dijkstra over nodes (i, q), q = -1 the start: log (i,q)→(i+1,q) cost 1; sync (i,q)→(i+1,v) cost 0 when q = v
    /// or the model steps q → v; model (i,q)→(i,t) cost 1 when it steps q → t. Every (n, q) is final.</summary>
    private static int ReferenceCost(int[] trace, int stages, Func<int, int, bool> step)
    {
        var best = new Dictionary<(int I, int Q), int>();
        var queue = new PriorityQueue<(int I, int Q), int>();
        queue.Enqueue((0, -1), 0);
        best[(0, -1)] = 0;
        while (queue.TryDequeue(out (int I, int Q) node, out int cost))
        {
            if (best[node] < cost)
            {
                continue;
            }

            if (node.I == trace.Length)
            {
                return cost;
            }

            void Relax((int, int) to, int c)
            {
                if (!best.TryGetValue(to, out int old) || c < old)
                {
                    best[to] = c;
                    queue.Enqueue(to, c);
                }
            }

            Relax((node.I + 1, node.Q), cost + 1);
            int v = trace[node.I];
            if (node.Q == v || step(node.Q, v))
            {
                Relax((node.I + 1, v), cost);
            }

            for (int t = 0; t < stages; t++)
            {
                if (step(node.Q, t))
                {
                    Relax((node.I, t), cost + 1);
                }
            }
        }

        throw new InvalidOperationException("unreachable: the all-log-moves alignment always exists");
    }
}
