using JourneyKit.Events;
using JourneyKit.Orchestration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyKit.Hosting;

/// <summary>
/// Runs a <see cref="JourneyEngine"/> in a generic host: one tick at start-up (recovers timers and pending outbox
/// entries after a restart), then a tick every <see cref="OrchestrationHostOptions.TickInterval"/>, and drains the
/// <see cref="JourneyIngestionQueue"/> in batches.
/// </summary>
/// <remarks>
/// A failed ingest of queued events is retried (after <see cref="OrchestrationHostOptions.IngestRetryBackoff"/>) up to
/// <see cref="OrchestrationHostOptions.MaxIngestRetries"/> times; waiters of <see cref="JourneyIngestionQueue.IngestAsync"/>
/// then see the exception. A failed tick is logged and the next tick tries again.
/// </remarks>
public sealed partial class JourneyOrchestrationService : BackgroundService
{
    private readonly JourneyEngine _engine;
    private readonly JourneyIngestionQueue _queue;
    private readonly OrchestrationHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _drainStop = new();
    private readonly ulong _jitterSeed = (ulong)Random.Shared.NextInt64();
    private Task? _drain;

    /// <summary>Creates the service.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="queue">The ingestion queue.</param>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock; null for the engine's.</param>
    /// <param name="logger">The logger, or null.</param>
    public JourneyOrchestrationService(JourneyEngine engine, JourneyIngestionQueue queue, OrchestrationHostOptions options, TimeProvider? timeProvider = null, ILogger<JourneyOrchestrationService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _engine = engine;
        _queue = queue;
        _options = options;
        _time = timeProvider ?? engine.TimeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the number of scheduler ticks completed.</summary>
    public long TicksCompleted { get; private set; }

    /// <summary>
    /// Starts draining the ingestion queue, then the scheduler. The drain starts here, not in
    /// <see cref="ExecuteAsync"/>: since .NET 10 the host runs all of <c>ExecuteAsync</c> on the thread pool, so a stop right
    /// after the start could otherwise come before the drain exists and return with queued events not yet ingested.
    /// </summary>
    /// <param name="cancellationToken">Signals that the start must be aborted.</param>
    /// <returns>A task.</returns>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _drain ??= Task.Run(() => DrainAsync(_drainStop.Token), CancellationToken.None);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Stops taking events, ingests the ones already queued (until <paramref name="cancellationToken"/> says the host
    /// stops waiting; waiters of what is left see a cancellation), then stops the scheduler.
    /// </summary>
    /// <param name="cancellationToken">Signals that the stop must no longer be graceful.</param>
    /// <returns>A task.</returns>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        if (_drain is { } drain)
        {
            using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _drainStop))
            {
                await drain.ConfigureAwait(false);
            }
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _drainStop.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await TickAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TickAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _engine.TickAsync(stoppingToken).ConfigureAwait(false);
            TicksCompleted++;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailure(_logger, e, "scheduler tick");
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>
    /// Ingests queued events in batches until the queue is completed and empty, or <paramref name="stop"/>. A queued
    /// erasure ends the batch: the events before it are ingested, then the customer is erased.
    /// </summary>
    private async Task DrainAsync(CancellationToken stop)
    {
        var batch = new List<QueuedEvent>(_options.MaxBatchSize);
        var events = new List<JourneyEvent>(_options.MaxBatchSize);
        QueuedEvent? erase = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                batch.Clear();
                events.Clear();
                while (batch.Count < _options.MaxBatchSize && _queue.Reader.TryRead(out QueuedEvent item))
                {
                    if (item.EraseCustomerId is not null)
                    {
                        erase = item;
                        break;
                    }

                    batch.Add(item);
                    events.Add(item.Event!);
                }

                if (batch.Count > 0)
                {
                    await IngestWithRetriesAsync(batch, events, stop).ConfigureAwait(false);
                }

                batch.Clear();
                if (erase is { } e)
                {
                    await EraseWithRetriesAsync(e, stop).ConfigureAwait(false);
                    erase = null;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            foreach (QueuedEvent item in batch)
            {
                item.Cancel(stop);
            }

            erase?.Cancel(stop);
            while (_queue.Reader.TryRead(out QueuedEvent left))
            {
                left.Cancel(stop);
            }
        }
    }

    private async Task EraseWithRetriesAsync(QueuedEvent erase, CancellationToken stoppingToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                erase.Erased!.TrySetResult(await _engine.EraseCustomerAsync(erase.EraseCustomerId!, stoppingToken).ConfigureAwait(false));
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxIngestRetries)
                {
                    LogFailure(_logger, e, "erasing a customer (given up)");
                    erase.Erased!.TrySetException(e);
                    return;
                }

                LogFailure(_logger, e, "erasing a customer (retrying)");
                await Task.Delay(_options.IngestRetryBackoff.GetDelay(attempt + 1, _jitterSeed), _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task IngestWithRetriesAsync(List<QueuedEvent> batch, List<JourneyEvent> events, CancellationToken stoppingToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await _engine.IngestBatchAsync(events, stoppingToken).ConfigureAwait(false);
                foreach (QueuedEvent item in batch)
                {
                    item.Done?.TrySetResult();
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxIngestRetries)
                {
                    LogFailure(_logger, e, $"ingesting {events.Count} queued events (given up)");
                    foreach (QueuedEvent item in batch)
                    {
                        item.Done?.TrySetException(e);
                    }

                    return;
                }

                LogFailure(_logger, e, $"ingesting {events.Count} queued events (retrying)");
                await Task.Delay(_options.IngestRetryBackoff.GetDelay(attempt + 1, _jitterSeed), _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = JourneyKitEventId.BackgroundFailure, Level = LogLevel.Error, Message = "Orchestration background work failed: {Operation}")]
    private static partial void LogFailure(ILogger logger, Exception exception, string operation);
}
