using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Tests.Events;

public sealed class EventBatchBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

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
}
