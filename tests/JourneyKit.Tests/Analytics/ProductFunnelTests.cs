using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Matching.ProductFunnel;
using JourneyKit.Model;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

public sealed class ProductFunnelTests
{
    private static readonly DateTimeOffset T0 = JourneyAnalyzerTests.T0;

    private static EventBatch Batch(params (string Customer, string Touchpoint, double Minutes)[] events)
    {
        var b = new EventBatchBuilder();
        foreach ((string c, string tp, double m) in events)
        {
            b.Add(new JourneyEvent(c, tp, T0.AddMinutes(m)));
        }

        return b.Build();
    }

    [Fact]
    public void Types_DifferOnEventsBetweenStepsAndOrder()
    {
        // a@0 x@1 b@2 c@10, window 5m: ordered reaches b (c is 10m after a); strict stops at x; unordered: a, b → 2.
        // Customer 2: c@0 a@1 b@2 — unordered 3 (all within 2m); ordered a@1 b@2 → 2; strict a b → 2.
        EventBatch batch = Batch(("u1", "a", 0), ("u1", "x", 1), ("u1", "b", 2), ("u1", "c", 10), ("u2", "c", 0), ("u2", "a", 1), ("u2", "b", 2));
        string[] steps = ["a", "b", "c"];
        int[] Counts(ProductFunnelType type) => [.. new ProductFunnel(steps, type, TimeSpan.FromMinutes(5)).Evaluate(batch).Steps.Select(s => s.Customers)];
        Assert.Equal([2, 2, 0], Counts(ProductFunnelType.Ordered));
        Assert.Equal([2, 1, 0], Counts(ProductFunnelType.Strict));
        Assert.Equal([2, 2, 1], Counts(ProductFunnelType.Unordered));
    }

    [Fact]
    public void UnboundedWindow_DoesNotWrap_Issue16()
    {
        // a@0 b@+100 years: start + TimeSpan.MaxValue would overflow a long; the limit saturates, so b counts.
        EventBatch batch = Batch(("u", "a", 0), ("u", "b", 100 * 365.25 * 24 * 60));
        ProductFunnelResult r = new ProductFunnel(["a", "b"], ProductFunnelType.Ordered, Duration.Unbounded).Evaluate(batch);
        Assert.Equal([1, 1], r.Steps.Select(s => s.Customers));
    }

    [Fact]
    public void Exclusion_StopsAnAttempt_ALaterCleanAttemptCounts()
    {
        // Attempt 1: a@0, x@1 (excluded after step 1) → stops at 1. Attempt 2: a@4 b@5 c@7 → 3; its times: 1m, 2m.
        EventBatch batch = Batch(("u", "a", 0), ("u", "x", 1), ("u", "b", 2), ("u", "c", 3), ("u", "a", 4), ("u", "b", 5), ("u", "c", 7));
        var funnel = new ProductFunnel(["a", "b", "c"], ProductFunnelType.Ordered, TimeSpan.FromHours(1), [new FunnelExclusion("x", 1)]);
        ProductFunnelResult r = funnel.Evaluate(batch);
        Assert.Equal([1, 1, 1], r.Steps.Select(s => s.Customers));
        Assert.Equal(TimeSpan.FromMinutes(1), r.Steps[1].P50);
        Assert.Equal(TimeSpan.FromMinutes(2), r.Steps[2].P50);

        // The same exclusion after step 2 does not stop attempt 1 (x comes before b): a b c at 0, 2, 3.
        ProductFunnelResult later = new ProductFunnel(["a", "b", "c"], ProductFunnelType.Ordered, TimeSpan.FromHours(1), [new FunnelExclusion("x", 2)]).Evaluate(batch);
        Assert.Equal(TimeSpan.FromMinutes(2), later.Steps[1].P50);
    }

    [Fact]
    public void TimeToConvert_NearestRankPercentilesOverCustomers_AndConversionRates()
    {
        // a→b gaps: u1 1m, u2 2m, u3 3m, u4 10m; u5 only a. p50 = rank 2 → 2m; p90 = rank ⌈3.6⌉ = 4 → 10m.
        EventBatch batch = Batch(
            ("u1", "a", 0), ("u1", "b", 1), ("u2", "a", 0), ("u2", "b", 2), ("u3", "a", 0), ("u3", "b", 3),
            ("u4", "a", 0), ("u4", "b", 10), ("u5", "a", 0), ("u6", "z", 0));
        ProductFunnelResult r = new ProductFunnel(["a", "b"], ProductFunnelType.Ordered, TimeSpan.FromHours(1)).Evaluate(batch);
        Assert.Equal(6, r.Customers);
        Assert.Equal((5, 4), (r.Steps[0].Customers, r.Steps[1].Customers));
        Assert.Null(r.Steps[0].P50);
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)), (r.Steps[1].P50, r.Steps[1].P90, r.Steps[1].P99));
        Assert.Equal(5.0 / 6, r.ConversionRate(0));
        Assert.Equal(0.8, r.ConversionRate(1));
    }

    [Fact]
    public void EqualTimestamps_CountInStreamOrder_AndTheWindowIsInclusive()
    {
        EventBatch batch = Batch(("u", "a", 0), ("u", "b", 0), ("u", "c", 5));
        Assert.Equal([1, 1, 1], new ProductFunnel(["a", "b", "c"], ProductFunnelType.Strict, TimeSpan.FromMinutes(5)).Evaluate(batch).Steps.Select(s => s.Customers));
    }

    [Fact]
    public void BadDefinitions_AreRejectedWithTheReason()
    {
        Assert.Throws<ArgumentException>(() => new ProductFunnel([], ProductFunnelType.Ordered, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => new ProductFunnel(["a", " "], ProductFunnelType.Ordered, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProductFunnel(["a"], ProductFunnelType.Ordered, TimeSpan.Zero));
        ArgumentException e = Assert.Throws<ArgumentException>(() => new ProductFunnel(["a", "b"], ProductFunnelType.Ordered, TimeSpan.FromHours(1), [new FunnelExclusion("x", 2)]));
        Assert.Contains("from 1 to 1", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The literal definition from the docs, one attempt at a time, over LINQ-sorted raw events.</summary>
    private static int[] ReferenceLevels(List<JourneyEvent> input, string[] steps, ProductFunnelType type, TimeSpan window, FunnelExclusion[] exclusions)
    {
        var levels = new List<int>();
        foreach (var customer in input.GroupBy(e => e.CustomerId))
        {
            List<JourneyEvent> events = [.. customer.OrderBy(e => e.TimestampTicks)];
            int best = 0;
            for (int start = 0; start < events.Count; start++)
            {
                bool starts = type == ProductFunnelType.Unordered ? steps.Contains(events[start].Touchpoint) : events[start].Touchpoint == steps[0];
                if (!starts)
                {
                    continue;
                }

                var done = new HashSet<int> { type == ProductFunnelType.Unordered ? Array.IndexOf(steps, events[start].Touchpoint) : 0 };
                for (int j = start + 1; j < events.Count && done.Count < steps.Length && events[j].Timestamp - events[start].Timestamp <= window; j++)
                {
                    string tp = events[j].Touchpoint;
                    int next = type == ProductFunnelType.Unordered
                        ? Enumerable.Range(0, steps.Length).FirstOrDefault(s => !done.Contains(s) && steps[s] == tp, -1)
                        : steps[done.Count] == tp ? done.Count : -1;
                    if (next >= 0)
                    {
                        done.Add(next);
                    }
                    else if (type == ProductFunnelType.Strict || exclusions.Any(x => x.Touchpoint == tp && x.AfterStep == done.Count))
                    {
                        break;
                    }
                }

                best = Math.Max(best, done.Count);
            }

            levels.Add(best);
        }

        return [.. Enumerable.Range(1, steps.Length).Select(k => levels.Count(l => l >= k))];
    }

    /// <remarks>Knobs: the steps (permutation k of a b c d, its first 1–3 letters), an exclusion (0: none, else of
    /// letter value − 1) and its step (at most the last), the window in minutes (0: one tick). Each generated event: its
    /// customer, the minutes since that customer's previous event, its touchpoint.</remarks>
    [Property(MaxTest = 300)]
    public Property Engine_AgreesWithTheReference_AndStrictOrderedUnorderedNest() => Pair.ForAll(
        Small.Each((0, 23), (1, 3), (0, 4), (1, 2), (0, 29)),
        Small.ArrayOf(
            from customer in Gen.Choose(0, 7)
            from gap in Gen.Choose(0, 5)
            from tp in Gen.Choose(0, 3)
            select (Customer: customer, Gap: gap, Touchpoint: tp),
            0,
            60),
        (knobs, generated) =>
    {
        string[] alphabet = ["a", "b", "c", "d"];
        var letters = alphabet.ToList();
        var permutation = new List<string>();
        for (int k = knobs[0], radix = 4; radix > 0; k /= radix, radix--)
        {
            permutation.Add(letters[k % radix]);
            letters.RemoveAt(k % radix);
        }

        string[] steps = [.. permutation.Take(knobs[1])];
        var exclusions = steps.Length > 1 && knobs[2] != 0 ? new[] { new FunnelExclusion(alphabet[knobs[2] - 1], Math.Min(knobs[3], steps.Length - 1)) } : [];
        var window = TimeSpan.FromMinutes(knobs[4]);
        if (window == TimeSpan.Zero)
        {
            window = TimeSpan.FromTicks(1);
        }

        var input = new List<JourneyEvent>();
        var minute = new int[8];
        foreach (var g in generated)
        {
            minute[g.Customer] += g.Gap;
            input.Add(new JourneyEvent("u" + g.Customer, alphabet[g.Touchpoint], T0.AddMinutes(minute[g.Customer])));
        }

        var batch = new EventBatchBuilder();
        foreach (JourneyEvent e in input)
        {
            batch.Add(e);
        }

        EventBatch built = batch.Build();
        var counts = new Dictionary<ProductFunnelType, int[]>();
        foreach (ProductFunnelType type in Enum.GetValues<ProductFunnelType>())
        {
            ProductFunnelResult r = new ProductFunnel(steps, type, window, exclusions).Evaluate(built);
            counts[type] = [.. r.Steps.Select(s => s.Customers)];
            Assert.Equal(ReferenceLevels(input, steps, type, window, exclusions), counts[type]);
            Assert.Equal(counts[type].OrderByDescending(x => x), counts[type]);
        }

        for (int k = 0; k < steps.Length; k++)
        {
            Assert.True(counts[ProductFunnelType.Strict][k] <= counts[ProductFunnelType.Ordered][k]);
            if (exclusions.Length == 0)
            {
                Assert.True(counts[ProductFunnelType.Ordered][k] <= counts[ProductFunnelType.Unordered][k]);
            }
        }

        return true;
    });

    [Fact]
    public void Accumulators_MergeToTheWhole()
    {
        EventBatch one = Batch(("u1", "a", 0), ("u1", "b", 1));
        EventBatch two = Batch(("u2", "a", 0), ("u2", "b", 4), ("u3", "a", 0));
        var funnel = new ProductFunnel(["a", "b"], ProductFunnelType.Ordered, TimeSpan.FromHours(1));
        ProductFunnelAccumulator acc = funnel.CreateAccumulator();
        acc.Add(one);
        ProductFunnelAccumulator other = funnel.CreateAccumulator();
        other.Add(two);
        acc.Merge(other);
        ProductFunnelResult r = acc.Build();
        Assert.Equal((3, 3, 2), (r.Customers, r.Steps[0].Customers, r.Steps[1].Customers));
        Assert.Equal(TimeSpan.FromMinutes(1), r.Steps[1].P50); // gaps 1m, 4m: rank ⌈1⌉ = 1
        Assert.Equal(TimeSpan.FromMinutes(4), r.Steps[1].P90);
    }

    [Fact]
    public void OneCustomerWithManyEqualTimestamps_IsLinear()
    {
        // 100,000 step-1 events at one instant and one step 2 at the end: the first attempt runs to the last event, so
        // no later attempt is tried (quadratic work would be 5·10⁹ steps here).
        var b = new EventBatchBuilder();
        for (int i = 0; i < 100_000; i++)
        {
            b.Add(new JourneyEvent("u", "a", T0));
        }

        b.Add(new JourneyEvent("u", "b", T0));
        ProductFunnelResult r = new ProductFunnel(["a", "b", "c"], ProductFunnelType.Ordered, TimeSpan.FromDays(1)).Evaluate(b.Build());
        Assert.Equal([1, 1, 0], r.Steps.Select(s => s.Customers));
        Assert.Equal(TimeSpan.Zero, r.Steps[1].P50);
    }
}
