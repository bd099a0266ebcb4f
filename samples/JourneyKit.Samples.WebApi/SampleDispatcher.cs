using System.Collections.Concurrent;
using JourneyKit.Orchestration;

namespace JourneyKit.Samples.WebApi;

/// <summary>The sample's dispatcher: logs each intervention (as a real one would send it) and keeps the latest for /stats.</summary>
public sealed class SampleDispatcher(ILogger<LoggingInterventionDispatcher> logger) : InterventionDispatcher
{
    private readonly LoggingInterventionDispatcher _log = new(logger);
    private readonly ConcurrentQueue<Intervention> _recent = new();
    private long _dispatched;

    /// <summary>Gets the number of interventions dispatched since start.</summary>
    public long Dispatched => Interlocked.Read(ref _dispatched);

    /// <summary>Gets the latest interventions (at most 20).</summary>
    public IReadOnlyList<Intervention> Recent => [.. _recent];

    /// <inheritdoc/>
    public override async Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
    {
        await _log.DispatchAsync(intervention, cancellationToken);
        Interlocked.Increment(ref _dispatched);
        _recent.Enqueue(intervention);
        while (_recent.Count > 20)
        {
            _recent.TryDequeue(out _);
        }
    }
}
