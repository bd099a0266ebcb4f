using FsCheck;
using FsCheck.Fluent;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Internal;
using JourneyKit.Matching.Pattern;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;
// An alias: in this namespace the simple name WindowFunnel is the test namespace Matching.WindowFunnel.
using Funnel = JourneyKit.Matching.WindowFunnel.WindowFunnel;

namespace JourneyKit.Tests.Matching;

/// <summary>
/// The parallel batch paths (<see cref="CustomerRanges"/>): the threshold knob the properties use reaches them, and at the
/// shipped threshold a batch of more than 1,024 customers gives the same answers in parallel as on one thread.
/// </summary>
public sealed class ParallelPathTests
{
    private static List<(int From, int To)> Ranges(int customers, int degree)
    {
        var ranges = new List<(int From, int To)>();
        CustomerRanges.Run(customers, degree, (from, to) =>
        {
            lock (ranges)
            {
                ranges.Add((from, to));
            }
        });
        ranges.Sort();
        return ranges;
    }

    [Fact]
    public void Run_BelowThreshold_OneRangeOnTheCallingThread()
    {
        Assert.Equal(1024, CustomerRanges.ParallelThreshold);
        Assert.Equal([(0, 1023)], Ranges(1023, 4));
        Assert.Equal([(0, 5000)], Ranges(5000, 1)); // one degree of parallelism: never split
    }

    [Fact]
    public void Run_AtThreshold_EightChunksPerDegreeCoverEveryCustomerOnce()
    {
        // 1,024 customers, 2 degrees → 16 chunks of ⌈1024 / 16⌉ = 64 customers.
        List<(int From, int To)> ranges = Ranges(1024, 2);
        Assert.Equal(16, ranges.Count);
        Assert.Equal(Enumerable.Range(0, 16).Select(c => (c * 64, (c * 64) + 64)), ranges);
    }

    [Fact]
    public void LowerThreshold_SplitsSmallBatches_OnThisThreadOnly_UntilDisposed()
    {
        using (CustomerRanges.LowerThreshold(1))
        {
            // 5 customers, 3 degrees → 24 chunks of ⌈5 / 24⌉ = 1: five one-customer ranges (the other chunks are empty).
            Assert.Equal([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)], Ranges(5, 3));
            int other = 0;
            var thread = new Thread(() => other = CustomerRanges.Threshold);
            thread.Start();
            thread.Join();
            Assert.Equal(1024, other); // another thread keeps the shipped threshold
            using (CustomerRanges.LowerThreshold(10))
            {
                Assert.Equal([(0, 5)], Ranges(5, 3));
            }

            Assert.Equal(1, CustomerRanges.Threshold);
        }

        Assert.Equal(1024, CustomerRanges.Threshold);
        Assert.Equal([(0, 5)], Ranges(5, 3));
    }

    /// <summary>1,100 customers (above the shipped threshold, no knob) with generated histories of up to 12 events.</summary>
    private static EventBatch ManyCustomers()
    {
        HistoryEvent[] events = [.. Gen.Sample(Histories.Event(customers: 1100, touchpoints: 4, maxValue: 2), 8000, new Rnd(1024UL), 10)];
        return new History(events).Batch();
    }

    [Fact]
    public void ShippedThreshold_FunnelsAndPatterns_ParallelEqualsSequential()
    {
        EventBatch batch = ManyCustomers();
        Assert.True(batch.CustomerCount > CustomerRanges.ParallelThreshold, $"{batch.CustomerCount} customers");

        Funnel plain = Funnel.Create(["a", "b", "c"], TimeSpan.FromSeconds(20), WindowFunnelMode.StrictDeduplication);
        Funnel constrained = Funnel.Create(
            [EventCondition.Touchpoint("a"), EventCondition.Touchpoint("b"), EventCondition.Touchpoint("c")],
            new WindowFunnelOptions { Window = TimeSpan.FromSeconds(30), StepConstraints = [new FunnelStepConstraint(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10))] });
        foreach (Funnel funnel in new[] { plain, constrained })
        {
            WindowFunnelResult one = funnel.Evaluate(batch), four = funnel.Evaluate(batch, 4);
            Assert.Equal(one.Levels.ToArray(), four.Levels.ToArray());
            Assert.Contains(one.Levels.ToArray(), level => level == 3); // some customers reach the end: the answers say something
            for (int run = 0; run < batch.CustomerCount; run++)
            {
                Assert.Equal(one.ConversionTime(run, 3), four.ConversionTime(run, 3));
            }
        }

        foreach (string text in new[] { "a .* b", "(a|b)+ c within 5s", "a ~~(2s..) b", "a !(b within 3s)" })
        {
            CompiledPattern pattern = CompiledPattern.Compile(text);
            PatternMatch[] one = pattern.Evaluate(batch), four = pattern.Evaluate(batch, 4);
            Assert.Equal(one, four);
            Assert.Contains(one, m => m.Matched);
            Assert.Equal(pattern.EvaluateAsOf(batch, History.T0.AddHours(1)), pattern.EvaluateAsOf(batch, History.T0.AddHours(1), 4));
        }
    }
}
