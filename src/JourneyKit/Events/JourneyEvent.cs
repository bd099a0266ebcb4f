using JourneyKit.Model;

namespace JourneyKit.Events;

/// <summary>
/// One observation of a customer at a touchpoint: who, what, when, through which channel, with an optional event id,
/// numeric value and string attributes.
/// </summary>
/// <remarks>
/// <para>The timestamp is normalized to UTC (offset zero); the instant is kept.</para>
/// <para>Two events with the same non-null <see cref="EventId"/> are the same event: batches and stores keep one.</para>
/// <threadsafety>Instances are immutable and thread-safe when the attribute dictionary is not mutated.</threadsafety>
/// </remarks>
public sealed record JourneyEvent
{
    private readonly DateTimeOffset _timestamp;

    /// <summary>Creates an event.</summary>
    /// <param name="customerId">The customer id; not empty.</param>
    /// <param name="touchpoint">The touchpoint id; not empty.</param>
    /// <param name="timestamp">When it happened; normalized to UTC.</param>
    /// <param name="channel">The channel, or <see cref="Channel.None"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="customerId"/> or <paramref name="touchpoint"/> is null or empty.</exception>
    public JourneyEvent(string customerId, string touchpoint, DateTimeOffset timestamp, Channel channel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(touchpoint);
        CustomerId = customerId;
        Touchpoint = touchpoint;
        Timestamp = timestamp;
        Channel = channel;
    }

    /// <summary>Gets the customer id.</summary>
    public string CustomerId { get; init; }

    /// <summary>Gets the touchpoint id (for example <c>app.open</c>).</summary>
    public string Touchpoint { get; init; }

    /// <summary>Gets when the event happened, in UTC.</summary>
    public DateTimeOffset Timestamp
    {
        get => _timestamp;
        init => _timestamp = value.ToUniversalTime();
    }

    /// <summary>Gets the timestamp as UTC ticks.</summary>
    public long TimestampTicks => _timestamp.UtcTicks;

    /// <summary>Gets the channel; <see cref="Channel.None"/> when unknown.</summary>
    public Channel Channel { get; init; }

    /// <summary>Gets the event id used to de-duplicate, or null.</summary>
    public string? EventId { get; init; }

    /// <summary>Gets the optional numeric value (an amount, a rating, a duration).</summary>
    public double? Value { get; init; }

    /// <summary>Gets the optional string attributes of the event, or null.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
