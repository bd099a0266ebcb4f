namespace JourneyKit.Events;

/// <summary>
/// Puts one stream's events back in order for streaming evaluation: holds each event until no earlier event can still
/// arrive (the newest timestamp seen minus <see cref="Lateness"/>), then releases events in (timestamp, arrival)
/// order, dropping duplicates: events with the same (customer id, event id) as an earlier one.
/// </summary>
/// <remarks>
/// <para>When every event arrives at most <see cref="Lateness"/> after a newer one, the released sequence equals the
/// sorted, de-duplicated stream (the order an <see cref="EventBatchBuilder"/> gives), so streaming answers equal batch
/// answers. An event older than one already released is <em>too late</em>: it is dropped and counted in
/// <see cref="TooLate"/>. Duplicates are recognized among held events and the last
/// <see cref="RememberedIds"/> released ones. An event's identity is the pair (customer id, event id), as in
/// <see cref="EventBatchBuilder"/>: two customers may use the same event id.</para>
/// <para>Call <see cref="Flush"/> at the end of the stream (or before reading a result that must include the held
/// events).</para>
/// <threadsafety>Not thread-safe: one buffer per customer stream.</threadsafety>
/// </remarks>
public sealed class LateEventBuffer
{
    private readonly List<(JourneyEvent Event, long Arrival)> _held = [];
    private readonly HashSet<(string Customer, string EventId)> _ids = []; // ordinal: the default string equality
    private readonly Queue<(string Customer, string EventId)> _released = new();
    private long _arrival;
    private long _maxSeen = long.MinValue;
    private long _lastReleased = long.MinValue;

    /// <summary>Creates a buffer.</summary>
    /// <param name="lateness">How late an event may arrive; zero releases events at once.</param>
    /// <param name="rememberedIds">How many released event ids to remember for duplicate detection. The default value is 10,000.</param>
    public LateEventBuffer(TimeSpan lateness, int rememberedIds = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lateness, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(rememberedIds);
        Lateness = lateness;
        RememberedIds = rememberedIds;
    }

    /// <summary>Gets how late an event may arrive.</summary>
    public TimeSpan Lateness { get; }

    /// <summary>Gets how many released event ids are remembered for duplicate detection.</summary>
    public int RememberedIds { get; }

    /// <summary>Gets the number of events dropped as duplicates (same customer and event id as an earlier event).</summary>
    public int Duplicates { get; private set; }

    /// <summary>Gets the number of events dropped because they arrived after a later event was released.</summary>
    public int TooLate { get; private set; }

    /// <summary>Gets the number of events held back.</summary>
    public int Held => _held.Count;

    /// <summary>Adds an event and appends the events it releases, in order, to <paramref name="released"/>.</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <param name="released">Receives the released events.</param>
    /// <returns><see langword="false"/> when the event was dropped (duplicate or too late).</returns>
    public bool Add(JourneyEvent journeyEvent, ICollection<JourneyEvent> released)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        ArgumentNullException.ThrowIfNull(released);
        long t = journeyEvent.TimestampTicks;
        if (t < _lastReleased)
        {
            TooLate++;
            return false;
        }

        if (journeyEvent.EventId is { } id && !_ids.Add((journeyEvent.CustomerId, id)))
        {
            Duplicates++;
            return false;
        }

        // Insert keeping (timestamp, arrival) order; arrivals are increasing, so after every equal or earlier timestamp.
        int at = _held.Count;
        while (at > 0 && _held[at - 1].Event.TimestampTicks > t)
        {
            at--;
        }

        _held.Insert(at, (journeyEvent, _arrival++));
        _maxSeen = Math.Max(_maxSeen, t);
        Release(_maxSeen - Lateness.Ticks, released);
        return true;
    }

    /// <summary>Releases every held event, in order (end of stream).</summary>
    /// <param name="released">Receives the released events.</param>
    public void Flush(ICollection<JourneyEvent> released)
    {
        ArgumentNullException.ThrowIfNull(released);
        Release(long.MaxValue, released);
    }

    private void Release(long watermark, ICollection<JourneyEvent> released)
    {
        int n = 0;
        while (n < _held.Count && _held[n].Event.TimestampTicks <= watermark)
        {
            JourneyEvent e = _held[n].Event;
            released.Add(e);
            _lastReleased = e.TimestampTicks;
            if (e.EventId is { } id)
            {
                _released.Enqueue((e.CustomerId, id));
                if (_released.Count > RememberedIds)
                {
                    _ids.Remove(_released.Dequeue());
                }
            }

            n++;
        }

        _held.RemoveRange(0, n);
    }
}
