using System.Threading.Channels;
using JourneyKit.Events;
using JourneyKit.Storage;

namespace JourneyKit.Hosting;

/// <summary>
/// A bounded in-memory queue of events for <see cref="JourneyOrchestrationService"/> to ingest in batches. Writers wait
/// while it is full (back-pressure).
/// </summary>
/// <remarks>
/// <see cref="EnqueueAsync"/> returns once the event is queued — in memory, not yet durable; use
/// <see cref="IngestAsync"/> to wait until it is stored and evaluated (acknowledged).
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
public sealed class JourneyIngestionQueue
{
    private readonly Channel<QueuedEvent> _channel;

    /// <summary>Creates a queue.</summary>
    /// <param name="options">The options (capacity).</param>
    public JourneyIngestionQueue(OrchestrationHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Capacity = options.QueueCapacity;
        _channel = Channel.CreateBounded<QueuedEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Gets the capacity.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of events waiting.</summary>
    public int Count => _channel.Reader.Count;

    internal ChannelReader<QueuedEvent> Reader => _channel.Reader;

    /// <summary>Queues an event, waiting while the queue is full.</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    /// <exception cref="ChannelClosedException">The host is stopping.</exception>
    public ValueTask EnqueueAsync(JourneyEvent journeyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        return _channel.Writer.WriteAsync(new QueuedEvent(journeyEvent, null), cancellationToken);
    }

    /// <summary>Queues an event if there is room.</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <returns><see langword="false"/> when the queue is full or closed.</returns>
    public bool TryEnqueue(JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        return _channel.Writer.TryWrite(new QueuedEvent(journeyEvent, null));
    }

    /// <summary>Queues an event and waits until it is ingested (stored, evaluated, its interventions recorded).</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the wait (the event may still be ingested).</param>
    /// <returns>A task that completes when the event is acknowledged; faults when its ingestion failed.</returns>
    public async Task IngestAsync(JourneyEvent journeyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new QueuedEvent(journeyEvent, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues the erasure of a customer behind the events already queued and waits until it is done: events queued
    /// before it are ingested first and then erased with the rest of the customer's data
    /// (<see cref="Orchestration.JourneyEngine.EraseCustomerAsync"/>); events queued after it start a new history.
    /// </summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the wait (the erasure may still happen).</param>
    /// <returns>What was removed.</returns>
    /// <exception cref="ChannelClosedException">The host is stopping.</exception>
    public async Task<ErasureResult> EraseAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var done = new TaskCompletionSource<ErasureResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new QueuedEvent(null, null, customerId, done), cancellationToken).ConfigureAwait(false);
        return await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal void Complete() => _channel.Writer.TryComplete();
}

/// <summary>A queued event and who waits for it, or (<see cref="EraseCustomerId"/> set) a queued erasure.</summary>
internal readonly record struct QueuedEvent(JourneyEvent? Event, TaskCompletionSource? Done, string? EraseCustomerId = null, TaskCompletionSource<ErasureResult>? Erased = null)
{
    public void Cancel(CancellationToken token)
    {
        Done?.TrySetCanceled(token);
        Erased?.TrySetCanceled(token);
    }
}
