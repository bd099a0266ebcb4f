using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

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
