namespace JourneyKit.Events.Internal;

/// <summary>The identity of an event with an id: (customer symbol, event id). Two customers may use the same event id.</summary>
internal readonly record struct EventKey(int Customer, string EventId);

/// <summary>An <see cref="EventKey"/> whose event id is still characters in a buffer (looked up without allocating).</summary>
internal readonly ref struct EventKeySpan
{
    public EventKeySpan(int customer, ReadOnlySpan<char> eventId)
    {
        Customer = customer;
        EventId = eventId;
    }

    public int Customer { get; }

    public ReadOnlySpan<char> EventId { get; }
}

/// <summary>Ordinal equality of <see cref="EventKey"/>s, also against <see cref="EventKeySpan"/>s (same hash codes).</summary>
internal sealed class EventKeyComparer : IEqualityComparer<EventKey>, IAlternateEqualityComparer<EventKeySpan, EventKey>
{
    public static EventKeyComparer Instance { get; } = new();

    public bool Equals(EventKey x, EventKey y) => x.Customer == y.Customer && string.Equals(x.EventId, y.EventId, StringComparison.Ordinal);

    public int GetHashCode(EventKey obj) => Hash(obj.Customer, obj.EventId);

    public bool Equals(EventKeySpan alternate, EventKey other) =>
        alternate.Customer == other.Customer && alternate.EventId.SequenceEqual(other.EventId);

    public int GetHashCode(EventKeySpan alternate) => Hash(alternate.Customer, alternate.EventId);

    public EventKey Create(EventKeySpan alternate) => new(alternate.Customer, alternate.EventId.ToString());

    // string.GetHashCode(ReadOnlySpan<char>) equals string.GetHashCode() of the same characters (ordinal, per process).
    private static int Hash(int customer, ReadOnlySpan<char> eventId) => HashCode.Combine(customer, string.GetHashCode(eventId));
}
