using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>
/// Reads an events file in batches of whole customers — as it is when it is grouped by customer
/// (<see cref="EventFile.ReadByCustomer"/>), else from its runs sorted by customer on disk (<see cref="CliEventSource"/>) — and
/// works on them on every core: the reader runs on its own thread, workers process batches as they come, and the results
/// are consumed in file order on the calling thread. At most a few batches are alive at once, so memory does not grow
/// with the file (docs/cli.md, "Big files").
/// </summary>
internal static class CliEventStream
{
    /// <summary>Tests set a small number of events per batch (for the commands run on their thread) to get many batches from a small file.</summary>
    internal static readonly AsyncLocal<int?> BatchEventsForTests = new();

    private static int BatchEvents => BatchEventsForTests.Value ?? EventFile.DefaultCustomerBatchEvents;

    /// <summary>Whether a command may read <paramref name="path"/> by customer batches: a file with a known extension,
    /// not standard input or a pipe (the read may have to start again from the beginning).</summary>
    public static bool CanStream(string path) =>
        !CliEventInput.IsStreamPath(path) && EventFile.TryDetectFormat(path, out _) && File.Exists(path);

    /// <summary>
    /// Runs <paramref name="attempt"/> (a streamed command) on <paramref name="path"/>; when the file turns out not to be
    /// grouped by customer after some batches were consumed, sorts it by customer on disk and runs the attempt again from
    /// the start, on the sorted runs. The temporary file is deleted when this returns or throws.
    /// </summary>
    public static T ByCustomer<T>(CliContext context, string path, CliEventReading reading, Func<CliEventSource, T> attempt)
    {
        using var source = new CliEventSource(path, reading);
        try
        {
            return attempt(source);
        }
        catch (EventsNotGroupedException e) when (source.Sorted is null)
        {
            source.Sort(context, e.CustomerId);
            return attempt(source);
        }
    }

    /// <summary>The latest event's instant in the file (a first pass, when --as-of is not given), or null for no events.
    /// A file found not grouped by customer is sorted by customer on disk by this pass, for the next.</summary>
    public static DateTimeOffset? Latest(CliContext context, CliEventSource source)
    {
        if (source.Sorted is null)
        {
            long latest = long.MinValue;
            try
            {
                using var bar = context.StderrIsTerminal ? new CliProgressBar(context.Stderr, Path.GetFileName(source.Path)) : null;
                Run(Grouped(source, bar), batch => batch.LatestTimestamp?.UtcTicks ?? long.MinValue, t => latest = Math.Max(latest, t));
                return latest == long.MinValue ? null : new DateTimeOffset(latest, TimeSpan.Zero);
            }
            catch (EventsNotGroupedException e)
            {
                source.Sort(context, e.CustomerId);
            }
        }

        return source.Sorted!.LatestTimestamp;
    }

    /// <summary>What a streamed command looks at of one customer batch: the events up to the instant, of the cohort's
    /// customers only when a cohort is given (the whole-file paths filter the same way).</summary>
    public static EventBatch Scope(EventBatch batch, DateTimeOffset asOf, IReadOnlySet<string>? cohort)
    {
        batch = batch.Until(asOf);
        return cohort is null ? batch : batch.ForCustomers(cohort);
    }

    /// <summary>
    /// Reads the file by customer batches (from the sorted runs once <see cref="CliEventSource.Sort"/> ran):
    /// <paramref name="work"/> runs on worker threads (several batches at once), and <paramref name="consume"/> gets each
    /// batch's result in file order on the calling thread. Bad rows are reported on stderr as
    /// <see cref="CliEventInput.Read"/> reports them.
    /// </summary>
    /// <exception cref="EventFormatException">The data is not valid.</exception>
    /// <exception cref="EventsNotGroupedException">The file is not grouped by customer; some results were consumed.</exception>
    public static EventReadSummary Read<T>(CliContext context, CliEventSource source, Func<EventBatch, T> work, Action<T> consume)
    {
        EventReadSummary summary = Pass(context, source, work, consume);
        CliEventInput.Report(context, summary);
        return summary;
    }

    /// <summary>
    /// An extra pass: <see cref="Read{T}"/>'s batches, work and order (with the progress bar on a terminal) without
    /// reporting the bad rows on stderr — the pass that reports them (<see cref="Read{T}"/>) reads the same ones.
    /// </summary>
    /// <exception cref="EventFormatException">The data is not valid.</exception>
    /// <exception cref="EventsNotGroupedException">The file is not grouped by customer; some results were consumed.</exception>
    public static EventReadSummary Pass<T>(CliContext context, CliEventSource source, Func<EventBatch, T> work, Action<T> consume)
    {
        if (source.Sorted is { } sorted)
        {
            int batchEvents = BatchEvents;
            return Run(hand => sorted.ReadByCustomer(batchEvents, hand), work, consume);
        }

        using var bar = context.StderrIsTerminal ? new CliProgressBar(context.Stderr, Path.GetFileName(source.Path)) : null;
        return Run(Grouped(source, bar), work, consume);
    }

    /// <summary>The reading of a file grouped by customer (<see cref="EventFile.ReadByCustomer"/>), as a producer of batches.</summary>
    private static Func<Action<EventBatch>, EventReadSummary> Grouped(CliEventSource source, IProgress<EventReadProgress>? progress)
    {
        EventReaderOptions options = CliEventInput.ReaderOptions(source.Reading, progress, long.MaxValue); // memory is bounded by the batch, not the file
        int batchEvents = BatchEvents;
        return hand => EventFile.ReadByCustomer(source.Path, options, batchEvents, hand);
    }

    /// <summary>Runs <paramref name="produce"/> on a reader thread and the work on every core; results consumed in order.</summary>
    private static EventReadSummary Run<T>(Func<Action<EventBatch>, EventReadSummary> produce, Func<EventBatch, T> work, Action<T> consume)
    {
        int workers = Math.Max(1, Environment.ProcessorCount);
        int inFlight = workers + 1; // batches read but not yet consumed
        using var slots = new SemaphoreSlim(inFlight, inFlight);
        using var queue = new BlockingCollection<(int Index, EventBatch Batch)>();
        var done = new Dictionary<int, T>();
        var failures = new ConcurrentQueue<ExceptionDispatchInfo>();
        using var failed = new CancellationTokenSource();
        EventReadSummary? summary = null;
        var reader = new Thread(() =>
        {
            try
            {
                int index = 0;
                summary = produce(batch =>
                {
                    slots.Wait(failed.Token);
                    queue.Add((index++, batch));
                });
            }
            catch (OperationCanceledException) when (failed.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failures.Enqueue(ExceptionDispatchInfo.Capture(e));
                failed.Cancel();
            }
            finally
            {
                queue.CompleteAdding();
            }
        }) { IsBackground = true, Name = "journeykit reader" };
        reader.Start();
        var pool = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            pool[w] = Task.Factory.StartNew(() =>
            {
                try
                {
                    foreach ((int index, EventBatch batch) in queue.GetConsumingEnumerable(failed.Token))
                    {
                        T result = work(batch);
                        lock (done)
                        {
                            done.Add(index, result);
                            Monitor.PulseAll(done);
                        }
                    }
                }
                catch (OperationCanceledException) when (failed.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    failures.Enqueue(ExceptionDispatchInfo.Capture(e));
                    failed.Cancel();
                    lock (done)
                    {
                        Monitor.PulseAll(done);
                    }
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Task all = Task.WhenAll(pool).ContinueWith(_ =>
        {
            lock (done)
            {
                Monitor.PulseAll(done);
            }
        }, TaskScheduler.Default);
        try
        {
            for (int next = 0; ; next++)
            {
                T result;
                lock (done)
                {
                    while (!done.ContainsKey(next) && !all.IsCompleted && !failed.IsCancellationRequested)
                    {
                        Monitor.Wait(done, 100);
                    }

                    if (!done.Remove(next, out result!))
                    {
                        break; // every batch consumed, or a failure
                    }
                }

                consume(result);
                slots.Release();
            }
        }
        catch
        {
            failed.Cancel();
            throw;
        }
        finally
        {
            reader.Join();
            all.Wait();
        }

        if (failures.TryDequeue(out ExceptionDispatchInfo? failure))
        {
            failure.Throw();
        }

        return summary!;
    }
}
