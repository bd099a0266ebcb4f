using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>What an append did: events stored, and events skipped because the same (customer, event id) was already stored.</summary>
/// <param name="Appended">Events stored.</param>
/// <param name="Duplicates">Events skipped as duplicates: same customer and same event id as a stored event, or as an
/// earlier event of the same batch.</param>
public readonly record struct AppendResult(int Appended, int Duplicates);

/// <summary>A customer's stored instance state for one journey.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="JourneyVersion">The journey version the state was evaluated against.</param>
/// <param name="State">The opaque state (e.g. <c>JourneyInstance.Serialize()</c>).</param>
/// <param name="ETag">The version tag to pass back when saving; changes on every save.</param>
/// <param name="DueAt">When a timer must look at this state next, or null.</param>
public sealed record StoredState(string CustomerId, string JourneyId, int JourneyVersion, ReadOnlyMemory<byte> State, string ETag, DateTimeOffset? DueAt);

/// <summary>One write of <see cref="InstanceStateStore.SaveManyAsync"/>: the arguments of <see cref="InstanceStateStore.SaveAsync"/>.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="JourneyVersion">The journey version.</param>
/// <param name="State">The state bytes.</param>
/// <param name="DueAt">When a timer must look at it next, or null.</param>
/// <param name="ExpectedETag">The ETag read, or null when creating.</param>
public readonly record struct StateWrite(string CustomerId, string JourneyId, int JourneyVersion, ReadOnlyMemory<byte> State, DateTimeOffset? DueAt, string? ExpectedETag);

/// <summary>One read of <see cref="EventStore.ReadManyAsync"/>: a customer's events from an instant on.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="From">The inclusive start; null for the whole log.</param>
public readonly record struct CustomerLogRead(string CustomerId, DateTimeOffset? From);

/// <summary>What erasing a customer removed.</summary>
/// <param name="Events">Events removed.</param>
/// <param name="States">Instance states removed.</param>
public readonly record struct ErasureResult(int Events, int States);

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

/// <summary>Journey definitions, versioned: a saved (id, version) never changes.</summary>
public abstract class JourneyDefinitionStore
{
    /// <summary>
    /// Saves a journey version. Saving the same content again is a no-op; saving different content under an existing
    /// (id, version) throws <see cref="JourneyConcurrencyException"/> and changes nothing.
    /// </summary>
    /// <param name="journey">The journey (must be valid).</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>A task.</returns>
    public abstract Task SaveAsync(Journey journey, CancellationToken cancellationToken = default);

    /// <summary>Gets a journey version, or the latest when <paramref name="version"/> is null.</summary>
    /// <param name="journeyId">The journey id.</param>
    /// <param name="version">The version, or null for the latest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The journey, or null when there is none.</returns>
    public abstract Task<Journey?> GetAsync(string journeyId, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored (id, version) pairs, by id then version.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pairs.</returns>
    public abstract Task<IReadOnlyList<(string Id, int Version)>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Per-customer, per-journey instance state with optimistic concurrency: each save names the ETag it read; a stale
/// ETag throws <see cref="JourneyConcurrencyException"/> and changes nothing.
/// </summary>
public abstract class InstanceStateStore
{
    /// <summary>Gets a customer's state for a journey.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="journeyId">The journey.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or null.</returns>
    public abstract Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets several customers' states for one journey in one call — what a batch of events needs before it is stepped.
    /// Providers may read them in one round trip; the default calls <see cref="GetAsync"/> for each customer in order.
    /// </summary>
    /// <param name="journeyId">The journey.</param>
    /// <param name="customerIds">The customers; a customer listed twice gets its state twice.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Per customer, in the order given: the state, or null when there is none.</returns>
    public virtual async Task<IReadOnlyList<StoredState?>> GetManyAsync(string journeyId, IReadOnlyList<string> customerIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        ArgumentNullException.ThrowIfNull(customerIds);
        var states = new StoredState?[customerIds.Count];
        for (int i = 0; i < customerIds.Count; i++)
        {
            states[i] = await GetAsync(customerIds[i], journeyId, cancellationToken).ConfigureAwait(false);
        }

        return states;
    }

    /// <summary>Saves a state if its current ETag is <paramref name="expectedETag"/> (null: it must not exist yet).</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="journeyId">The journey.</param>
    /// <param name="journeyVersion">The journey version.</param>
    /// <param name="state">The state bytes.</param>
    /// <param name="dueAt">When a timer must look at it next, or null.</param>
    /// <param name="expectedETag">The ETag read, or null when creating.</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>The new ETag.</returns>
    /// <exception cref="JourneyConcurrencyException">The ETag is stale; nothing changed.</exception>
    public abstract Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves several states, each exactly as <see cref="SaveAsync"/> would (its own ETag check): a write whose ETag is
    /// stale is skipped (its result is null) and the others are applied. Providers may do it in one transaction, which is
    /// much faster on stores that flush per commit; the default calls <see cref="SaveAsync"/> for each write in order.
    /// </summary>
    /// <param name="writes">The writes; at most one per (customer, journey) is meaningful (a second one's ETag is stale).</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>Per write, in order: the new ETag, or null when its ETag was stale and nothing changed for it.</returns>
    /// <exception cref="JourneyStoreException">The store failed; any subset of the writes may have been applied (each atomically).</exception>
    public virtual async Task<IReadOnlyList<string?>> SaveManyAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var etags = new string?[writes.Count];
        for (int i = 0; i < writes.Count; i++)
        {
            StateWrite w = writes[i];
            try
            {
                etags[i] = await SaveAsync(w.CustomerId, w.JourneyId, w.JourneyVersion, w.State, w.DueAt, w.ExpectedETag, cancellationToken).ConfigureAwait(false);
            }
            catch (JourneyConcurrencyException)
            {
                etags[i] = null;
            }
        }

        return etags;
    }

    /// <summary>Gets states of a journey due at or before <paramref name="asOf"/>, oldest due first (ties by customer), at most <paramref name="limit"/>.</summary>
    /// <param name="journeyId">The journey.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The due states.</returns>
    public abstract Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default);
}

/// <summary>
/// A storage provider: the event log, journey definitions, instance state, and erasure of one customer's data (the
/// right to be forgotten). Providers: <see cref="InMemoryJourneyStore"/> here, SQLite in JourneyKit.Storage.Sqlite;
/// every provider passes the conformance suite in JourneyKit.Testing.
/// </summary>
public abstract class JourneyStore
{
    /// <summary>Gets the event log.</summary>
    public abstract EventStore Events { get; }

    /// <summary>Gets the journey definitions.</summary>
    public abstract JourneyDefinitionStore Definitions { get; }

    /// <summary>Gets the instance states.</summary>
    public abstract InstanceStateStore Instances { get; }

    /// <summary>Removes all of a customer's events and instance states, atomically.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels before anything is removed.</param>
    /// <returns>What was removed.</returns>
    public abstract Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default);
}
