using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>
/// The event log: idempotent appends by (customer, event id), reads by customer and time range in timestamp order
/// (ties in append order), and a customer-ordered scan for batch analytics.
/// </summary>
/// <remarks>
/// <para>An event's identity is the pair (customer id, event id), both compared ordinally. Appending an event whose
/// customer already has a stored event with the same event id stores nothing (the first one wins, whatever its other
/// fields) and counts a duplicate; two customers may use the same event id and their events are different events.
/// Events without an event id are never duplicates. Erasing a customer forgets their event ids.</para>
/// <para>All members are thread-safe in every provider. Time ranges are [from, to): from inclusive, to exclusive.</para>
/// </remarks>
public abstract class EventStore
{
    /// <summary>
    /// Appends events for one or many customers in one atomic step: all are stored or none. Events whose (customer, event
    /// id) is already stored, or occurs earlier in <paramref name="events"/>, are skipped and counted as duplicates.
    /// </summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>How many were stored and how many were duplicates.</returns>
    public abstract Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Reads a customer's events with <c>from ≤ timestamp &lt; to</c>, by timestamp, ties in append order.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="from">The inclusive start; null for the beginning.</param>
    /// <param name="to">The exclusive end; null for the end.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    public abstract Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads several customers' logs in one call — what a batch of events needs before it is stepped: for each read, the
    /// customer's events with <c>timestamp ≥ From</c> (all when null), by timestamp, ties in append order, exactly as
    /// <see cref="ReadAsync"/> would. Providers may read them in one round trip; the default calls
    /// <see cref="ReadAsync"/> for each read in order.
    /// </summary>
    /// <param name="reads">The reads.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Per read, in the order given: the events.</returns>
    public virtual async Task<IReadOnlyList<IReadOnlyList<JourneyEvent>>> ReadManyAsync(IReadOnlyList<CustomerLogRead> reads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var logs = new IReadOnlyList<JourneyEvent>[reads.Count];
        for (int i = 0; i < logs.Length; i++)
        {
            logs[i] = await ReadAsync(reads[i].CustomerId, reads[i].From, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return logs;
    }

    /// <summary>
    /// Streams all events, optionally only at some touchpoints, ordered by customer (ordinal), then timestamp, then
    /// append order — ready for an <see cref="EventBatchBuilder"/>.
    /// </summary>
    /// <param name="touchpoints">The touchpoints to keep, or null for all.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The events.</returns>
    public abstract IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, CancellationToken cancellationToken = default);

    /// <summary>Counts the stored events.</summary>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count.</returns>
    public abstract Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads everything (or some touchpoints) into a batch.</summary>
    /// <param name="touchpoints">The touchpoints to keep, or null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The batch.</returns>
    public async Task<EventBatch> ReadBatchAsync(IReadOnlyCollection<string>? touchpoints = null, CancellationToken cancellationToken = default)
    {
        var builder = new EventBatchBuilder();
        await foreach (JourneyEvent e in ScanAsync(touchpoints, cancellationToken).ConfigureAwait(false))
        {
            builder.Add(e);
        }

        return builder.Build();
    }
}
