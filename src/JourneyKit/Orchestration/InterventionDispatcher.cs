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

/// <summary>Writes each intervention to a logger (event id 3003) and acknowledges it. The default dispatcher.</summary>
/// <remarks><threadsafety>Thread-safe.</threadsafety></remarks>
public sealed class LoggingInterventionDispatcher : InterventionDispatcher
{
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="logger">The logger, or null for none.</param>
    public LoggingInterventionDispatcher(ILogger<LoggingInterventionDispatcher>? logger = null) => _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <inheritdoc/>
    public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        cancellationToken.ThrowIfCancellationRequested();
        Log.InterventionSent(_logger, intervention.Name, intervention.CustomerId, intervention.Channel.Name, intervention.Rule, intervention.IdempotencyKey);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Keeps interventions in memory, for tests: every delivery attempt (<see cref="Attempts"/>) and the distinct
/// interventions by idempotency key (<see cref="Delivered"/>), like a receiver that de-duplicates by key.
/// </summary>
/// <remarks><threadsafety>Thread-safe.</threadsafety></remarks>
public sealed class RecordingInterventionDispatcher : InterventionDispatcher
{
    private readonly ConcurrentQueue<Intervention> _attempts = new();
    private readonly ConcurrentDictionary<string, Intervention> _delivered = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Intervention> _order = new();

    /// <summary>Gets every delivery attempt, in order (a redelivery after a crash appears twice).</summary>
    public IReadOnlyCollection<Intervention> Attempts => _attempts;

    /// <summary>Gets the distinct interventions, in first-delivery order.</summary>
    public IReadOnlyList<Intervention> Delivered => [.. _order];

    /// <summary>Gets the number of deliveries whose key had already been delivered.</summary>
    public int Redeliveries => _attempts.Count - _delivered.Count;

    /// <inheritdoc/>
    public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        cancellationToken.ThrowIfCancellationRequested();
        _attempts.Enqueue(intervention);
        if (_delivered.TryAdd(intervention.IdempotencyKey, intervention))
        {
            _order.Enqueue(intervention);
        }

        return Task.CompletedTask;
    }

    /// <summary>Forgets everything recorded.</summary>
    public void Clear()
    {
        _attempts.Clear();
        _delivered.Clear();
        _order.Clear();
    }
}
