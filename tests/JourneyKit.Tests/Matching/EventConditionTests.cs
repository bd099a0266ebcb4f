using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Internal;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;

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
    [Property(MaxTest = 200)]
    public bool BoundConditions_AgreeWithMatches(int seed)
    {
        var random = new Random(seed);
        string[] touchpoints = ["a", "b", "c", "d"];
        string[] plans = ["gold", "silver"];
        var conditions = new List<EventCondition>();
        for (int i = 0; i < 1 + random.Next(6); i++)
        {
            EventCondition c = random.Next(3) switch
            {
                0 => EventCondition.Touchpoints(touchpoints[random.Next(4)], touchpoints[random.Next(4)]),
                1 => EventCondition.NotTouchpoints(touchpoints[random.Next(4)]),
                _ => EventCondition.Any,
            };
            if (random.Next(3) == 0)
            {
                c = c.WithChannels(random.Next(2) == 0 ? Channel.Web : Channel.Email);
            }

            if (random.Next(3) == 0)
            {
                c = c.WithValue((ValueComparison)random.Next(6), random.Next(3));
            }

            if (random.Next(3) == 0)
            {
                c = c.WithAttribute(new AttributeCondition("plan", [plans[random.Next(2)]], random.Next(2) == 0));
            }

            conditions.Add(c);
        }

        var builder = new EventBatchBuilder();
        for (int i = 0; i < 30; i++)
        {
            var e = new JourneyEvent("c" + random.Next(3), touchpoints[random.Next(4)] + (random.Next(8) == 0 ? "x" : ""), T0.AddSeconds(random.Next(10)),
                random.Next(3) switch { 0 => Channel.None, 1 => Channel.Web, _ => Channel.Email })
            {
                Value = random.Next(3) == 0 ? null : random.Next(3),
                Attributes = random.Next(2) == 0 ? null : new Dictionary<string, string> { ["plan"] = plans[random.Next(2)] },
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
    }
}
