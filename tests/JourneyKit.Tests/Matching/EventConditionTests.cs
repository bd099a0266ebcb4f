using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Internal;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching;

public sealed class EventConditionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Matches_AllParts_MustHold()
    {
        EventCondition c = EventCondition.Touchpoints("pay", "refund")
            .WithChannels(Channel.Web)
            .WithValue(ValueComparison.Greater, 10)
            .WithAttribute("plan", "gold");
        var e = new JourneyEvent("c", "pay", T0, Channel.Web) { Value = 11, Attributes = new Dictionary<string, string> { ["plan"] = "gold" } };

        Assert.True(c.Matches(e));
        Assert.False(c.Matches(e with { Touchpoint = "other" }));
        Assert.False(c.Matches(e with { Channel = Channel.Mobile }));
        Assert.False(c.Matches(e with { Value = 10 })); // 10 > 10 is false
        Assert.False(c.Matches(e with { Value = null })); // no value fails every comparison
        Assert.False(c.Matches(e with { Attributes = null }));
    }

    [Fact]
    public void Matches_NegatedSetAndNegatedAttribute_AcceptAbsence()
    {
        EventCondition c = EventCondition.NotTouchpoints("pay").WithAttribute(new AttributeCondition("plan", ["gold"], isNegated: true));
        Assert.True(c.Matches(new JourneyEvent("c", "browse", T0)));
        Assert.False(c.Matches(new JourneyEvent("c", "pay", T0)));
        Assert.False(c.Matches(new JourneyEvent("c", "browse", T0) { Attributes = new Dictionary<string, string> { ["plan"] = "gold" } }));
        Assert.True(EventCondition.Any.Matches(new JourneyEvent("c", "anything", T0)));
    }

    [Fact]
    public void ToString_DescribesParts()
    {
        EventCondition c = EventCondition.Touchpoints("a", "b").WithChannels(Channel.Web).WithValue(ValueComparison.GreaterOrEqual, 2.5);
        Assert.Equal("[a|b] channel=web value>=2.5", c.ToString());
        Assert.Equal(".", EventCondition.Any.ToString());
    }

    /// <summary>The bound, columnar evaluation agrees with <see cref="EventCondition.Matches(JourneyEvent)"/> on every row.</summary>
    /// <remarks>Each generated condition: kind (any, a touchpoint set, not a touchpoint), two touchpoints, a channel
    /// (0: none), a value comparison (0: none, else the comparison + 1) with a threshold, and a plan attribute (0: none,
    /// else plan and negation). Each generated event: customer, touchpoint (or an unknown variant of it), second,
    /// channel, value (0: none, else value + 1) and plan (0: none).</remarks>
    [Property(MaxTest = 200)]
    public Property BoundConditions_AgreeWithMatches() => Pair.ForAll(
        Small.ArrayOf(
            from kind in Gen.Choose(0, 2)
            from tp1 in Gen.Choose(0, 3)
            from tp2 in Gen.Choose(0, 3)
            from channel in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
            from comparison in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 6)))
            from threshold in Gen.Choose(0, 2)
            from attribute in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 4)))
            select (Kind: kind, Tp1: tp1, Tp2: tp2, Channel: channel, Comparison: comparison, Threshold: threshold, Attribute: attribute),
            1,
            6),
        Small.ArrayOf(
            from customer in Gen.Choose(0, 2)
            from tp in Gen.Choose(0, 3)
            from unknown in Gen.Frequency((7, Gen.Constant(false)), (1, Gen.Constant(true)))
            from second in Gen.Choose(0, 9)
            from channel in Gen.Choose(0, 2)
            from value in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(1, 3)))
            from plan in Gen.Choose(0, 2)
            select (Customer: customer, Tp: tp, Unknown: unknown, Second: second, Channel: channel, Value: value, Plan: plan),
            0,
            30),
        (generatedConditions, generatedEvents) =>
    {
        string[] touchpoints = ["a", "b", "c", "d"];
        string[] plans = ["gold", "silver"];
        var conditions = new List<EventCondition>();
        foreach (var g in generatedConditions)
        {
            EventCondition c = g.Kind switch
            {
                1 => EventCondition.Touchpoints(touchpoints[g.Tp1], touchpoints[g.Tp2]),
                2 => EventCondition.NotTouchpoints(touchpoints[g.Tp1]),
                _ => EventCondition.Any,
            };
            if (g.Channel != 0)
            {
                c = c.WithChannels(g.Channel == 1 ? Channel.Web : Channel.Email);
            }

            if (g.Comparison != 0)
            {
                c = c.WithValue((ValueComparison)(g.Comparison - 1), g.Threshold);
            }

            if (g.Attribute != 0)
            {
                c = c.WithAttribute(new AttributeCondition("plan", [plans[(g.Attribute - 1) % 2]], (g.Attribute - 1) / 2 == 1));
            }

            conditions.Add(c);
        }

        var builder = new EventBatchBuilder();
        foreach (var g in generatedEvents)
        {
            var e = new JourneyEvent("c" + g.Customer, touchpoints[g.Tp] + (g.Unknown ? "x" : ""), T0.AddSeconds(g.Second),
                g.Channel switch { 0 => Channel.None, 1 => Channel.Web, _ => Channel.Email })
            {
                Value = g.Value == 0 ? null : g.Value - 1,
                Attributes = g.Plan == 0 ? null : new Dictionary<string, string> { ["plan"] = plans[g.Plan - 1] },
            };
            builder.Add(e);
        }

        EventBatch batch = builder.Build();
        BoundConditions bound = BoundConditions.Bind(conditions, batch);
        BoundConditions streaming = BoundConditions.Bind(conditions, batch.Touchpoints, batch.Channels);
        for (int row = 0; row < batch.Count; row++)
        {
            JourneyEvent e = batch.GetEvent(row);
            ulong expected = 0;
            for (int i = 0; i < conditions.Count; i++)
            {
                if (conditions[i].Matches(e))
                {
                    expected |= 1UL << i;
                }
            }

            ulong viaStream = streaming.Match(batch.TouchpointIds[row], batch.ChannelIds[row], e.Value ?? double.NaN, e.Attributes);
            if (bound.Match(batch, row) != expected || viaStream != expected)
            {
                return false;
            }
        }

        return true;
    });
}
