using JourneyKit.Events;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching;

/// <summary>Tests an <see cref="EventCondition"/> on one <see cref="JourneyEvent"/>.</summary>
public static class EventConditionExtensions
{
    /// <summary>Tests the condition on an event (the simple, allocation-free but not columnar path).</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="journeyEvent">The event.</param>
    /// <returns><see langword="true"/> when every part holds.</returns>
    public static bool Matches(this EventCondition condition, JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(journeyEvent);
        if (condition.TouchpointSet.Contains(journeyEvent.Touchpoint) == condition.IsTouchpointSetNegated)
        {
            return false;
        }

        if (!condition.ChannelSet.IsEmpty && !condition.ChannelSet.Contains(journeyEvent.Channel))
        {
            return false;
        }

        if (!condition.MatchesValue(journeyEvent.Value ?? double.NaN))
        {
            return false;
        }

        foreach (AttributeCondition a in condition.Attributes)
        {
            string? value = null;
            journeyEvent.Attributes?.TryGetValue(a.Key, out value);
            if (!a.Matches(value))
            {
                return false;
            }
        }

        return true;
    }
}
