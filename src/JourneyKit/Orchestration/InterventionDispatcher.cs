using System.Collections.Concurrent;
using JourneyKit.Orchestration.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyKit.Orchestration;

/// <summary>
/// Delivers interventions (to a messaging system, a CRM, a webhook …). The engine calls it after the intervention is
/// durably recorded in the customer's outbox and retries until it returns normally.
/// </summary>
/// <remarks>
/// <para>Delivery is at least once: after a crash between delivering and recording the acknowledgement, the same
/// intervention is delivered again with the same <see cref="Intervention.IdempotencyKey"/>. Pass the key on to the
/// receiver (or remember it) so the effect happens once.</para>
/// <para>Return normally to acknowledge; throw to have the engine retry later with backoff.</para>
/// <threadsafety>Implementations must be thread-safe: the engine dispatches for different customers concurrently.</threadsafety>
/// </remarks>
public abstract class InterventionDispatcher
{
    /// <summary>Delivers one intervention.</summary>
    /// <param name="intervention">The intervention.</param>
    /// <param name="cancellationToken">Cancels the delivery (it will be retried).</param>
    /// <returns>A task that completes when the receiver accepted the intervention.</returns>
    public abstract Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default);
}
