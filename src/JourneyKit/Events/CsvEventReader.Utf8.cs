using System.Buffers;
using System.Globalization;
using System.Text;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>The byte-level fast path of the CSV reader and the per-record logic both paths share.</summary>
public static partial class CsvEventReader
{
    /// <summary>
    /// Reads CSV from bytes: the UTF-8 fast path for plain records (printable ASCII, no quotes, LF or CRLF), handing the
    /// rest of the input to Sylvan, unchanged, at the first record it does not handle (quotes, other bytes, a blank line,
    /// a long record) — so every result, error and line number is the one Sylvan's path gives.
    /// </summary>
    internal static void ReadCore(Stream input, ReadContext context, int maxRecordLength) =>
        new Utf8Reader(input, context, maxRecordLength).ReadAll();

    /// <summary>Adds one record with the expected number of fields: the checks and conversions both paths share.</summary>
    private static void AddRecord<TFields>(TFields fields, CsvLayout layout, ReadContext context, long line)
        where TFields : struct, IRecordFields, allows ref struct
    {
        EventReaderOptions options = context.Options;
        RowProblem problem = TryConvert(fields, layout, options, out long ticks, out double value, out TimestampError timestampError);
        if (problem != RowProblem.None)
        {
            ReportProblem(fields, layout, context, line, problem, timestampError);
            return;
        }

        ReadOnlySpan<char> customer = fields.Field(layout.CustomerId);
        ReadOnlySpan<char> touchpoint = fields.Field(layout.Touchpoint);
        ReadOnlySpan<char> channel = layout.Channel >= 0 ? fields.Field(layout.Channel) : default;
        ReadOnlySpan<char> eventId = layout.EventId >= 0 ? fields.Field(layout.EventId) : default;
        EventBatchBuilder builder = context.Builder;
        if (!builder.Add(customer, touchpoint, ticks, channel, eventId, value))
        {
            return; // a duplicate event id: counted by the builder
        }

        context.Added++;
        SetAttributes(fields, layout, builder);
    }

    /// <summary>Sets the record's non-empty attribute cells on the event added last.</summary>
    private static void SetAttributes<TFields>(TFields fields, CsvLayout layout, EventBatchBuilder builder)
        where TFields : struct, IRecordFields, allows ref struct
    {
        int[] attributes = layout.AttributeOrdinals;
        for (int a = 0; a < attributes.Length; a++)
        {
            int ordinal = attributes[a];
            ReadOnlySpan<char> attribute = fields.Transient(ordinal);
            if (!attribute.IsEmpty)
            {
                builder.SetAttribute(layout.Names[ordinal], attribute);
            }
        }
    }

    /// <summary>Why a record with the expected number of fields is a bad row.</summary>
    private enum RowProblem
    {
        None,
        CustomerEmpty,
        TouchpointEmpty,
        Timestamp,
        Value,
    }

    /// <summary>
    /// The checks and conversions of a record with the expected number of fields, before anything is added: the
    /// required cells, the timestamp and the value. Every reader of plain records (sequential, chunked) goes through it.
    /// </summary>
    private static RowProblem TryConvert<TFields>(TFields fields, CsvLayout layout, EventReaderOptions options, out long ticks, out double value, out TimestampError timestampError)
        where TFields : struct, IRecordFields, allows ref struct
    {
        ticks = 0;
        value = double.NaN;
        timestampError = TimestampError.None;
        if (fields.IsEmpty(layout.CustomerId))
        {
            return RowProblem.CustomerEmpty;
        }

        if (fields.IsEmpty(layout.Touchpoint))
        {
            return RowProblem.TouchpointEmpty;
        }

        if (!fields.TryTimestamp(layout.Timestamp, options, out ticks, out timestampError))
        {
            return RowProblem.Timestamp;
        }

        if (layout.Value >= 0)
        {
            ReadOnlySpan<char> valueText = fields.Transient(layout.Value).Trim();
            if (!valueText.IsEmpty && !(double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value)))
            {
                value = double.NaN;
                return RowProblem.Value;
            }
        }

        return RowProblem.None;
    }

    /// <summary>Handles the bad row <see cref="TryConvert"/> found (described, or only counted when skipped past the reported ones).</summary>
    private static void ReportProblem<TFields>(TFields fields, CsvLayout layout, ReadContext context, long line, RowProblem problem, TimestampError timestampError)
        where TFields : struct, IRecordFields, allows ref struct
    {
        EventReaderOptions options = context.Options;
        switch (problem)
        {
            case RowProblem.CustomerEmpty:
                Bad(context, layout, EventReadErrorCode.RequiredFieldEmpty, line, layout.CustomerId, EventReaderMessages.RequiredEmpty);
                return;
            case RowProblem.TouchpointEmpty:
                Bad(context, layout, EventReadErrorCode.RequiredFieldEmpty, line, layout.Touchpoint, EventReaderMessages.RequiredEmpty);
                return;
            case RowProblem.Timestamp when context.WantsDetails:
                ReadOnlySpan<char> timestamp = fields.Transient(layout.Timestamp);
                Bad(context, layout, EventReaderMessages.TimestampCode(timestampError), line, layout.Timestamp, EventReaderMessages.Timestamp(timestampError, timestamp.Trim(), options.TimestampFormat, options.TimeZone));
                return;
            case RowProblem.Value when context.WantsDetails:
                ReadOnlySpan<char> text = fields.Transient(layout.Value).Trim();
                bool isNumber = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                Bad(context, layout, EventReadErrorCode.InvalidValue, line, layout.Value, isNumber ? EventReaderMessages.NotFinite(text) : EventReaderMessages.NotANumber(text));
                return;
            default:
                context.BadRowUndescribed();
                return;
        }
    }

    private static void Bad(ReadContext context, CsvLayout layout, EventReadErrorCode code, long line, int ordinal, string reason) =>
        context.BadRow(code, line, ordinal >= 0 ? layout.Names[ordinal] : null, ordinal + 1, reason);

    /// <summary>The fields of the record being added.</summary>
    private interface IRecordFields
    {
        /// <summary>A field that stays valid while the record is added (customer, touchpoint, channel, event id).</summary>
        ReadOnlySpan<char> Field(int ordinal);

        /// <summary>A field used at once and never kept beside another (timestamp, value, attribute).</summary>
        ReadOnlySpan<char> Transient(int ordinal);

        /// <summary>Whether a field has no characters.</summary>
        bool IsEmpty(int ordinal);

        /// <summary>Parses a field as the event's timestamp (<see cref="EventTimestamp"/>, the reader's format and zone).</summary>
        bool TryTimestamp(int ordinal, EventReaderOptions options, out long ticks, out TimestampError error);
    }

    /// <summary>
    /// The fields of a plain record (printable ASCII, so one character per byte), read from its bytes: a field is widened
    /// to UTF-16 only when asked for, into <paramref name="chars"/> at the field's own offset (so fields asked for stay
    /// valid side by side), and the timestamp is parsed from the bytes (<see cref="EventTimestamp.TryParseIsoUtf8"/>).
    /// </summary>
    private readonly ref struct Utf8Fields(ReadOnlySpan<byte> record, char[] chars, int[] starts, int[] lengths) : IRecordFields
    {
        private readonly ReadOnlySpan<byte> _record = record;

        public ReadOnlySpan<byte> Bytes(int ordinal) => _record.Slice(starts[ordinal], lengths[ordinal]);

        public ReadOnlySpan<char> Field(int ordinal)
        {
            Span<char> field = chars.AsSpan(starts[ordinal], lengths[ordinal]);
            WidenAscii(Bytes(ordinal), field);
            return field;
        }

        public ReadOnlySpan<char> Transient(int ordinal) => Field(ordinal);

        public bool IsEmpty(int ordinal) => lengths[ordinal] == 0;

        public bool TryTimestamp(int ordinal, EventReaderOptions options, out long ticks, out TimestampError error) =>
            EventTimestamp.TryParse(Bytes(ordinal), options.TimestampFormat, options.TimeZone, out ticks, out error);
    }

    /// <summary>ASCII bytes as characters into <paramref name="destination"/> (as long): a loop for short ids, else vectorised.</summary>
    private static void WidenAscii(ReadOnlySpan<byte> ascii, Span<char> destination)
    {
        if (ascii.Length <= 32)
        {
            for (int i = 0; i < ascii.Length; i++)
            {
                destination[i] = (char)ascii[i];
            }

            return;
        }

        Ascii.ToUtf16(ascii, destination, out _);
    }

    /// <summary>The UTF-8 reader: plain records straight from the bytes, anything else to Sylvan.</summary>
    private sealed class Utf8Reader(Stream input, ReadContext context, int maxRecordLength)
    {
        private const int BufferSize = 1 << 18;

        /// <summary>
        /// Sylvan decides how lines end from the first line end it meets, looking at the 15th character when it is a CR;
        /// a header ending in CRLF shorter than that would make the decision depend on the first record, so such files
        /// are read by Sylvan from the start.
        /// </summary>
        private const int MinCrLfHeader = 15;

        private byte[] _header = [];

        private byte[] _buffer = [];
        private int _end;
        private bool _eof;
        private char[] _chars = new char[256];

        public void ReadAll()
        {
            _buffer = new byte[BufferSize];
            Fill(0);
            int pos = _end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF ? 3 : 0;
            int newline = _buffer.AsSpan(pos, _end - pos).IndexOf((byte)'\n');
            if (newline < 0)
            {
                FallBack(0, null, 2); // empty, a header alone, or a header longer than the buffer
                return;
            }

            ReadOnlySpan<byte> header = TrimCr(_buffer.AsSpan(pos, newline));
            if (!IsPlain(header) || header.Length > maxRecordLength / 2 || (header.Length < MinCrLfHeader && header.Length < newline))
            {
                FallBack(0, null, 2);
                return;
            }

            _header = _buffer.AsSpan(pos, newline + 1).ToArray(); // with its line end, for a hand-over to Sylvan

            var names = new string[header.Count((byte)',') + 1];
            int field = 0;
            foreach (Range range in header.Split((byte)','))
            {
                names[field++] = Encoding.ASCII.GetString(header[range]);
            }

            CsvLayout layout = CsvLayout.FromHeader(names, context);
            int first = pos + newline + 1;
            ReserveEstimate(first);
            try
            {
                long line = 2;
                if (context.SeekableFile is { } file && ChunkedReader.Applies(context, layout, file.Length))
                {
                    // Large file: parsed by chunks on every core; the rest from the first record the chunks left to this
                    // reader (quotes, other bytes, a bad row, a limit), from the start of that record.
                    (long resume, line) = new ChunkedReader(file, context, layout, maxRecordLength, countedBytes: _end).Read(first);
                    if (resume < 0)
                    {
                        return;
                    }

                    file.Position = resume;
                    _eof = false;
                    Fill(0);
                    first = 0;
                }

                ReadRecords(layout, first, line);
            }
            catch (EventLimitExceededException e)
            {
                context.LimitExceeded(e);
            }
        }

        private void ReadRecords(CsvLayout layout, int pos, long line)
        {
            int fieldCount = layout.FieldCount;
            var starts = new int[fieldCount];
            var lengths = new int[fieldCount];
            while (true)
            {
                int length = _buffer.AsSpan(pos, _end - pos).IndexOf((byte)'\n');
                bool last = false;
                if (length < 0)
                {
                    if (!_eof)
                    {
                        if (pos == 0 && _end == _buffer.Length)
                        {
                            FallBack(pos, layout, line); // a record longer than the buffer: Sylvan knows the limit
                            return;
                        }

                        pos = Compact(pos);
                        continue;
                    }

                    if (pos == _end)
                    {
                        return;
                    }

                    length = _end - pos;
                    last = true;
                }

                ReadOnlySpan<byte> record = TrimCr(_buffer.AsSpan(pos, length));
                if (!IsPlain(record) || record.Length > maxRecordLength / 2)
                {
                    FallBack(pos, layout, line);
                    return;
                }

                context.Line = line;
                context.Rows++;
                if ((context.Rows & (EventReaderConstants.ProgressCheckRows - 1)) == 0)
                {
                    context.MaybeReport();
                }

                if (_chars.Length < record.Length)
                {
                    _chars = new char[Math.Max(record.Length, _chars.Length * 2)];
                }

                int found = SplitPlain(record, starts, lengths);
                if (found != fieldCount)
                {
                    Bad(context, layout, EventReadErrorCode.FieldCount, line, -1, EventReaderMessages.FieldCount(found, fieldCount));
                }
                else
                {
                    AddRecord(new Utf8Fields(record, _chars, starts, lengths), layout, context, line);
                }

                if (last)
                {
                    return;
                }

                line++;
                pos += length + 1;
            }
        }

        /// <summary>Sizes the columns once for a large file, from the records in the first buffer: no repeated growth.</summary>
        private void ReserveEstimate(int firstRecord)
        {
            if (context.TotalBytes is not { } total || total < BufferSize || !_eof && _end < _buffer.Length)
            {
                return;
            }

            int records = _buffer.AsSpan(firstRecord, _end - firstRecord).Count((byte)'\n');
            if (records > 0)
            {
                context.Builder.Reserve((int)Math.Min(int.MaxValue, total / ((_end - firstRecord) / (double)records) * 1.02));
            }
        }

        /// <summary>Gives Sylvan the input from <paramref name="pos"/> on: the buffered bytes, then the rest of the stream.</summary>
        private void FallBack(int pos, CsvLayout? layout, long line)
        {
            // Sylvan reads the header line again (same text, so the same line-end handling), then the records left.
            using var rest = new PrefixedStream(layout is null ? [] : _header, _buffer, pos, _end - pos, _eof ? null : input);
            using var text = new StreamReader(
                rest,
                new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false),
                detectEncodingFromByteOrderMarks: layout is null, // a mark is one only at the start of the input
                bufferSize: EventReaderConstants.InitialBufferSize,
                leaveOpen: true);
            ReadSylvan(text, context, maxRecordLength, layout, line);
        }

        /// <summary>Moves the bytes from <paramref name="pos"/> to the start of the buffer and reads more after them.</summary>
        private int Compact(int pos)
        {
            int kept = _end - pos;
            Buffer.BlockCopy(_buffer, pos, _buffer, 0, kept);
            Fill(kept);
            return 0;
        }

        private void Fill(int from)
        {
            _end = from;
            while (_end < _buffer.Length)
            {
                int read = input.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    _eof = true;
                    return;
                }

                _end += read;
            }
        }
    }

    /// <summary>Bytes a plain record never has: controls (tab and a lone CR included), quotes, DEL and non-ASCII.</summary>
    private static readonly SearchValues<byte> NotPlain = SearchValues.Create(NotPlainBytes());

    /// <summary>
    /// Splits a plain record at its commas into <paramref name="starts"/> and <paramref name="lengths"/> (as many fields
    /// as they hold) and returns the number of fields found.
    /// </summary>
    private static int SplitPlain(ReadOnlySpan<byte> text, int[] starts, int[] lengths)
    {
        int fieldCount = starts.Length;
        int found = 0;
        int start = 0;
        while (true)
        {
            int comma = text[start..].IndexOf((byte)',');
            int end = comma < 0 ? text.Length : start + comma;
            if (found < fieldCount)
            {
                starts[found] = start;
                lengths[found] = end - start;
            }

            found++;
            if (comma < 0)
            {
                return found;
            }

            start = end + 1;
        }
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>Printable ASCII without quotes, and not blank (a blank line is Sylvan's to skip).</summary>
    private static bool IsPlain(ReadOnlySpan<byte> record) =>
        record.IndexOfAny(NotPlain) < 0 && record.IndexOfAnyExcept((byte)' ') >= 0;

    private static byte[] NotPlainBytes()
    {
        var bytes = new List<byte>();
        for (int b = 0; b < 256; b++)
        {
            if (b < 0x20 || b == '"' || b >= 0x7F)
            {
                bytes.Add((byte)b);
            }
        }

        return [.. bytes];
    }

    /// <summary>A read-only stream of a header, some buffered bytes, then the rest of another stream (not disposed).</summary>
    private sealed class PrefixedStream(byte[] header, byte[] prefix, int offset, int count, Stream? rest) : Stream
    {
        private int _headerOffset;
        private int _offset = offset;
        private int _count = count;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_headerOffset < header.Length)
            {
                int h = Math.Min(header.Length - _headerOffset, buffer.Length);
                header.AsSpan(_headerOffset, h).CopyTo(buffer);
                _headerOffset += h;
                return h;
            }

            if (_count > 0)
            {
                int n = Math.Min(_count, buffer.Length);
                prefix.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                _count -= n;
                return n;
            }

            return rest?.Read(buffer) ?? 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
