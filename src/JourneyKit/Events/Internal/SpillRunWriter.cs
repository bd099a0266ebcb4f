using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace JourneyKit.Events.Internal;

/// <summary>
/// Writes the sorted runs of <see cref="CustomerSortedEvents"/> to one temporary file. A run is a batch of whole
/// customers (as the reader built it: each customer's events sorted by time, de-duplicated within the run) written in
/// the order of the customers' first appearance in the file:
/// <code>
/// run      := customer*                       (up to the run's length, kept by the caller)
/// customer := varint(ordinal - previous ordinal) string(name) varint(events) event*
/// event    := code(touchpoint) varint(ticks - previous ticks; the first: ticks) code(channel) byte(flags)
///             [double value: flags 1] [string event id: flags 2] [varint n, n × (code key, code value): flags 4]
/// string   := varint(UTF-8 length) UTF-8 bytes
/// code     := varint 0 (none) | 1 string (new; numbered when the run's table of this kind has room) | k ≥ 2 (entry k - 2)
/// </code>
/// Varints are unsigned LEB128; a customer's events are in time order, so tick deltas are never negative. Every
/// attribute, value and event id is kept, so the merge rebuilds exactly what was read.
/// </summary>
/// <threadsafety>Not thread-safe.</threadsafety>
internal sealed class SpillRunWriter
{
    /// <summary>Strings of one kind (touchpoints, channels, attribute keys, attribute values) numbered per run: at most
    /// this many, so a reader holds a bounded table per run; the others are written in full each time.</summary>
    internal const int MaxCodedStrings = 4096;

    private const int BufferBytes = 1 << 16;
    private readonly SafeFileHandle _file;
    private readonly string _directory;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private readonly RunCodes _touchpoints = new();
    private readonly RunCodes _channels = new();
    private readonly RunCodes _keys = new();
    private readonly RunCodes _values = new();
    private int _used;

    public SpillRunWriter(SafeFileHandle file, string directory)
    {
        _file = file;
        _directory = directory;
    }

    /// <summary>Gets the bytes written so far (flushed or not): the next run's offset.</summary>
    public long Position { get; private set; }

    /// <summary>Writes the customers of <paramref name="batch"/> as one run: its customer runs in order, whose
    /// first-appearance ordinals are <paramref name="ordinals"/> (increasing).</summary>
    public void WriteRun(EventBatch batch, ReadOnlySpan<int> ordinals)
    {
        _touchpoints.Reset(batch.Touchpoints.Count);
        _channels.Reset(batch.Channels.Count);
        _keys.Reset(batch.AttributeKeys.Count);
        _values.Reset(batch.AttributeValues.Count);
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<int> channels = batch.ChannelIds;
        ReadOnlySpan<double> values = batch.Values;
        EventAttributes attributes = batch.Attributes;
        bool anyAttributes = batch.AttributeKeys.Count > 0;
        int previousOrdinal = 0;
        var state = new AttributeState(this, batch);
        for (int run = 0; run < ordinals.Length; run++)
        {
            int start = starts[run], end = starts[run + 1];
            WriteVarint((uint)(ordinals[run] - previousOrdinal));
            previousOrdinal = ordinals[run];
            WriteString(batch.Customers[batch.CustomerOfRun(run)]);
            WriteVarint((uint)(end - start));
            long previousTicks = 0;
            for (int row = start; row < end; row++)
            {
                WriteCode(_touchpoints, batch.Touchpoints, touchpoints[row]);
                WriteVarint((ulong)(ticks[row] - previousTicks));
                previousTicks = ticks[row];
                WriteCode(_channels, batch.Channels, channels[row]);
                ReadOnlySpan<char> eventId = batch.EventIdOf(row);
                bool hasValue = !values.IsEmpty && !double.IsNaN(values[row]);
                state.Count = 0;
                if (anyAttributes)
                {
                    attributes.ForEach(row, ref state, static (ref AttributeState s, int _, int _) => s.Count++);
                }

                WriteByte((byte)((hasValue ? 1 : 0) | (eventId.IsEmpty ? 0 : 2) | (state.Count > 0 ? 4 : 0)));
                if (hasValue)
                {
                    Ensure(8);
                    BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_used), values[row]);
                    _used += 8;
                    Position += 8;
                }

                if (!eventId.IsEmpty)
                {
                    WriteString(eventId);
                }

                if (state.Count > 0)
                {
                    WriteVarint((uint)state.Count);
                    attributes.ForEach(row, ref state, static (ref AttributeState s, int key, int value) => s.Write(key, value));
                }
            }
        }
    }

    /// <summary>Writes what is buffered to the file.</summary>
    /// <exception cref="IOException">The file cannot be written (the disk is full, …): the message names the directory.</exception>
    public void Flush()
    {
        if (_used == 0)
        {
            return;
        }

        try
        {
            RandomAccess.Write(_file, _buffer.AsSpan(0, _used), Position - _used);
        }
        catch (IOException e)
        {
            throw new IOException(EventReaderMessages.SpillWrite(_directory, e.Message), e);
        }

        _used = 0;
    }

    private void WriteCode(RunCodes codes, SymbolTable table, int id)
    {
        if (id < 0)
        {
            WriteByte(0);
            return;
        }

        int code = codes.Of(id);
        if (code >= 2)
        {
            WriteVarint((uint)code);
            return;
        }

        WriteByte(1);
        WriteString(table[id]);
        codes.Number(id);
    }

    private void WriteString(ReadOnlySpan<char> text)
    {
        if (text.Length <= 42)
        {
            // At most 126 UTF-8 bytes: a one-byte length, written after the text is encoded in place (one pass).
            Ensure(1 + (text.Length * 3));
            Span<byte> to = _buffer.AsSpan(_used + 1);
            int written = 0;
            while (written < text.Length && text[written] < 0x80)
            {
                to[written] = (byte)text[written]; // ASCII (ids usually are): no encoder set-up per short string
                written++;
            }

            if (written < text.Length)
            {
                written += Encoding.UTF8.GetBytes(text[written..], to[written..]);
            }

            _buffer[_used] = (byte)written;
            _used += 1 + written;
            Position += 1 + written;
            return;
        }

        int bytes = Encoding.UTF8.GetByteCount(text);
        WriteVarint((uint)bytes);
        if (bytes > BufferBytes - 16)
        {
            byte[] large = Encoding.UTF8.GetBytes(text.ToArray());
            Flush();
            WriteDirect(large);
            return;
        }

        Ensure(bytes);
        Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
        _used += bytes;
        Position += bytes;
    }

    private void WriteDirect(byte[] bytes)
    {
        try
        {
            RandomAccess.Write(_file, bytes, Position);
        }
        catch (IOException e)
        {
            throw new IOException(EventReaderMessages.SpillWrite(_directory, e.Message), e);
        }

        Position += bytes.Length;
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_used++] = value;
        Position++;
    }

    private void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_used++] = (byte)(value | 0x80);
            value >>= 7;
            Position++;
        }

        _buffer[_used++] = (byte)value;
        Position++;
    }

    private void Ensure(int bytes)
    {
        if (_used + bytes > BufferBytes)
        {
            Flush();
        }
    }

    /// <summary>The codes given to one kind of string in the current run (0: not numbered yet).</summary>
    private sealed class RunCodes
    {
        private int[] _codes = [];
        private int _numbered;

        public void Reset(int symbols)
        {
            if (_codes.Length < symbols)
            {
                _codes = new int[Math.Max(symbols, _codes.Length * 2)];
            }
            else
            {
                Array.Clear(_codes);
            }

            _numbered = 0;
        }

        public int Of(int id) => _codes[id];

        /// <summary>Numbers a string just written in full, while the run's table has room (the reader does the same).</summary>
        public void Number(int id)
        {
            if (_numbered < MaxCodedStrings)
            {
                _codes[id] = 2 + _numbered++;
            }
        }
    }

    /// <summary>The writer and batch an attribute visitor needs, and the count of the row's attributes.</summary>
    private struct AttributeState(SpillRunWriter writer, EventBatch batch)
    {
        public int Count;

        public readonly void Write(int key, int value)
        {
            writer.WriteCode(writer._keys, batch.AttributeKeys, key);
            writer.WriteCode(writer._values, batch.AttributeValues, value);
        }
    }
}
