using System.Runtime.InteropServices;
using JourneyKit.Events.Internal;
using Microsoft.Win32.SafeHandles;
using JourneyKit.Internal;

namespace JourneyKit.Events;

/// <summary>
/// An event file sorted by customer on disk (<see cref="EventFile.SortByCustomer"/>): read once, in runs of bounded
/// size, each run's customers written to one temporary file; <see cref="ReadByCustomer"/> merges the runs into batches
/// of whole customers, so a file in any order (not grouped by customer) is read customer by customer in bounded memory.
/// </summary>
/// <remarks>
/// <para>The batches are what <see cref="EventFile.Read(string, EventReaderOptions?)"/> gives for their customers: the
/// same events, sorted by time with equal timestamps in file order, de-duplicated by (customer, event id) with the
/// first in the file winning, every value, event id and attribute kept; and the customers come in the order of their
/// first event in the file, the order of the whole read's batch.</para>
/// <para>The temporary file is in <see cref="TempDirectory"/>; on Unix it is removed from the directory as soon as it is
/// created (the space is freed when this object is disposed or the process ends, however it ends), on Windows it is
/// deleted on close. It takes about 20–40 bytes per event plus the event ids, attribute values and customer ids
/// (<see cref="TempFileBytes"/>). While sorting, memory holds one run and a table of 28 bytes per distinct customer;
/// while merging, one batch and a read buffer per run.</para>
/// <threadsafety>Not thread-safe: one read at a time.</threadsafety>
/// </remarks>
public sealed class CustomerSortedEvents : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly SpillRunWriter _writer;
    private readonly List<(long Offset, long Length)> _runs = [];
    private Dictionary<ulong, long>? _ordinals = []; // customer hash → (second hash << 32 | first-appearance ordinal), while sorting
    private Dictionary<string, int>? _collided; // customers whose 64-bit hash an earlier customer already has
    private int _customers;
    private long _maxTicks = long.MinValue;
    private bool _maxIsKept; // an event at _maxTicks is surely not a duplicate dropped by the merge
    private DateTimeOffset? _latest;
    private bool _latestKnown;
    private EventReadSummary? _summary;
    private int[] _runOrdinals = []; // the first-appearance ordinals of the run being written, in its run order

    internal CustomerSortedEvents(string directory)
    {
        TempDirectory = directory;
        string path = Path.Combine(directory, "journeykit-sort-" + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException(EventReaderMessages.SpillCreate(directory, e.Message), e);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path); // the open handle keeps the data; nothing is left behind, even on a kill
        }

        _writer = new SpillRunWriter(_file, directory);
    }

    /// <summary>Gets the directory of the temporary file.</summary>
    public string TempDirectory { get; }

    /// <summary>Gets the size of the temporary file in bytes.</summary>
    public long TempFileBytes => _writer.Position;

    /// <summary>Gets the number of sorted runs the file was cut into.</summary>
    public int RunCount => _runs.Count;

    /// <summary>Gets the latest event's instant, or null for no events: what the whole read's
    /// <see cref="EventBatch.LatestTimestamp"/> gives.</summary>
    /// <remarks>Known from the sort, unless the latest event has an event id and could be a duplicate of an event in an
    /// earlier run; the first get then merges the runs once to find it.</remarks>
    /// <exception cref="ObjectDisposedException">The object was disposed.</exception>
    public DateTimeOffset? LatestTimestamp
    {
        get
        {
            ObjectDisposedException.ThrowIf(_file.IsClosed, this);
            if (!_latestKnown)
            {
                long latest = long.MinValue;
                ReadByCustomer(EventFile.DefaultCustomerBatchEvents, batch => latest = Math.Max(latest, batch.LatestTimestamp?.UtcTicks ?? long.MinValue));
                _latest = latest == long.MinValue ? null : new DateTimeOffset(latest, TimeSpan.Zero);
                _latestKnown = true;
            }

            return _latest;
        }
    }

    /// <summary>
    /// Merges the runs into batches of whole customers, each handed to <paramref name="onBatch"/> as soon as it is
    /// complete. A batch is cut before the next customer once it holds <paramref name="batchEvents"/> events or more, as
    /// <see cref="EventFile.ReadByCustomer(string, EventReaderOptions?, int, Action{EventBatch})"/> cuts them. May be
    /// called again (each call merges the runs again).
    /// </summary>
    /// <param name="batchEvents">The number of events at or above which a batch is cut; at least 1.</param>
    /// <param name="onBatch">Called with each batch, customers in the order of their first event in the file.</param>
    /// <returns>The counts and errors of the read, as <see cref="EventFile.Read(string, EventReaderOptions?)"/> gives
    /// them (duplicates in different runs included).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchEvents"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The object was disposed.</exception>
    /// <exception cref="IOException">The temporary file cannot be read.</exception>
    public EventReadSummary ReadByCustomer(int batchEvents, Action<EventBatch> onBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchEvents, 1);
        ArgumentNullException.ThrowIfNull(onBatch);
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        var readers = new SpillRunReader[_runs.Count];
        var queue = new PriorityQueue<int, (int Ordinal, int Run)>(_runs.Count);
        for (int r = 0; r < readers.Length; r++)
        {
            readers[r] = new SpillRunReader(_file, _runs[r].Offset, _runs[r].Length);
            if (readers[r].MoveNext())
            {
                queue.Enqueue(r, (readers[r].Ordinal, r));
            }
        }

        var builder = new EventBatchBuilder();
        long duplicates = 0;
        while (queue.TryPeek(out _, out (int Ordinal, int Run) next))
        {
            if (builder.Count >= batchEvents)
            {
                duplicates += builder.DuplicateCount;
                onBatch(builder.Build());
                builder = new EventBatchBuilder();
            }

            // One customer: its events of every run, in run order (= file order), so the builder's stable sort and
            // first-wins de-duplication give what the whole read gives.
            while (queue.TryPeek(out int run, out (int Ordinal, int Run) at) && at.Ordinal == next.Ordinal)
            {
                queue.Dequeue();
                SpillRunReader reader = readers[run];
                reader.AddCustomerTo(builder);
                if (reader.MoveNext())
                {
                    queue.Enqueue(run, (reader.Ordinal, run));
                }
            }
        }

        if (builder.Count > 0)
        {
            duplicates += builder.DuplicateCount;
            onBatch(builder.Build());
        }

        EventReadSummary s = _summary!;
        return new EventReadSummary(s.Rows, s.Added - duplicates, s.Skipped, s.Duplicates + duplicates, s.Errors);
    }

    /// <summary>Deletes the temporary file.</summary>
    public void Dispose() => _file.Dispose();

    /// <summary>
    /// The place of each customer of a run about to be built (by customer id of <paramref name="customers"/>): the order
    /// of their first event in the file, so the batch's runs are in the order they are written in
    /// (<see cref="EventBatchBuilder.BuildRanked"/>) and <see cref="WriteRun"/> reads the batch front to back.
    /// </summary>
    internal int[] Rank(SymbolTable customers)
    {
        int count = customers.Count;
        var ordinals = new int[count];
        var ids = new int[count];
        for (int c = 0; c < count; c++)
        {
            ordinals[c] = OrdinalOf(customers[c]);
            ids[c] = c;
        }

        Array.Sort(ordinals, ids);
        var rank = new int[count];
        for (int r = 0; r < count; r++)
        {
            rank[ids[r]] = r;
        }

        _runOrdinals = ordinals;
        return rank;
    }

    /// <summary>Writes one run: a batch of whole customers cut by the reader (<see cref="CustomerBatchSplitter"/>) and
    /// built in the order <see cref="Rank"/> gave.</summary>
    internal void WriteRun(EventBatch batch)
    {
        long offset = _writer.Position;
        _writer.WriteRun(batch, _runOrdinals);
        _runs.Add((offset, _writer.Position - offset));
        NoteLatest(batch, first: _runs.Count == 1);
    }

    /// <summary>Ends the sort: the last bytes written, the read's summary kept, the customer table freed.</summary>
    internal void Complete(EventReadSummary summary)
    {
        _writer.Flush();
        _summary = summary;
        _ordinals = null;
        _collided = null;
        if (_maxIsKept || _runs.Count <= 1)
        {
            _latest = _maxTicks == long.MinValue ? null : new DateTimeOffset(_maxTicks, TimeSpan.Zero);
            _latestKnown = true;
        }
    }

    /// <summary>The latest event so far, and whether one event at that instant is surely kept by the merge: it has no event
    /// id, or it is in the first run (duplicates are dropped within a run already).</summary>
    private void NoteLatest(EventBatch batch, bool first)
    {
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        for (int row = 0; row < ticks.Length; row++)
        {
            long t = ticks[row];
            if (t < _maxTicks)
            {
                continue;
            }

            bool kept = first || batch.EventIdOf(row).IsEmpty;
            _maxIsKept = t > _maxTicks ? kept : _maxIsKept || kept;
            _maxTicks = t;
        }
    }

    /// <summary>The customer's first-appearance ordinal: the next one for a customer not seen before.</summary>
    private int OrdinalOf(string customer)
    {
        ulong hash = CustomerHash.Of(customer);
        uint check = (uint)string.GetHashCode(customer.AsSpan()); // a second, independent hash
        ref long slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ordinals!, hash, out bool exists);
        if (!exists)
        {
            slot = ((long)check << 32) | (uint)_customers;
            return _customers++;
        }

        if ((uint)(slot >>> 32) == check)
        {
            return (int)slot;
        }

        _collided ??= new Dictionary<string, int>(StringComparer.Ordinal); // another customer has this 64-bit hash
        ref int ordinal = ref CollectionsMarshal.GetValueRefOrAddDefault(_collided, customer, out exists);
        if (!exists)
        {
            ordinal = _customers++;
        }

        return ordinal;
    }
}
