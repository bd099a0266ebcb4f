using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Events;

public sealed class LateEventBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_ReordersWithinLateness_DropsDuplicatesAndTooLate()
    {
        var buffer = new LateEventBuffer(TimeSpan.FromSeconds(10));
        var out1 = new List<JourneyEvent>();
        buffer.Add(new JourneyEvent("c", "b", T0.AddSeconds(5)) { EventId = "2" }, out1);
        buffer.Add(new JourneyEvent("c", "a", T0.AddSeconds(1)) { EventId = "1" }, out1);
        buffer.Add(new JourneyEvent("c", "b", T0.AddSeconds(5)) { EventId = "2" }, out1); // duplicate
        Assert.Empty(out1); // nothing older than 20 - 10 yet
        buffer.Add(new JourneyEvent("c", "z", T0.AddSeconds(20)) { EventId = "3" }, out1); // watermark 10: a, b released
        Assert.Equal(["a", "b"], out1.Select(e => e.Touchpoint));
        Assert.False(buffer.Add(new JourneyEvent("c", "late", T0.AddSeconds(2)), out1)); // older than released b
        buffer.Flush(out1);
        Assert.Equal(["a", "b", "z"], out1.Select(e => e.Touchpoint));
        Assert.Equal(1, buffer.Duplicates);
        Assert.Equal(1, buffer.TooLate);
    }

    /// <summary>Event identity is (customer, event id): another customer's "1" is released, the same customer's is
    /// dropped — while held and after release (issue 14).</summary>
    [Fact]
    public void Add_SameEventIdForTwoCustomers_KeepsBoth_Issue14()
    {
        var buffer = new LateEventBuffer(TimeSpan.FromSeconds(10));
        var released = new List<JourneyEvent>();
        Assert.True(buffer.Add(new JourneyEvent("ann", "a", T0) { EventId = "1" }, released));
        Assert.True(buffer.Add(new JourneyEvent("bob", "b", T0.AddSeconds(1)) { EventId = "1" }, released));
        Assert.False(buffer.Add(new JourneyEvent("ann", "again", T0.AddSeconds(2)) { EventId = "1" }, released)); // held
        buffer.Add(new JourneyEvent("cat", "c", T0.AddSeconds(30)), released); // watermark 20: ann, bob released
        Assert.Equal(["a", "b"], released.Select(e => e.Touchpoint));
        Assert.False(buffer.Add(new JourneyEvent("bob", "again", T0.AddSeconds(31)) { EventId = "1" }, released)); // remembered
        Assert.True(buffer.Add(new JourneyEvent("cat", "d", T0.AddSeconds(31)) { EventId = "1" }, released));
        buffer.Flush(released);
        Assert.Equal(["a", "b", "c", "d"], released.Select(e => e.Touchpoint));
        Assert.Equal(2, buffer.Duplicates);
    }

    /// <summary>Events shuffled by at most the lateness, with duplicates, come out as the sorted, de-duplicated stream —
    /// and a streaming funnel fed from the buffer answers what the batch answers.</summary>
    [Property(MaxTest = 200)]
    public Property Released_EqualsSortedDeduplicated() => Prop.ForAll(
        Small.ArrayOf(
            from gap in Gen.Choose(0, 2)
            from touchpoint in Gen.Choose(0, 2)
            from delay in Gen.Choose(0, 5)
            from duplicate in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            from copyDelay in Gen.Choose(0, 5)
            select (gap, touchpoint, delay, duplicate, copyDelay),
            0,
            40),
        generated =>
    {
        var events = new List<JourneyEvent>();
        int t = 0;
        for (int i = 0; i < generated.Length; i++)
        {
            t += generated[i].gap;
            events.Add(new JourneyEvent("c", "abc"[generated[i].touchpoint].ToString(), T0.AddSeconds(t)) { EventId = "e" + i });
        }

        // Arrival: each event delayed by up to 5 s (the lateness), plus duplicates delayed the same way.
        var delayed = events.Select((e, i) => (Event: e, Delay: generated[i].delay))
            .Concat(events.Select((e, i) => (Event: e, Delay: generated[i].copyDelay)).Where((_, i) => generated[i].duplicate));
        var arrivals = delayed
            .Select((x, i) => (x.Event, Arrive: x.Event.TimestampTicks + (x.Delay * TimeSpan.TicksPerSecond), Order: i))
            .OrderBy(x => x.Arrive).ThenBy(x => x.Order).Select(x => x.Event).ToList();

        var buffer = new LateEventBuffer(TimeSpan.FromSeconds(5));
        var released = new List<JourneyEvent>();
        arrivals.ForEach(e => buffer.Add(e, released));
        buffer.Flush(released);

        var builder = new EventBatchBuilder();
        arrivals.ForEach(e => builder.Add(e));
        EventBatch batch = builder.Build();
        var expected = Enumerable.Range(0, batch.Count).Select(i => batch.GetEvent(i).EventId).ToList();
        if (!expected.SequenceEqual(released.Select(e => e.EventId)) || buffer.TooLate != 0)
        {
            return false;
        }

        WindowFunnel funnel = WindowFunnel.Create(["a", "b", "c"], TimeSpan.FromSeconds(6), WindowFunnelMode.StrictIncrease);
        WindowFunnelState state = funnel.CreateState();
        released.ForEach(e => funnel.Advance(state, e));
        int batchLevel = batch.CustomerCount == 0 ? 0 : funnel.Evaluate(batch).Levels[0];
        return funnel.GetLevel(state) == batchLevel;
    });
}
