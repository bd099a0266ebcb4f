using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching.WindowFunnel;

// Inside the namespace, so that WindowFunnel names the type rather than this test namespace.
using JourneyKit.Matching.WindowFunnel;

/// <summary>Holding a property constant in window funnels (issue 16 item 3).</summary>
public sealed class WindowFunnelHoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static JourneyEvent E(string customer, string touchpoint, int seconds, string? order) =>
        new(customer, touchpoint, T0.AddSeconds(seconds)) { Attributes = order is null ? null : new Dictionary<string, string> { ["order_id"] = order } };

    private static EventBatch Batch(params JourneyEvent[] events)
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            b.Add(e);
        }

        return b.Build();
    }

    private static WindowFunnel Funnel(string steps, string? hold, int maxHeld = WindowFunnel.DefaultMaxHeldValues, WindowFunnelMode mode = WindowFunnelMode.None) =>
        WindowFunnel.Create(steps.Split(',').Select(EventCondition.Touchpoint).ToArray(), new WindowFunnelOptions { Window = TimeSpan.FromHours(1), Mode = mode, HoldAttribute = hold, MaxHeldValues = maxHeld });

    [Fact]
    public void CartOfOneOrder_PaymentOfAnother_DoesNotConvert()
    {
        // The case: cart(A)@0 checkout(A)@10 pay(B)@20. Without hold → 3. Holding order_id: A reaches 2, B has no
        // cart → 0; the customer's level is the best value's, 2.
        EventBatch batch = Batch(E("c", "cart", 0, "A"), E("c", "checkout", 10, "A"), E("c", "pay", 20, "B"));
        Assert.Equal(3, Funnel("cart,checkout,pay", null).Evaluate(batch).Levels[0]);
        Assert.Equal(2, Funnel("cart,checkout,pay", "order_id").Evaluate(batch).Levels[0]);

        // pay(A)@30 completes order A → 3, with conversion 30 s.
        EventBatch paid = Batch(E("c", "cart", 0, "A"), E("c", "checkout", 10, "A"), E("c", "pay", 20, "B"), E("c", "pay", 30, "A"));
        WindowFunnelResult r = Funnel("cart,checkout,pay", "order_id").Evaluate(paid);
        Assert.Equal(3, r.Levels[0]);
        Assert.Equal(TimeSpan.FromSeconds(30), r.ConversionTime(0, 3));
    }

    [Fact]
    public void EventsWithoutTheAttribute_AreIgnored_AlsoByStrictOrder()
    {
        // cart(A)@0, x (no order)@5, checkout(A)@10 with strict_order: x carries no order_id, so order A's funnel never
        // sees it → 2. Without hold, x stops the search → 1.
        EventBatch batch = Batch(E("c", "cart", 0, "A"), E("c", "x", 5, null), E("c", "checkout", 10, "A"));
        Assert.Equal(1, Funnel("cart,checkout", null, mode: WindowFunnelMode.StrictOrder).Evaluate(batch).Levels[0]);
        Assert.Equal(2, Funnel("cart,checkout", "order_id", mode: WindowFunnelMode.StrictOrder).Evaluate(batch).Levels[0]);

        // An event of another order is not "another event" of order A either.
        EventBatch other = Batch(E("c", "cart", 0, "A"), E("c", "x", 5, "B"), E("c", "checkout", 10, "A"));
        Assert.Equal(2, Funnel("cart,checkout", "order_id", mode: WindowFunnelMode.StrictOrder).Evaluate(other).Levels[0]);
    }

    [Fact]
    public void PastTheCap_ThrowsAClearError_BatchAndStreaming()
    {
        // Three distinct orders with a cap of 2.
        JourneyEvent[] events = [E("c", "cart", 0, "A"), E("c", "cart", 1, "B"), E("c", "cart", 2, "C")];
        WindowFunnel funnel = Funnel("cart,pay", "order_id", maxHeld: 2);
        var e = Assert.Throws<InvalidOperationException>(() => funnel.Evaluate(Batch(events)));
        Assert.Contains("more than 2 distinct 'order_id' values", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxHeldValues", e.Message, StringComparison.Ordinal);

        WindowFunnelState state = funnel.CreateState();
        funnel.Advance(state, events[0]);
        funnel.Advance(state, events[1]);
        Assert.Throws<InvalidOperationException>(() => funnel.Advance(state, events[2]));
        Assert.Throws<ArgumentException>(() => Funnel("a,b", " "));
    }

    [Fact]
    public void Explain_ShowsTheHeldValuesChain()
    {
        EventBatch batch = Batch(E("c", "cart", 0, "A"), E("c", "cart", 5, "B"), E("c", "checkout", 10, "B"));
        WindowFunnelExplanation x = Funnel("cart,checkout,pay", "order_id").Explain(batch, "c")!;
        Assert.Equal(2, x.Level);
        Assert.Equal("B", x.HeldValue);
        Assert.Equal(TimeSpan.FromSeconds(5), x.Chain[1].SincePrevious);
    }

    /// <summary>
    /// Holding a property is the same as running the funnel once per distinct value over that value's events and taking
    /// the best level — against the literal references (ClickHouse's, or the chain enumeration with constraints) — in
    /// batch, parallel batch, and streaming resumed from bytes mid-way.
    /// </summary>
    [Property(MaxTest = 300, Arbitrary = [typeof(WindowFunnelStepConstraintTests.Arbitraries)])]
    public bool Hold_IsTheBestValuesFunnel(WindowFunnelStepConstraintTests.FunnelCase c, byte[] valueCodes)
    {
        WindowFunnel plain = WindowFunnelStepConstraintTests.Funnel(c);
        WindowFunnel funnel = WindowFunnel.Create(plain.Steps, new WindowFunnelOptions
        {
            Window = plain.Window,
            Mode = plain.Mode,
            StepConstraints = plain.StepConstraints,
            HoldAttribute = "order_id",
        });
        (List<JourneyEvent> raw, _) = WindowFunnelStepConstraintTests.Build(c);
        string?[] codes = ["A", "B", "C", null];
        var events = raw.Select((e, i) => valueCodes.Length == 0 ? e : e with { Attributes = codes[valueCodes[i % valueCodes.Length] % 4] is { } v ? new Dictionary<string, string> { ["order_id"] = v } : null }).ToList();
        var builder = new EventBatchBuilder();
        events.ForEach(e => builder.Add(e));
        EventBatch batch = builder.Build();

        (long[] min, long[] max) = (new long[plain.StepCount], Enumerable.Repeat(long.MaxValue, plain.StepCount).ToArray());
        foreach (FunnelStepConstraint b in plain.StepConstraints)
        {
            min[b.ToStep - 1] = Math.Max(min[b.ToStep - 1], b.MinTime.Ticks);
            max[b.ToStep - 1] = Math.Min(max[b.ToStep - 1], b.MaxTime.Ticks);
        }

        int Expected(string customer)
        {
            int best = 0;
            foreach (IGrouping<string, JourneyEvent> value in events.Where(e => e.CustomerId == customer && e.Attributes is not null).GroupBy(e => e.Attributes!["order_id"]))
            {
                List<JourneyEvent> list = [.. value];
                int level = plain.HasStepConstraints
                    ? ChainReference.Customer(list, plain.Steps, plain.Window.Ticks, plain.Mode, min, max).Level
                    : WindowFunnelReference.Level(list, plain.Steps, plain.Window.Ticks, plain.Mode);
                best = Math.Max(best, level);
            }

            return best;
        }

        WindowFunnelResult result = funnel.Evaluate(batch);
        WindowFunnelResult parallel = ParallelPath.Run(() => funnel.Evaluate(batch, ParallelPath.Degree));
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            int expected = Expected(result.CustomerId(run));
            if (result.Levels[run] != expected || parallel.Levels[run] != expected || funnel.Explain(batch, result.CustomerId(run))!.Level != expected)
            {
                return false;
            }

            WindowFunnelState state = funnel.CreateState();
            int from = batch.CustomerStarts[run];
            int to = batch.CustomerStarts[run + 1];
            for (int i = from; i < to; i++)
            {
                if (i == (from + to) / 2)
                {
                    var bytes = new byte[state.SerializedSize];
                    state.WriteTo(bytes);
                    state = WindowFunnelState.ReadFrom(bytes);
                }

                funnel.Advance(state, batch.GetEvent(i));
            }

            if (funnel.GetLevel(state) != expected)
            {
                return false;
            }
        }

        return true;
    }
}
