using System.Collections.Concurrent;
using JourneyKit.Orchestration.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyKit.Orchestration;

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
