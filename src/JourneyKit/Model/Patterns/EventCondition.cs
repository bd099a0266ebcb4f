using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace JourneyKit.Model.Patterns;

/// <summary>
/// A condition on one event, used as a window-funnel step or a pattern atom: a touchpoint set (or its complement),
/// and optionally channels, comparisons on the event's value and attribute values. All parts must hold.
/// </summary>
/// <remarks>
/// <para>Conditions are immutable; the <c>With…</c> methods return a new condition with one more part.</para>
/// <para>An event without a value fails every value comparison (including <see cref="ValueComparison.NotEqual"/>).
/// An event without an attribute fails a positive attribute condition and passes a negated one.</para>
/// <para>Equality is structural: same parts in the same order.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class EventCondition : IEquatable<EventCondition>
{
    private EventCondition(
        ImmutableArray<string> touchpoints,
        bool negateTouchpoints,
        ImmutableArray<Channel> channels,
        ImmutableArray<ValueTest> values,
        ImmutableArray<AttributeCondition> attributes)
    {
        TouchpointSet = touchpoints;
        IsTouchpointSetNegated = negateTouchpoints;
        ChannelSet = channels;
        ValueTests = values;
        Attributes = attributes;
    }

    /// <summary>Gets the condition every event satisfies (an empty negated touchpoint set).</summary>
    public static EventCondition Any { get; } = new([], true, [], [], []);

    /// <summary>Gets the touchpoint ids of the touchpoint part.</summary>
    public ImmutableArray<string> TouchpointSet { get; }

    /// <summary>
    /// Gets a value indicating whether the touchpoint part matches touchpoints NOT in <see cref="TouchpointSet"/>
    /// (so <see cref="Any"/> is the negated empty set).
    /// </summary>
    public bool IsTouchpointSetNegated { get; }

    /// <summary>Gets the channels an event must be on; empty = any channel, including none.</summary>
    public ImmutableArray<Channel> ChannelSet { get; }

    /// <summary>Gets the comparisons the event's value must satisfy, all of them.</summary>
    public ImmutableArray<ValueTest> ValueTests { get; }

    /// <summary>Gets the attribute conditions, all of which must hold.</summary>
    public ImmutableArray<AttributeCondition> Attributes { get; }

    /// <summary>Gets a value indicating whether only the touchpoint decides (no channel, value or attribute parts).</summary>
    public bool IsTouchpointOnly => ChannelSet.IsEmpty && ValueTests.IsEmpty && Attributes.IsEmpty;

    /// <summary>Creates a condition matching one touchpoint.</summary>
    /// <param name="touchpoint">The touchpoint id.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">The touchpoint is null or empty.</exception>
    public static EventCondition Touchpoint(string touchpoint) => Touchpoints(touchpoint);

    /// <summary>Creates a condition matching any of the touchpoints.</summary>
    /// <param name="touchpoints">The touchpoint ids; at least one.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">No touchpoint, or an empty one.</exception>
    public static EventCondition Touchpoints(params ReadOnlySpan<string> touchpoints) => new(CheckTouchpoints(touchpoints), false, [], [], []);

    /// <summary>Creates a condition matching any touchpoint except the given ones.</summary>
    /// <param name="touchpoints">The excluded touchpoint ids; at least one.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException">No touchpoint, or an empty one.</exception>
    public static EventCondition NotTouchpoints(params ReadOnlySpan<string> touchpoints) => new(CheckTouchpoints(touchpoints), true, [], [], []);

    /// <summary>Returns this condition restricted to events on one of <paramref name="channels"/>.</summary>
    /// <param name="channels">The channels; at least one, none of them <see cref="Channel.None"/>.</param>
    /// <returns>The new condition.</returns>
    /// <exception cref="ArgumentException">No channel, or <see cref="Channel.None"/>.</exception>
    public EventCondition WithChannels(params ReadOnlySpan<Channel> channels)
    {
        if (channels.IsEmpty)
        {
            throw new ArgumentException("Give at least one channel.", nameof(channels));
        }

        foreach (Channel c in channels)
        {
            if (c.IsNone)
            {
                throw new ArgumentException("Channel.None cannot be required.", nameof(channels));
            }
        }

        return new(TouchpointSet, IsTouchpointSetNegated, ChannelSet.AddRange(channels), ValueTests, Attributes);
    }

    /// <summary>Returns this condition restricted to events whose value satisfies <c>value op operand</c>.</summary>
    /// <param name="op">The comparison.</param>
    /// <param name="operand">The operand; finite.</param>
    /// <returns>The new condition.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The operand is not finite or the comparison unknown.</exception>
    public EventCondition WithValue(ValueComparison op, double operand) =>
        new(TouchpointSet, IsTouchpointSetNegated, ChannelSet, ValueTests.Add(new ValueTest(op, operand)), Attributes);

    /// <summary>Returns this condition restricted by an attribute condition.</summary>
    /// <param name="attribute">The attribute condition.</param>
    /// <returns>The new condition.</returns>
    public EventCondition WithAttribute(AttributeCondition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return new(TouchpointSet, IsTouchpointSetNegated, ChannelSet, ValueTests, Attributes.Add(attribute));
    }

    /// <summary>Returns this condition restricted to events whose attribute <paramref name="key"/> equals one of <paramref name="values"/>.</summary>
    /// <param name="key">The attribute key.</param>
    /// <param name="values">The allowed values; at least one.</param>
    /// <returns>The new condition.</returns>
    public EventCondition WithAttribute(string key, params ReadOnlySpan<string> values) => WithAttribute(new AttributeCondition(key, values.ToArray()));

    /// <summary>Tests the value comparisons alone.</summary>
    /// <param name="value">The event's value, or <see cref="double.NaN"/> when it has none.</param>
    /// <returns><see langword="true"/> when all comparisons hold (always, when there are none).</returns>
    public bool MatchesValue(double value)
    {
        foreach (ValueTest test in ValueTests)
        {
            if (!test.Matches(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public bool Equals(EventCondition? other) =>
        other is not null
        && IsTouchpointSetNegated == other.IsTouchpointSetNegated
        && TouchpointSet.SequenceEqual(other.TouchpointSet)
        && ChannelSet.SequenceEqual(other.ChannelSet)
        && ValueTests.SequenceEqual(other.ValueTests)
        && Attributes.SequenceEqual(other.Attributes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EventCondition);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(IsTouchpointSetNegated);
        foreach (string t in TouchpointSet)
        {
            hash.Add(t, StringComparer.Ordinal);
        }

        hash.Add(ChannelSet.Length);
        hash.Add(ValueTests.Length);
        hash.Add(Attributes.Length);
        return hash.ToHashCode();
    }

    /// <summary>Describes the condition, e.g. <c>[cart.add|cart.view] channel=web value&gt;10 plan=gold</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (TouchpointSet.IsEmpty)
        {
            sb.Append(IsTouchpointSetNegated ? "." : "[]");
        }
        else if (TouchpointSet.Length == 1 && !IsTouchpointSetNegated)
        {
            sb.Append(TouchpointSet[0]);
        }
        else
        {
            sb.Append(IsTouchpointSetNegated ? "[^" : "[").AppendJoin('|', TouchpointSet).Append(']');
        }

        if (!ChannelSet.IsEmpty)
        {
            sb.Append(" channel=").AppendJoin('|', ChannelSet);
        }

        foreach (ValueTest test in ValueTests)
        {
            sb.Append(' ').Append(test);
        }

        foreach (AttributeCondition a in Attributes)
        {
            sb.Append(' ').Append(a);
        }

        return sb.ToString();
    }

    private static ImmutableArray<string> CheckTouchpoints(ReadOnlySpan<string> touchpoints)
    {
        if (touchpoints.IsEmpty)
        {
            throw new ArgumentException("Give at least one touchpoint.", nameof(touchpoints));
        }

        foreach (string t in touchpoints)
        {
            ArgumentException.ThrowIfNullOrEmpty(t, nameof(touchpoints));
        }

        return [.. touchpoints];
    }
}
