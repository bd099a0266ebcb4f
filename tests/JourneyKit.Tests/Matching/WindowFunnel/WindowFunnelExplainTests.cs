using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching.WindowFunnel;

// Inside the namespace, so that WindowFunnel names the type rather than this test namespace.
using JourneyKit.Matching.WindowFunnel;

/// <summary>Explanations and step-to-step times of window funnels (issue 16 items 5 and 6).</summary>
public sealed class WindowFunnelExplainTests
{
    private static readonly DateTimeOffset T9 = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private static EventBatch Batch(params (string Customer, string Touchpoint, int Seconds, string Id)[] events)
    {
        var b = new EventBatchBuilder();
        foreach ((string c, string tp, int s, string id) in events)
        {
            b.Add(new JourneyEvent(c, tp, T9.AddSeconds(s)) { EventId = id });
        }

        return b.Build();
    }

    [Fact]
    public void StrictDeduplication_NamesTheRepeatThatStoppedTheChain()
    {
        // view@09:00:00 cart.add@09:01:00 cart.add@09:02:10 checkout@09:03:00: the second cart.add repeats step 2 → level 2.
        EventBatch batch = Batch(("c", "view", 0, "e1"), ("c", "cart.add", 60, "e2"), ("c", "cart.add", 130, "e3"), ("c", "checkout", 180, "e4"));
        WindowFunnel funnel = WindowFunnel.Create(["view", "cart.add", "checkout"], TimeSpan.FromHours(1), WindowFunnelMode.StrictDeduplication);
        WindowFunnelExplanation x = funnel.Explain(batch, "c")!;

        Assert.Equal(2, x.Level);
        Assert.Equal(["e1", "e2"], x.Chain.Select(s => s.EventId));
        Assert.Equal(TimeSpan.FromMinutes(1), x.Chain[1].SincePrevious);
        Assert.NotNull(x.Stopped);
        Assert.Equal("strict_deduplication", x.Stopped.Code);
        Assert.Equal("e3", x.Stopped.EventId);
        Assert.Equal("strict_deduplication: a repeated 'cart.add' at 2026-05-01T09:02:10Z stopped the chain at level 2", x.Stopped.Message);
        Assert.Null(x.NextStep);
    }

    [Fact]
    public void StrictOrder_NamesTheOtherEvent()
    {
        // a@0 b@1 x@2 c@3 with strict_order: x matches no step → level 2, stopped by x.
        EventBatch batch = Batch(("c", "a", 0, "e1"), ("c", "b", 1, "e2"), ("c", "x", 2, "e3"), ("c", "c", 3, "e4"));
        WindowFunnelExplanation x = WindowFunnel.Create(["a", "b", "c"], TimeSpan.FromHours(1), WindowFunnelMode.StrictOrder).Explain(batch, "c")!;
        Assert.Equal(2, x.Level);
        Assert.Equal("strict_order", x.Stopped!.Code);
        Assert.Equal(0, x.Stopped.Step);
        Assert.Equal("e3", x.Stopped.EventId);
    }

    [Fact]
    public void Window_TheLateNextStepIsReported()
    {
        // a@0 b@3600 c@3601, window 1 h: c is 1 h 0 m 1 s after a → level 2, next step refused by the window.
        EventBatch batch = Batch(("c", "a", 0, "e1"), ("c", "b", 3600, "e2"), ("c", "c", 3601, "e3"));
        WindowFunnelExplanation x = WindowFunnel.Create(["a", "b", "c"], TimeSpan.FromHours(1)).Explain(batch, "c")!;
        Assert.Equal(2, x.Level);
        Assert.Null(x.Stopped);
        Assert.Equal("window", x.NextStep!.Code);
        Assert.Equal(3, x.NextStep.Step);
        Assert.Equal("e3", x.NextStep.EventId);
        Assert.Contains("outside the window of 1h", x.NextStep.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StepMinimum_TheTooSoonNextStepIsReported()
    {
        // s1@0 s2@60 s3@120 with s3 at least 7 days after s2 → level 2; s3 came 1 minute after s2.
        EventBatch batch = Batch(("c", "s1", 0, "e1"), ("c", "s2", 60, "e2"), ("c", "s3", 120, "e3"));
        WindowFunnel funnel = WindowFunnel.Create(
            [EventCondition.Touchpoint("s1"), EventCondition.Touchpoint("s2"), EventCondition.Touchpoint("s3")],
            new WindowFunnelOptions { Window = TimeSpan.FromDays(30), StepConstraints = [FunnelStepConstraint.After(3, TimeSpan.FromDays(7))] });
        WindowFunnelExplanation x = funnel.Explain(batch, "c")!;
        Assert.Equal(2, x.Level);
        Assert.Equal("step_min", x.NextStep!.Code);
        Assert.Contains("is 1m after step 2", x.NextStep.Message, StringComparison.Ordinal);
        Assert.Contains("less than the 7d minimum", x.NextStep.Message, StringComparison.Ordinal);
        Assert.Null(funnel.Explain(batch, "nobody"));
    }

    [Fact]
    public void TimeBetween_AndPercentiles_OverTheKeptChains()
    {
        // Steps a,b,c, window 1 h. u1: a@0 b@10 c@40 → 1→3 40 s, 2→3 30 s. u2: a@0 b@20 c@30 → 30 s, 10 s. u3: a@0 b@5 → no c.
        // 2→3 over u1, u2: 10 s, 30 s → p50 (rank 1) 10 s, p90 (rank 2) 30 s. 1→2 over all three: 5, 10, 20 → p50 10 s.
        EventBatch batch = Batch(("u1", "a", 0, "1"), ("u1", "b", 10, "2"), ("u1", "c", 40, "3"), ("u2", "a", 0, "4"), ("u2", "b", 20, "5"), ("u2", "c", 30, "6"), ("u3", "a", 0, "7"), ("u3", "b", 5, "8"));
        WindowFunnelResult r = WindowFunnel.Create(["a", "b", "c"], TimeSpan.FromHours(1)).Evaluate(batch);
        Assert.Equal(TimeSpan.FromSeconds(30), r.TimeBetween(0, 2, 3));
        Assert.Null(r.TimeBetween(2, 2, 3));
        FunnelTimes t = r.TimeToConvert(2, 3);
        Assert.Equal((2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)), (t.Customers, t.P50!.Value, t.P90!.Value));
        Assert.Equal(TimeSpan.FromSeconds(10), r.TimeToConvert(1, 2).P50);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.TimeToConvert(3, 3));
    }

    /// <summary>
    /// On random funnels (with and without step constraints, every mode): the explanation's level is the engine's, its
    /// chain is a real chain (steps matched in order, within the window and the bounds), and TimeBetween(1, k) is
    /// ConversionTime(k).
    /// </summary>
    [Property(MaxTest = 300, Arbitrary = [typeof(WindowFunnelStepConstraintTests.Arbitraries)])]
    public bool Explanation_AgreesWithTheEngine(WindowFunnelStepConstraintTests.FunnelCase c)
    {
        WindowFunnel funnel = WindowFunnelStepConstraintTests.Funnel(c);
        (_, EventBatch batch) = WindowFunnelStepConstraintTests.Build(c);
        WindowFunnelResult result = funnel.Evaluate(batch);
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            WindowFunnelExplanation x = funnel.Explain(batch, result.CustomerId(run))!;
            if (x.Level != result.Levels[run] || x.Chain.Count != x.Level)
            {
                return false;
            }

            for (int k = 0; k < x.Chain.Count; k++)
            {
                FunnelChainStep s = x.Chain[k];
                if (s.Touchpoint != c.Steps[k] || s.SinceStart > funnel.Window || (k > 0 && s.SincePrevious < TimeSpan.Zero))
                {
                    return false;
                }

                foreach (FunnelStepConstraint bound in funnel.HasStepConstraints ? funnel.StepConstraints : [])
                {
                    if (bound.ToStep == k + 1 && (s.SincePrevious < bound.MinTime || s.SincePrevious > bound.MaxTime))
                    {
                        return false;
                    }
                }
            }

            for (int k = 1; k <= funnel.StepCount; k++)
            {
                if (result.TimeBetween(run, 1, k) != result.ConversionTime(run, k))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
