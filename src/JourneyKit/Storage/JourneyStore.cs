using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

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
