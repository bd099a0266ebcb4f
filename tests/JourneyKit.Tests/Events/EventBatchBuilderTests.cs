using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Events;

public sealed class EventBatchBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Grouped input with one customer out of time order: that customer's rows are sorted in place in every column
    /// (touchpoint, time, channel, value), the others stay, and the batch's spans have exactly the rows added.
    /// </summary>
    [Fact]
    public void Build_GroupedWithOneRunOutOfOrder_SortsThatRunInEveryColumn()
    {
        var builder = new EventBatchBuilder();
        builder.Add("a", "x", T0.AddSeconds(3).UtcTicks, "web", default, 1);
        builder.Add("a", "y", T0.AddSeconds(1).UtcTicks, "app", default, 2);
        builder.Add("a", "z", T0.AddSeconds(3).UtcTicks, default, default, 3); // ties with x: stays after it
        builder.Add("b", "x", T0.AddSeconds(2).UtcTicks, "web", default, 4);
        builder.Add("b", "y", T0.AddSeconds(5).UtcTicks, default, default, double.NaN);

        EventBatch batch = builder.Build();

        // a sorted by time, stably: y (1 s), x (3 s), z (3 s); b unchanged.
        Assert.Equal(5, batch.Count);
        Assert.Equal(["a", "a", "a", "b", "b"], batch.CustomerIds.ToArray().Select(c => batch.Customers[c]));
        Assert.Equal(["y", "x", "z", "x", "y"], batch.TouchpointIds.ToArray().Select(t => batch.Touchpoints[t]));
        Assert.Equal([1L, 3, 3, 2, 5], batch.TimestampTicks.ToArray().Select(t => (t - T0.UtcTicks) / TimeSpan.TicksPerSecond));
        Assert.Equal(["app", "web", "-", "web", "-"], batch.ChannelIds.ToArray().Select(c => c < 0 ? "-" : batch.Channels[c]));
        Assert.Equal([2.0, 1, 3, 4, double.NaN], batch.Values.ToArray());
        Assert.Equal([0, 3, 5], batch.CustomerStarts.ToArray());
    }

    [Fact]
    public void Build_OutOfOrderInput_SortsByCustomerThenTimeStably()
    {
        var builder = new EventBatchBuilder();
        builder.Add(new JourneyEvent("b", "x", T0.AddMinutes(2)));
        builder.Add(new JourneyEvent("a", "late", T0.AddMinutes(5)));
        builder.Add(new JourneyEvent("a", "tie1", T0.AddMinutes(1)));
        builder.Add(new JourneyEvent("b", "y", T0.AddMinutes(1)));
        builder.Add(new JourneyEvent("a", "tie2", T0.AddMinutes(1)));

        EventBatch batch = builder.Build();

        // Customer "b" was seen first, so it is run 0; within a run, ticks ascend and ties keep input order.
        Assert.Equal(2, batch.CustomerCount);
        Assert.Equal(new[] { 0, 2, 5 }, batch.CustomerStarts.ToArray());
        string[] touchpoints = Enumerable.Range(0, batch.Count).Select(i => batch.Touchpoints[batch.TouchpointIds[i]]).ToArray();
        Assert.Equal(new[] { "y", "x", "tie1", "tie2", "late" }, touchpoints);
        Assert.Equal("b", batch.Customers[batch.CustomerOfRun(0)]);
    }

    [Fact]
    public void Add_DuplicateEventId_KeepsFirstAndCounts()
    {
        var builder = new EventBatchBuilder();
        Assert.True(builder.Add(new JourneyEvent("a", "x", T0) { EventId = "e1" }));
        Assert.False(builder.Add(new JourneyEvent("a", "y", T0) { EventId = "e1" }));
        Assert.True(builder.Add(new JourneyEvent("a", "z", T0)));

        EventBatch batch = builder.Build();

        Assert.Equal(2, batch.Count);
        Assert.Equal(1, builder.DuplicateCount);
        Assert.Equal("e1", batch.EventIds[0]);
        Assert.Null(batch.EventIds[1]);
    }

    [Fact]
    public void GetEvent_RoundTripsAllFields()
    {
        var original = new JourneyEvent("c1", "form.submit", T0.ToOffset(TimeSpan.FromHours(2)), Channel.Web)
        {
            EventId = "id-1",
            Value = 12.5,
            Attributes = new Dictionary<string, string> { ["plan"] = "gold" },
        };
        var builder = new EventBatchBuilder();
        builder.Add(original);
        builder.Add(new JourneyEvent("c1", "form.start", T0.AddDays(-1)));

        EventBatch batch = builder.Build();
        JourneyEvent back = batch.GetEvent(1);

        Assert.Equal(original.CustomerId, back.CustomerId);
        Assert.Equal(original.Touchpoint, back.Touchpoint);
        Assert.Equal(original.Timestamp, back.Timestamp);
        Assert.Equal(TimeSpan.Zero, back.Timestamp.Offset);
        Assert.Equal(Channel.Web, back.Channel);
        Assert.Equal("id-1", back.EventId);
        Assert.Equal(12.5, back.Value);
        Assert.Equal("gold", back.Attributes!["plan"]);
        Assert.Null(batch.GetEvent(0).Attributes);
        Assert.True(batch.TryGetAttributeColumn("plan", out ReadOnlySpan<int> plan));
        Assert.Equal(-1, plan[0]);
    }

    [Fact]
    public void Build_Empty_HasNoCustomers()
    {
        EventBatch batch = new EventBatchBuilder().Build();
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, batch.CustomerCount);
        Assert.Equal(new[] { 0 }, batch.CustomerStarts.ToArray());
    }

    /// <summary>Two customers whose exports both number events from 1 keep both events; a repeat within one customer is
    /// a duplicate — through both the event and the span overloads (issue 14).</summary>
    [Fact]
    public void Add_SameEventIdForTwoCustomers_KeepsBoth_Issue14()
    {
        var builder = new EventBatchBuilder();
        Assert.True(builder.Add(new JourneyEvent("ann", "x", T0) { EventId = "1" }));
        Assert.True(builder.Add(new JourneyEvent("bob", "x", T0) { EventId = "1" }));
        Assert.True(builder.Add("cat", "x", T0.UtcTicks, eventId: "1"));
        Assert.False(builder.Add("bob", "y", T0.AddMinutes(1).UtcTicks, eventId: "1"));
        Assert.False(builder.Add(new JourneyEvent("ann", "y", T0) { EventId = "1" }));
        Assert.True(builder.Add(new JourneyEvent("ann", "z", T0.AddMinutes(2)) { EventId = "2" }));

        EventBatch batch = builder.Build();

        Assert.Equal(2, builder.DuplicateCount);
        Assert.Equal(3, batch.CustomerCount);
        string[] rows = [.. Enumerable.Range(0, batch.Count).Select(i => $"{batch.Customers[batch.CustomerIds[i]]}/{batch.EventIds[i]}/{batch.Touchpoints[batch.TouchpointIds[i]]}")];
        Assert.Equal(["ann/1/x", "ann/2/z", "bob/1/x", "cat/1/x"], rows);
    }

    /// <summary>A duplicate added through the span overload allocates nothing: the (customer, event id) lookup takes the
    /// characters as they are.</summary>
    [Fact]
    public void Add_DuplicateBySpan_AllocatesNothing()
    {
        var builder = new EventBatchBuilder();
        char[] customer = "customer-1".ToCharArray(), touchpoint = "form.start".ToCharArray(), id = "event-1".ToCharArray();
        Assert.True(builder.Add(customer, touchpoint, T0.UtcTicks, "web", id));
        Assert.False(builder.Add(customer, touchpoint, T0.UtcTicks, "web", id)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            builder.Add(customer, touchpoint, T0.UtcTicks, "web", id);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_001, builder.DuplicateCount);
    }

    /// <summary>
    /// Random events over a few customers and a few event ids (shared across customers) build the batch a plain
    /// reference gives: keep the first event of each (customer, event id), then group customers in first-seen order and
    /// sort each stably by time.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Build_DeduplicatesByCustomerAndEventId_AsReference() => Prop.ForAll(
        Small.ArrayOf(
            from customer in Gen.Choose(0, 3)
            from touchpoint in Gen.Choose(0, 2)
            from second in Gen.Choose(0, 9)
            from id in Gen.Choose(0, 5) // 0: no event id
            select (customer, touchpoint, second, id),
            0,
            60),
        generated =>
    {
        var events = generated.Select(g => ("c" + g.customer, "t" + g.touchpoint, T0.AddSeconds(g.second).UtcTicks, g.id == 0 ? null : g.id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(e => (Customer: e.Item1, Touchpoint: e.Item2, Ticks: e.Item3, Id: e.Item4)).ToList();

        var builder = new EventBatchBuilder();
        foreach ((string customer, string touchpoint, long ticks, string? id) in events)
        {
            builder.Add(customer, touchpoint, ticks, default, id);
        }

        EventBatch batch = builder.Build();

        var seen = new HashSet<(string, string)>();
        var kept = events.Where(e => e.Id is null || seen.Add((e.Customer, e.Id))).ToList();
        var customerOrder = events.Select(e => e.Customer).Distinct().ToList();
        var expected = kept.OrderBy(e => customerOrder.IndexOf(e.Customer)).ThenBy(e => e.Ticks) // LINQ OrderBy is stable
            .Select(e => $"{e.Customer}|{e.Touchpoint}|{e.Ticks}|{e.Id}").ToList();
        var actual = Enumerable.Range(0, batch.Count)
            .Select(i => $"{batch.Customers[batch.CustomerIds[i]]}|{batch.Touchpoints[batch.TouchpointIds[i]]}|{batch.TimestampTicks[i]}|{(batch.HasEventIds ? batch.EventIds[i] : null)}")
            .ToList();
        return expected.SequenceEqual(actual) && builder.DuplicateCount == events.Count - kept.Count;
    });

    /// <summary>
    /// Events already grouped by customer (the usual export; the sort is skipped or only unsorted customers are sorted)
    /// build what the plain reference gives: customers in first-seen order, each stably by time, attributes on their
    /// own events.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Build_GroupedInput_AsReference() => Prop.ForAll(
        Small.ArrayOf(
            from customer in Gen.Choose(0, 4)
            from step in Gen.Frequency((3, Gen.Choose(0, 2)), (1, Gen.Choose(3, 4))) // seconds after the previous: 0, 1, 2, or back 1 (3), 2 (4)
            from touchpoint in Gen.Choose(0, 2)
            from plan in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 2))) // 0: no plan attribute
            select (customer, step, touchpoint, plan),
            0,
            35),
        generated =>
    {
        // Grouped: each customer's events together, customers in first-generated order.
        var events = new List<(string Customer, string Touchpoint, long Ticks, string? Plan)>();
        foreach (var group in generated.GroupBy(g => g.customer))
        {
            int tick = 0;
            foreach (var g in group)
            {
                tick += g.step <= 2 ? g.step : 2 - g.step; // mostly in order, equal times, some back
                events.Add(("c" + g.customer, "t" + g.touchpoint, T0.AddSeconds(tick).UtcTicks, g.plan == 0 ? null : "p" + (g.plan - 1)));
            }
        }

        var builder = new EventBatchBuilder();
        foreach ((string customer, string touchpoint, long ticks, string? plan) in events)
        {
            builder.Add(customer, touchpoint, ticks);
            if (plan is not null)
            {
                builder.SetAttribute("plan", plan);
            }
        }

        EventBatch batch = builder.Build();
        var customerOrder = events.Select(e => e.Customer).Distinct().ToList();
        var expected = events.OrderBy(e => customerOrder.IndexOf(e.Customer)).ThenBy(e => e.Ticks)
            .Select(e => $"{e.Customer}|{e.Touchpoint}|{e.Ticks}|{e.Plan}").ToList();
        var actual = Enumerable.Range(0, batch.Count)
            .Select(i => $"{batch.Customers[batch.CustomerIds[i]]}|{batch.Touchpoints[batch.TouchpointIds[i]]}|{batch.TimestampTicks[i]}|{batch.GetEvent(i).Attributes?["plan"]}")
            .ToList();
        var starts = Enumerable.Range(0, batch.CustomerCount).Select(r => batch.CustomerStarts[r]).ToList();
        var expectedStarts = customerOrder.Select(c => expected.FindIndex(e => e.StartsWith(c + "|", StringComparison.Ordinal))).ToList();
        return expected.SequenceEqual(actual) && starts.SequenceEqual(expectedStarts) && batch.CustomerStarts[batch.CustomerCount] == events.Count;
    });

    /// <summary>
    /// De-duplication on input that is mostly grouped: runs of one customer (some longer than the scan of a run, some
    /// customers coming back later, some events without ids) keep what the plain reference keeps — the first event of
    /// each (customer, event id).
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Build_RunsOfCustomers_DeduplicateAsReference() => Prop.ForAll(
        Small.ArrayOf(
            from customer in Gen.Choose(0, 4)
            from length in Gen.Frequency((3, Gen.Choose(1, 5)), (1, Gen.Choose(30, 89))) // some runs longer than the scan
            from ids in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, length + 5))).ArrayOf(length) // 0: no event id
            select (customer, ids),
            0,
            7),
        runs =>
    {
        var events = new List<(string Customer, long Ticks, string? Id)>();
        foreach ((int customer, int[] ids) in runs)
        {
            foreach (int id in ids)
            {
                events.Add(("c" + customer, T0.AddSeconds(events.Count).UtcTicks, id == 0 ? null : "e" + (id - 1)));
            }
        }

        var builder = new EventBatchBuilder();
        int added = 0;
        foreach ((string customer, long ticks, string? id) in events)
        {
            added += builder.Add(customer, "t", ticks, default, id) ? 1 : 0;
        }

        EventBatch batch = builder.Build();
        var seen = new HashSet<(string, string)>();
        var kept = events.Where(e => e.Id is null || seen.Add((e.Customer, e.Id))).ToList();
        var customerOrder = events.Select(e => e.Customer).Distinct().ToList();
        var expected = kept.OrderBy(e => customerOrder.IndexOf(e.Customer)).ThenBy(e => e.Ticks)
            .Select(e => $"{e.Customer}|{e.Ticks}|{e.Id}").ToList();
        var actual = Enumerable.Range(0, batch.Count)
            .Select(i => $"{batch.Customers[batch.CustomerIds[i]]}|{batch.TimestampTicks[i]}|{(batch.HasEventIds ? batch.EventIds[i] : null)}")
            .ToList();
        return expected.SequenceEqual(actual) && added == kept.Count && builder.DuplicateCount == events.Count - kept.Count;
    });
}
