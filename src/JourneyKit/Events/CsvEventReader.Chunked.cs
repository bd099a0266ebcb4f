using System.IO.MemoryMappedFiles;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.ExceptionServices;
using System.Text;
using JourneyKit.Events.Internal;
using JourneyKit.Internal;

namespace JourneyKit.Events;

/// <summary>The chunked path of the CSV reader: a large file parsed on every core.</summary>
public static partial class CsvEventReader
{
    /// <summary>Tests set a chunk size (in bytes, at least 1) to read any file by many chunks, even on one core.</summary>
    internal static readonly AsyncLocal<int?> ChunkBytesForTests = new();

    /// <summary>
    /// Reads the records of a large regular CSV file by chunks on several threads: the file is mapped, cut at line ends
    /// into chunks, and each chunk's plain records are parsed (fields, timestamp, value) and their customer, touchpoint
    /// and channel interned into the chunk's own symbol tables, in parallel. The calling thread then adds the chunks'
    /// rows to the builder in file order, mapping each chunk symbol to the builder's id the first time it is met, so the
    /// ids, the de-duplication by event id, the attributes and the line numbers are exactly those of the sequential
    /// reader. A chunk stops at the first record that is not simply added (quotes or other bytes, a blank line, a bad
    /// row, an id over the limit): from the start of that record the sequential reader takes over, so every error and
    /// skipped row is the one it reports.
    /// </summary>
    private sealed unsafe class ChunkedReader(FileStream file, ReadContext context, CsvLayout layout, int maxRecordLength, int countedBytes)
    {
        /// <summary>Files from this size on are read by chunks (when there are several cores).</summary>
        internal const long MinFileBytes = 16 << 20;

        /// <summary>How many customer runs ahead the merge asks for the customer table's slot (<see cref="SymbolTable.PrefetchAscii"/>).</summary>
        private const int PrefetchRuns = 8;

        /// <summary>A longer record is left to the sequential reader (whose buffer it would not fit).</summary>
        private const int MaxChunkRecord = (1 << 18) / 2;

        private Chunk[] _chunks = [];
        private volatile bool _stopped;
        private int _next;

        /// <summary>Whether a file of <paramref name="length"/> bytes is read by chunks.</summary>
        public static bool Applies(ReadContext context, CsvLayout layout, long length)
        {
            if (context.Builder.IsSplitting || layout.FieldCount == 0)
            {
                return false;
            }

            return ChunkBytesForTests.Value is not null || (Environment.ProcessorCount > 1 && length >= MinFileBytes);
        }

        /// <summary>
        /// Reads from byte <paramref name="first"/> (the first record) and returns where the sequential reader must go on:
        /// the byte offset of a record and its line, or -1 when the file was read to its end.
        /// </summary>
        public (long Resume, long Line) Read(long first)
        {
            long length = file.Length;
            using var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* data = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref data);
            try
            {
                data += view.PointerOffset;
                int threads = ChunkBytesForTests.Value is null ? Environment.ProcessorCount : 2;
                _chunks = Cut(data, first, length, threads);
                using var window = new SemaphoreSlim(2 * threads, int.MaxValue); // chunks parsed but not yet added
                var workers = new Thread[Math.Min(threads, _chunks.Length)];
                for (int w = 0; w < workers.Length; w++)
                {
                    byte* d = data;
                    workers[w] = new Thread(() => Work(d, window)) { IsBackground = true, Name = "journeykit csv chunk" };
                    workers[w].Start();
                }

                try
                {
                    return Merge(data, window);
                }
                finally
                {
                    _stopped = true;
                    if (workers.Length > 0)
                    {
                        window.Release(workers.Length); // a worker waiting for room sees the stop
                    }
                    foreach (Thread worker in workers)
                    {
                        worker.Join();
                    }
                }
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }

        /// <summary>Cuts [<paramref name="first"/>, <paramref name="length"/>) into chunks that end after a line feed.</summary>
        private static Chunk[] Cut(byte* data, long first, long length, int threads)
        {
            long size = ChunkBytesForTests.Value ?? Math.Clamp((length - first) / (4L * threads), 1L << 20, 64L << 20);
            var chunks = new List<Chunk>();
            long start = first;
            while (start < length)
            {
                long end = Math.Min(length, start + Math.Max(1, size));
                if (end < length)
                {
                    // The chunk ends after the line feed at or after its nominal end (a line is never split).
                    long scan = end - 1;
                    while (scan < length)
                    {
                        int span = (int)Math.Min(length - scan, 1 << 20);
                        int at = new ReadOnlySpan<byte>(data + scan, span).IndexOf((byte)'\n');
                        if (at >= 0)
                        {
                            scan += at;
                            break;
                        }

                        scan += span;
                    }

                    end = Math.Min(length, scan + 1);
                }

                chunks.Add(new Chunk(start, end));
                start = end;
            }

            return [.. chunks];
        }

        private void Work(byte* data, SemaphoreSlim window)
        {
            while (true)
            {
                window.Wait();
                int k = Interlocked.Increment(ref _next) - 1;
                if (_stopped || k >= _chunks.Length)
                {
                    return;
                }

                Chunk chunk = _chunks[k];
                try
                {
                    Parse(data, chunk);
                }
                catch (Exception e)
                {
                    chunk.Failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    chunk.Done.Set();
                }
            }
        }

        /// <summary>Parses a chunk's records until its end or the first record the sequential reader must handle.</summary>
        private void Parse(byte* data, Chunk chunk)
        {
            int fieldCount = layout.FieldCount;
            var starts = new int[fieldCount];
            var lengths = new int[fieldCount];
            var chars = new char[256];
            EventReaderOptions options = context.Options;
            int maxId = context.Builder.Limits.MaxIdLength;
            int[] attributes = layout.AttributeOrdinals;
            long pos = chunk.Start;
            long end = chunk.End;
            chunk.Reserve((int)Math.Min(int.MaxValue, EstimateRows(data, pos, end)), layout.Value >= 0, layout.EventId >= 0, attributes.Length);
            ReadOnlySpan<byte> lastCustomer = default;
            var touchpoints = new SymbolCache(chunk.TouchpointTable);
            while (pos < end)
            {
                if ((chunk.Rows & 4095) == 0 && _stopped)
                {
                    return; // the read stopped before this chunk: its rows are not used
                }

                var rest = new ReadOnlySpan<byte>(data + pos, (int)(end - pos)); // a chunk is far below 2 GB
                int newline = rest.IndexOf((byte)'\n');
                int length = newline < 0 ? rest.Length : newline;
                ReadOnlySpan<byte> record = TrimCr(rest[..length]);
                if (length >= MaxChunkRecord || record.Length > maxRecordLength / 2)
                {
                    chunk.StopAt = pos;
                    return;
                }

                if (chars.Length < record.Length)
                {
                    chars = new char[Math.Max(record.Length, chars.Length * 2)];
                }

                // The record is split and converted from its bytes; only the fields kept as text (channel, attributes)
                // and the value are widened to characters.
                var fields = new Utf8Fields(record, chars, starts, lengths);
                if (SplitIfPlain(rest, record.Length, starts, lengths) != fieldCount // not plain, or a field count error
                    || !IdsFit(lengths, maxId)
                    || TryConvert(fields, layout, options, out long ticks, out double value, out _) != RowProblem.None
                    || (ulong)ticks > (ulong)DateTime.MaxValue.Ticks)
                {
                    chunk.StopAt = pos; // a bad row or a limit: the sequential reader reports it
                    return;
                }

                // Customers are not interned here: a run of rows with the same customer (the whole customer in a grouped
                // file) is noted by where its id is in the file, and the builder interns it once per run.
                ReadOnlySpan<byte> customer = fields.Bytes(layout.CustomerId);
                if (chunk.Rows == 0 || !customer.SequenceEqual(lastCustomer))
                {
                    chunk.StartRun(pos + starts[layout.CustomerId], customer.Length, SymbolTable.AsciiHash(customer));
                    lastCustomer = customer;
                }

                int channel = layout.Channel >= 0 ? EventBatchBuilder.InternChannel(chunk.ChannelTable, fields.Field(layout.Channel)) : -1;
                chunk.Add(touchpoints.GetOrAdd(fields.Bytes(layout.Touchpoint)), channel, ticks, value);
                if (layout.EventId >= 0)
                {
                    chunk.EventIdStarts.Add(pos + starts[layout.EventId]); // the id's bytes, read again by the merge
                    chunk.EventIdLengths.Add(lengths[layout.EventId]);
                }

                for (int a = 0; a < attributes.Length; a++)
                {
                    ReadOnlySpan<char> attribute = fields.Transient(attributes[a]);
                    chunk.AttributeValueIds.Add(attribute.IsEmpty ? -1 : chunk.AttributeValueTable.GetOrAdd(attribute));
                }

                pos += length + 1;
            }
        }

        /// <summary>
        /// <see cref="IsPlain"/> and <see cref="SplitPlain"/> of the record of <paramref name="length"/> bytes at the start
        /// of <paramref name="rest"/> in one pass of 32-byte vectors (the bytes after the record, read by the last
        /// vector, are masked off): the number of fields, or -1 when the record is not plain. Without vectors, or
        /// without 32 bytes to spare at the end of the chunk, the two scalar calls.
        /// </summary>
        private static int SplitIfPlain(ReadOnlySpan<byte> rest, int length, int[] starts, int[] lengths)
        {
            if (!Vector256.IsHardwareAccelerated || rest.Length < ((length + 31) & ~31))
            {
                ReadOnlySpan<byte> record = rest[..length];
                return IsPlain(record) ? SplitPlain(record, starts, lengths) : -1;
            }

            int fieldCount = starts.Length;
            int found = 0;
            int start = 0;
            uint nonSpace = 0;
            ref byte first = ref MemoryMarshal.GetReference(rest);
            for (int i = 0; i < length; i += 32)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref first, (nuint)i);
                uint inRecord = length - i >= 32 ? uint.MaxValue : (1u << (length - i)) - 1;
                Vector256<byte> notPlain = Vector256.LessThan(v, Vector256.Create((byte)0x20)) // unsigned: controls
                    | Vector256.GreaterThanOrEqual(v, Vector256.Create((byte)0x7F)) // DEL and non-ASCII
                    | Vector256.Equals(v, Vector256.Create((byte)'"'));
                if ((notPlain.ExtractMostSignificantBits() & inRecord) != 0)
                {
                    return -1;
                }

                nonSpace |= ~Vector256.Equals(v, Vector256.Create((byte)' ')).ExtractMostSignificantBits() & inRecord;
                uint commas = Vector256.Equals(v, Vector256.Create((byte)',')).ExtractMostSignificantBits() & inRecord;
                while (commas != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(commas);
                    if (found < fieldCount)
                    {
                        starts[found] = start;
                        lengths[found] = at - start;
                    }

                    found++;
                    start = at + 1;
                    commas &= commas - 1;
                }
            }

            if (nonSpace == 0)
            {
                return -1; // blank: Sylvan's to skip
            }

            if (found < fieldCount)
            {
                starts[found] = start;
                lengths[found] = length - start;
            }

            return found + 1;
        }

        /// <summary>Whether every id of the record fits <see cref="EventLimits.MaxIdLength"/> (the builder refuses longer ones).</summary>
        private bool IdsFit(int[] lengths, int maxId) =>
            lengths[layout.CustomerId] <= maxId
            && lengths[layout.Touchpoint] <= maxId
            && (layout.Channel < 0 || lengths[layout.Channel] <= maxId)
            && (layout.EventId < 0 || lengths[layout.EventId] <= maxId);

        /// <summary>The rows of a chunk estimated from its first 64 KB, a little over so the columns need not grow.</summary>
        private static long EstimateRows(byte* data, long start, long end)
        {
            int sample = (int)Math.Min(end - start, 1 << 16);
            int lines = new ReadOnlySpan<byte>(data + start, sample).Count((byte)'\n');
            return lines == 0 ? 16 : (long)((end - start) / (sample / (double)lines) * 1.05) + 16;
        }

        /// <summary>
        /// Adds the chunks' rows to the builder in file order on the calling thread (each chunk once it is parsed) and
        /// returns where the sequential reader goes on, or -1 at the end of the file.
        /// </summary>
        private (long Resume, long Line) Merge(byte* data, SemaphoreSlim window)
        {
            EventBatchBuilder builder = context.Builder;
            EventReaderOptions options = context.Options;
            bool rowByRow = layout.EventId >= 0 || layout.AttributeOrdinals.Length > 0; // de-duplication or attributes
            var merge = new MergeState();
            long line = 2;
            foreach (Chunk chunk in _chunks)
            {
                chunk.Done.Wait();
                chunk.Done.Dispose();
                chunk.Failure?.Throw();
                if (builder.Count + (long)chunk.Rows > builder.Limits.MaxEvents || context.Added + chunk.Rows > options.MaxEvents)
                {
                    return (chunk.Start, line); // the limit is reached in this chunk: located by the sequential reader
                }

                if (!rowByRow && !builder.HasEventIds)
                {
                    AppendAll(chunk, data, builder, merge);
                    line += chunk.Rows;
                    context.Line = line - 1;
                }
                else
                {
                    line = AppendEach(chunk, data, builder, merge, line);
                }

                context.UncountedBytes = (chunk.StopAt >= 0 ? chunk.StopAt : chunk.End) - countedBytes;
                context.MaybeReport();
                chunk.Release();
                window.Release();
                if (chunk.StopAt >= 0)
                {
                    return (chunk.StopAt, line);
                }
            }

            return (-1, line);
        }

        /// <summary>
        /// Adds a chunk without event ids (so without duplicates) or attributes, every row kept: every chunk symbol is
        /// mapped in the order the chunk met it, which is the order its rows would intern it, and the columns are
        /// written at once.
        /// </summary>
        private void AppendAll(Chunk chunk, byte* data, EventBatchBuilder builder, MergeState merge)
        {
            int rows = chunk.Rows;
            int[] touchpointMap = MapAll(chunk.TouchpointTable, builder.TouchpointTable);
            int[] channelMap = MapAll(chunk.ChannelTable, builder.ChannelTable);
            ReadOnlySpan<double> chunkValues = chunk.Values.Span;
            bool hasValue = HasNumber(chunkValues);
            builder.AppendRows(rows, hasValue, out Span<int> customers, out Span<int> touchpoints, out Span<int> channels, out Span<long> ticks, out Span<double> values);
            ReadOnlySpan<int> runRows = chunk.RunRows.Span;
            ReadOnlySpan<int> runHashes = chunk.RunHashes.Span;
            SymbolTable customerTable = builder.CustomerTable;
            for (int run = 0; run < runRows.Length; run++)
            {
                if (run + PrefetchRuns < runHashes.Length)
                {
                    customerTable.PrefetchAscii(runHashes[run + PrefetchRuns]); // the table slot a few customers ahead
                }

                int end = run + 1 < runRows.Length ? runRows[run + 1] : rows;
                customers[runRows[run]..end].Fill(merge.Customer(builder, data, chunk, run));
            }

            ReadOnlySpan<int> localTouchpoints = chunk.Touchpoints.Span;
            for (int i = 0; i < rows; i++)
            {
                touchpoints[i] = touchpointMap[localTouchpoints[i]];
            }

            ReadOnlySpan<int> localChannels = chunk.Channels.Span;
            for (int i = 0; i < rows; i++)
            {
                int c = localChannels[i];
                channels[i] = c < 0 ? -1 : channelMap[c];
            }

            chunk.Ticks.Span.CopyTo(ticks);
            if (hasValue)
            {
                chunkValues.CopyTo(values);
            }

            context.Rows += rows;
            context.Added += rows;
        }

        /// <summary>Whether a value column holds a number (NaN is no value).</summary>
        private static bool HasNumber(ReadOnlySpan<double> values)
        {
            foreach (double v in values)
            {
                if (!double.IsNaN(v))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Adds a chunk row by row, as the sequential reader does: de-duplication by event id first, symbols mapped when
        /// first added (a touchpoint or channel seen only on a duplicate gets no id), then the attributes. Returns the
        /// line after the chunk.
        /// </summary>
        private long AppendEach(Chunk chunk, byte* data, EventBatchBuilder builder, MergeState merge, long line)
        {
            int[] attributes = layout.AttributeOrdinals;
            ReadOnlySpan<int> attributeValues = chunk.AttributeValueIds.Span;
            int[] touchpoints = Unmapped(chunk.TouchpointTable.Count);
            int[] channels = Unmapped(chunk.ChannelTable.Count);
            ReadOnlySpan<int> runRows = chunk.RunRows.Span;
            ReadOnlySpan<int> touchpointIds = chunk.Touchpoints.Span;
            ReadOnlySpan<int> channelIds = chunk.Channels.Span;
            ReadOnlySpan<long> ticks = chunk.Ticks.Span;
            ReadOnlySpan<double> values = chunk.Values.Span;
            int run = -1;
            int customer = -1;
            for (int i = 0; i < chunk.Rows; i++)
            {
                context.Line = line++;
                if ((++context.Rows & (EventReaderConstants.ProgressCheckRows - 1)) == 0)
                {
                    context.UncountedBytes = chunk.Start - countedBytes;
                    context.MaybeReport();
                }

                if (run + 1 < runRows.Length && runRows[run + 1] == i)
                {
                    customer = merge.Customer(builder, data, chunk, ++run);
                }

                ReadOnlySpan<char> eventId = layout.EventId >= 0
                    ? merge.Widen(new ReadOnlySpan<byte>(data + chunk.EventIdStarts.Span[i], chunk.EventIdLengths.Span[i])) // no string per row was kept
                    : default;

                if (builder.DropsDuplicate(customer, eventId))
                {
                    continue; // counted by the builder, as the sequential reader's Add does
                }

                int touchpoint = touchpoints[touchpointIds[i]];
                if (touchpoint < 0)
                {
                    touchpoint = touchpoints[touchpointIds[i]] = builder.TouchpointTable.GetOrAdd(chunk.TouchpointTable[touchpointIds[i]]);
                }

                int channel = channelIds[i];
                if (channel >= 0)
                {
                    int mapped = channels[channel];
                    channel = mapped >= 0 ? mapped : (channels[channel] = builder.ChannelTable.GetOrAdd(chunk.ChannelTable[channel]));
                }

                builder.AppendInterned(customer, touchpoint, channel, ticks[i], eventId, values.IsEmpty ? double.NaN : values[i]);
                context.Added++;
                for (int a = 0; a < attributes.Length; a++)
                {
                    int value = attributeValues[(i * attributes.Length) + a];
                    if (value >= 0)
                    {
                        builder.SetAttribute(layout.Names[attributes[a]], chunk.AttributeValueTable[value]);
                    }
                }
            }

            return line;
        }

        /// <summary>Every chunk symbol's id in the builder's table, interned in chunk id order (the order they were met).</summary>
        private static int[] MapAll(SymbolTable chunkTable, SymbolTable builderTable)
        {
            var map = new int[chunkTable.Count];
            for (int i = 0; i < map.Length; i++)
            {
                map[i] = builderTable.GetOrAdd(chunkTable[i]);
            }

            return map;
        }

        /// <summary>A chunk-to-builder id map, every entry -1 (not met yet).</summary>
        private static int[] Unmapped(int count)
        {
            var map = new int[count];
            Array.Fill(map, -1);
            return map;
        }
    }

    /// <summary>The merging thread's buffers: one record widened to UTF-16 and split.</summary>
    private sealed unsafe class MergeState
    {
        private char[] _chars = new char[256];

        /// <summary>The builder's id of a run's customer (interned from the file's bytes).</summary>
        public int Customer(EventBatchBuilder builder, byte* data, Chunk chunk, int run)
        {
            var id = new ReadOnlySpan<byte>(data + chunk.RunStarts.Span[run], chunk.RunLengths.Span[run]);
            return builder.CustomerTable.GetOrAddAscii(id, chunk.RunHashes.Span[run]); // hashed by the parsing thread
        }

        /// <summary>ASCII bytes as characters (valid until the next call).</summary>
        public ReadOnlySpan<char> Widen(ReadOnlySpan<byte> ascii)
        {
            if (_chars.Length < ascii.Length)
            {
                _chars = new char[Math.Max(ascii.Length, _chars.Length * 2)];
            }

            Span<char> chars = _chars.AsSpan(0, ascii.Length);
            WidenAscii(ascii, chars);
            return chars;
        }
    }

    /// <summary>
    /// A direct-mapped cache in front of a symbol table with few symbols (touchpoints), keyed by the symbol's ASCII
    /// bytes: a cheap hash of the bytes picks one slot, and a symbol found there costs a comparison of bytes instead of
    /// widening and a dictionary lookup. Each symbol's bytes are copied once (no allocation per row, even when two
    /// symbols take turns in one slot).
    /// </summary>
    private sealed class SymbolCache(SymbolTable table)
    {
        private const int Slots = 64;
        private readonly byte[]?[] _names = new byte[]?[Slots];
        private readonly int[] _ids = new int[Slots];
        private readonly List<byte[]?> _bytesOfId = [];
        private char[] _chars = new char[64];

        /// <summary>The id of a non-empty ASCII symbol, added to the table when new.</summary>
        public int GetOrAdd(ReadOnlySpan<byte> symbol)
        {
            int slot = ((symbol.Length * 31) + (symbol[0] * 7) + (symbol[^1] * 3) + symbol[symbol.Length >> 1]) & (Slots - 1);
            byte[]? name = _names[slot];
            if (name is not null && symbol.SequenceEqual(name))
            {
                return _ids[slot];
            }

            if (_chars.Length < symbol.Length)
            {
                _chars = new char[Math.Max(symbol.Length, _chars.Length * 2)];
            }

            Span<char> chars = _chars.AsSpan(0, symbol.Length);
            WidenAscii(symbol, chars);
            int id = table.GetOrAdd(chars);
            while (_bytesOfId.Count <= id)
            {
                _bytesOfId.Add(null);
            }

            _names[slot] = _bytesOfId[id] ??= symbol.ToArray();
            _ids[slot] = id;
            return id;
        }
    }

    /// <summary>One chunk of the file: its byte range and, once parsed, its rows (ids of its own symbol tables).</summary>
    private sealed class Chunk(long start, long end)
    {
        public long Start { get; } = start;

        public long End { get; } = end;

        /// <summary>Gets or sets the offset of the record the chunk stopped before (the sequential reader's), or -1.</summary>
        public long StopAt { get; set; } = -1;

        public ManualResetEventSlim Done { get; } = new(false);

        public ExceptionDispatchInfo? Failure { get; set; }

        public SymbolTable TouchpointTable { get; } = new();

        public SymbolTable ChannelTable { get; } = new();

        public int Rows => Ticks.Count;

        /// <summary>The row where each run of one customer's rows starts.</summary>
        public ColumnBuilder<int> RunRows;

        /// <summary>The offset of each run's customer id in the file.</summary>
        public ColumnBuilder<long> RunStarts;

        /// <summary>The length of each run's customer id.</summary>
        public ColumnBuilder<int> RunLengths;

        /// <summary>The <see cref="SymbolTable.AsciiHash"/> of each run's customer id.</summary>
        public ColumnBuilder<int> RunHashes;

        public ColumnBuilder<int> Touchpoints;

        public ColumnBuilder<int> Channels;

        public ColumnBuilder<long> Ticks;

        public ColumnBuilder<double> Values;

        /// <summary>The offset of each row's event id in the file (when the file has the column).</summary>
        public ColumnBuilder<long> EventIdStarts;

        public ColumnBuilder<int> EventIdLengths;

        /// <summary>Each row's attribute cells, one per attribute column: ids of <see cref="AttributeValueTable"/>, -1 when empty.</summary>
        public ColumnBuilder<int> AttributeValueIds;

        public SymbolTable AttributeValueTable { get; } = new();

        private bool _values;

        public void Reserve(int rows, bool values, bool eventIds, int attributes)
        {
            _values = values;
            RunRows = new ColumnBuilder<int>(16);
            RunStarts = new ColumnBuilder<long>(16);
            RunLengths = new ColumnBuilder<int>(16);
            RunHashes = new ColumnBuilder<int>(16);
            Touchpoints = new ColumnBuilder<int>(rows);
            Channels = new ColumnBuilder<int>(rows);
            Ticks = new ColumnBuilder<long>(rows);
            Values = new ColumnBuilder<double>(values ? rows : 0);
            EventIdStarts = new ColumnBuilder<long>(eventIds ? rows : 0);
            EventIdLengths = new ColumnBuilder<int>(eventIds ? rows : 0);
            AttributeValueIds = new ColumnBuilder<int>((int)Math.Min(Array.MaxLength, (long)rows * attributes));
        }

        /// <summary>A run of rows of one customer starts at the next row added.</summary>
        public void StartRun(long idStart, int idLength, int idHash)
        {
            RunRows.Add(Rows);
            RunStarts.Add(idStart);
            RunLengths.Add(idLength);
            RunHashes.Add(idHash);
        }

        public void Add(int touchpoint, int channel, long ticks, double value)
        {
            Touchpoints.Add(touchpoint);
            Channels.Add(channel);
            Ticks.Add(ticks);
            if (_values)
            {
                Values.Add(value);
            }

        }

        /// <summary>Drops the rows once added to the builder.</summary>
        public void Release()
        {
            RunRows = default;
            RunStarts = default;
            RunLengths = default;
            RunHashes = default;
            Touchpoints = default;
            Channels = default;
            Ticks = default;
            Values = default;
            EventIdStarts = default;
            EventIdLengths = default;
            AttributeValueIds = default;
        }
    }
}
