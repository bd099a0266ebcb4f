using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Reads journey events from JSON Lines (also called NDJSON): one JSON object per line.
/// </summary>
/// <remarks>
/// <para><b>Fields.</b> The same names as the CSV columns (<see cref="CsvEventReader"/>), matched exactly:
/// <c>customer_id</c>, <c>touchpoint</c> and <c>timestamp</c> are required; <c>channel</c>, <c>event_id</c> and
/// <c>value</c> are optional. <c>attributes</c> may hold an object of attributes. Any other field is an attribute too.
/// A standard field given twice is an error; for attributes the last one wins.</para>
/// <para><b>Types.</b> Ids, touchpoints and channels are JSON strings or numbers (a number is kept as written:
/// <c>42</c> → <c>"42"</c>). <c>timestamp</c> is a string (ISO-8601 with offset, or Unix seconds) or a number (Unix
/// seconds). <c>value</c> is a finite number, or a string holding one. Attribute values are strings, numbers or
/// booleans (kept as their JSON text). <c>null</c> and <c>""</c> mean absent. Nested arrays or objects (other than
/// <c>attributes</c>) are bad rows.</para>
/// <para><b>Text.</b> UTF-8, with an optional byte-order mark. A line with invalid UTF-8 is a bad row
/// (<see cref="EventReadErrorCode.InvalidUtf8"/>) naming the byte position. Lines end with LF or CRLF; blank lines are
/// ignored. A line longer than <see cref="EventReaderOptions.MaxRecordLength"/> bytes stops reading.</para>
/// <para>The input is streamed line by line; events are added in file order (see <see cref="CsvEventReader"/>).</para>
/// <threadsafety>All members are thread-safe; one builder must not be filled by two reads at once.</threadsafety>
/// </remarks>
public static partial class JsonLinesEventReader
{
    /// <summary>Reads JSON Lines events from a stream into a new batch. The stream is read to its end and not disposed.</summary>
    /// <param name="stream">The UTF-8 JSON Lines bytes.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid (see <see cref="EventReaderOptions.BadRows"/>).</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadResult Read(Stream stream, string? fileName = null, EventReaderOptions? options = null)
    {
        var builder = new EventBatchBuilder();
        EventReadSummary summary = ReadInto(stream, builder, fileName, options);
        return new EventReadResult(builder.Build(), summary);
    }

    /// <summary>
    /// Reads JSON Lines events from a stream into <paramref name="builder"/>. The stream is read to its end and not
    /// disposed.
    /// </summary>
    /// <param name="stream">The UTF-8 JSON Lines bytes.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid; events before the bad row stay in the builder.</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadSummary ReadInto(Stream stream, EventBatchBuilder builder, string? fileName = null, EventReaderOptions? options = null) =>
        ReadInto(stream, builder, fileName, options, plainLines: true);

    /// <summary><see cref="ReadInto(Stream, EventBatchBuilder, string?, EventReaderOptions?)"/>, with or without the byte-level path for plain lines (tests compare the two).</summary>
    internal static EventReadSummary ReadInto(Stream stream, EventBatchBuilder builder, string? fileName, EventReaderOptions? options, bool plainLines)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(builder);
        options ??= EventReaderOptions.Default;
        options.Validate();
        long? total = stream.CanSeek ? stream.Length - stream.Position : null;
        using var counting = new CountingStream(stream, leaveOpen: true);
        var context = new ReadContext(fileName, options, builder, () => counting.BytesRead, total);
        new JsonLinesParser(context, options.MaxRecordLength) { PlainLines = plainLines }.ReadAll(counting);
        return context.Finish();
    }

    internal sealed partial class JsonLinesParser(ReadContext context, int maxRecordLength)
    {
        private static readonly JsonReaderOptions JsonOptions = new() { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow };

        private readonly string[] _names = Names(context.Options.Columns);
        private readonly byte[][] _utf8Names = Utf8Names(context.Options.Columns);
        private readonly EventTimestampFormat _format = context.Options.TimestampFormat;
        private readonly TimeZoneInfo? _zone = context.Options.TimeZone;
        private char[] _chars = new char[256];
        private int _charCount;
        private Attribute[] _attributes = new Attribute[8];
        private int _attributeCount;

        private enum Field
        {
            Other,
            CustomerId,
            Touchpoint,
            Timestamp,
            Channel,
            EventId,
            Value,
            Attributes,
        }

        public void ReadAll(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(EventReaderConstants.InitialBufferSize, maxRecordLength + 2));
            try
            {
                int start = 0;
                int end = 0;
                bool eof = false;
                long line = 1;
                bool first = true;
                while (true)
                {
                    int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        if (eof)
                        {
                            if (end > start)
                            {
                                Line(buffer.AsSpan(start, end - start), line, ref first);
                            }

                            break;
                        }

                        if (start > 0)
                        {
                            buffer.AsSpan(start, end - start).CopyTo(buffer);
                            end -= start;
                            start = 0;
                        }

                        if (end == buffer.Length)
                        {
                            if (end > maxRecordLength + 1)
                            {
                                context.Fatal(EventReadErrorCode.RecordTooLarge, line, null, 0, EventReaderMessages.RecordTooLarge(maxRecordLength, "bytes"));
                            }

                            byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxRecordLength + 2L));
                            buffer.AsSpan(0, end).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }

                        int n = stream.Read(buffer, end, buffer.Length - end);
                        if (n == 0)
                        {
                            eof = true;
                        }

                        end += n;
                        continue;
                    }

                    Line(buffer.AsSpan(start, newline), line, ref first);
                    start += newline + 1;
                    line++;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void Line(ReadOnlySpan<byte> bytes, long line, ref bool first)
        {
            if (first)
            {
                first = false;
                if (bytes.StartsWith("\uFEFF"u8))
                {
                    bytes = bytes[3..];
                }
            }

            if (bytes.Length > 0 && bytes[^1] == '\r')
            {
                bytes = bytes[..^1];
            }

            if (bytes.Length > maxRecordLength)
            {
                context.Fatal(EventReadErrorCode.RecordTooLarge, line, null, 0, EventReaderMessages.RecordTooLarge(maxRecordLength, "bytes"));
            }

            if (bytes.IndexOfAnyExcept(" \t\r"u8) < 0)
            {
                return; // a blank line
            }

            context.Rows++;
            if ((context.Rows & (EventReaderConstants.ProgressCheckRows - 1)) == 0)
            {
                context.MaybeReport();
            }

            if (!Utf8.IsValid(bytes))
            {
                context.BadRow(EventReadErrorCode.InvalidUtf8, line, null, 0, EventReaderMessages.InvalidUtf8AtByte(FirstInvalidUtf8(bytes) + 1));
                return;
            }

            context.Line = line;
            try
            {
                if (!PlainLines || !TryParsePlain(bytes))
                {
                    Parse(bytes, line);
                }
            }
            catch (EventLimitExceededException e)
            {
                context.LimitExceeded(e);
            }
            catch (JsonException e)
            {
                // Utf8JsonReader appends "LineNumber: 0 | BytePositionInLine: n." for the single line it saw; say it our way.
                string detail = e.Message;
                int where = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
                detail = where > 0 ? detail[..where] : detail;
                context.BadRow(EventReadErrorCode.InvalidJson, line, null, 0, EventReaderMessages.InvalidJson(detail, e.BytePositionInLine + 1));
            }
        }

        private void Parse(ReadOnlySpan<byte> bytes, long line)
        {
            var reader = new Utf8JsonReader(bytes, JsonOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                context.BadRow(EventReadErrorCode.InvalidJson, line, null, 0, EventReaderMessages.NotAnObject);
                return;
            }

            _charCount = 0;
            _attributeCount = 0;
            Range customer = default, touchpoint = default, channel = default, eventId = default, timestampText = default;
            bool hasTimestamp = false;
            long ticks = 0;
            double value = double.NaN;
            int seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                Field field = Identify(ref reader);
                if (field != Field.Other)
                {
                    int bit = 1 << (int)field;
                    if ((seen & bit) != 0)
                    {
                        context.BadRow(EventReadErrorCode.DuplicateField, line, FieldName(field), 0, EventReaderMessages.DuplicateField);
                        return;
                    }

                    seen |= bit;
                }

                Range key = default;
                if (field == Field.Other)
                {
                    key = CopyString(ref reader);
                }

                reader.Read();
                switch (field)
                {
                    case Field.CustomerId:
                    case Field.Touchpoint:
                    case Field.Channel:
                    case Field.EventId:
                        if (!TryScalar(ref reader, allowBoolean: false, out Range text))
                        {
                            context.BadRow(EventReadErrorCode.InvalidJson, line, FieldName(field), 0, EventReaderMessages.FieldType("a string or a number", TypeName(reader.TokenType)));
                            return;
                        }

                        if (field == Field.CustomerId)
                        {
                            customer = text;
                        }
                        else if (field == Field.Touchpoint)
                        {
                            touchpoint = text;
                        }
                        else if (field == Field.Channel)
                        {
                            channel = text;
                        }
                        else
                        {
                            eventId = text;
                        }

                        break;
                    case Field.Timestamp:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (!TryScalar(ref reader, allowBoolean: false, out timestampText))
                        {
                            context.BadRow(EventReadErrorCode.InvalidJson, line, FieldName(field), 0, EventReaderMessages.FieldType("a string or a number", TypeName(reader.TokenType)));
                            return;
                        }

                        if (!EventTimestamp.TryParse(Chars(timestampText), _format, _zone, out ticks, out TimestampError timestampError))
                        {
                            if (timestampError == TimestampError.Empty)
                            {
                                break; // "" is absent, reported below as missing
                            }

                            context.BadRow(EventReaderMessages.TimestampCode(timestampError), line, FieldName(field), 0, EventReaderMessages.Timestamp(timestampError, Chars(timestampText).Trim(), _format, _zone));
                            return;
                        }

                        hasTimestamp = true;
                        break;
                    case Field.Value:
                        if (!TryValue(ref reader, out value, line))
                        {
                            return;
                        }

                        break;
                    case Field.Attributes:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            context.BadRow(EventReadErrorCode.InvalidJson, line, FieldName(field), 0, EventReaderMessages.FieldType("an object", TypeName(reader.TokenType)));
                            return;
                        }

                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            Range nestedKey = CopyString(ref reader);
                            reader.Read();
                            if (!TryAttribute(ref reader, nestedKey, line))
                            {
                                return;
                            }
                        }

                        break;
                    default:
                        if (!TryAttribute(ref reader, key, line))
                        {
                            return;
                        }

                        break;
                }
            }

            if (reader.Read())
            {
                // Content after the object; Utf8JsonReader normally throws before getting here.
                context.BadRow(EventReadErrorCode.InvalidJson, line, null, 0, EventReaderMessages.NotAnObject);
                return;
            }

            if (Chars(customer).IsEmpty)
            {
                context.BadRow(EventReadErrorCode.RequiredFieldEmpty, line, FieldName(Field.CustomerId), 0, Required(Field.CustomerId, (seen & (1 << (int)Field.CustomerId)) != 0));
                return;
            }

            if (Chars(touchpoint).IsEmpty)
            {
                context.BadRow(EventReadErrorCode.RequiredFieldEmpty, line, FieldName(Field.Touchpoint), 0, Required(Field.Touchpoint, (seen & (1 << (int)Field.Touchpoint)) != 0));
                return;
            }

            if (!hasTimestamp)
            {
                context.BadRow(EventReadErrorCode.RequiredFieldEmpty, line, FieldName(Field.Timestamp), 0, Required(Field.Timestamp, (seen & (1 << (int)Field.Timestamp)) != 0));
                return;
            }

            EventBatchBuilder builder = context.Builder;
            if (!builder.Add(Chars(customer), Chars(touchpoint), ticks, Chars(channel), Chars(eventId), value))
            {
                return; // a duplicate event id: counted by the builder
            }

            context.Added++;
            for (int i = 0; i < _attributeCount; i++)
            {
                ref Attribute attribute = ref _attributes[i];
                builder.SetAttribute(Chars(attribute.Key), Chars(attribute.Value));
            }
        }

        /// <summary>The field names read as the standard fields, in <see cref="EventReaderConstants.StandardColumns"/> order.</summary>
        private static string[] Names(EventColumnMapping? mapping)
        {
            string?[] sources = mapping?.Sources() ?? new string?[EventReaderConstants.StandardColumns.Length];
            var names = new string[sources.Length];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = sources[i] ?? EventReaderConstants.StandardColumns[i];
            }

            return names;
        }

        private static byte[][] Utf8Names(EventColumnMapping? mapping)
        {
            string[] names = Names(mapping);
            var bytes = new byte[names.Length][];
            for (int i = 0; i < names.Length; i++)
            {
                bytes[i] = System.Text.Encoding.UTF8.GetBytes(names[i]);
            }

            return bytes;
        }

        private Field Identify(ref Utf8JsonReader reader)
        {
            try
            {
                return IdentifyCore(ref reader);
            }
            catch (InvalidOperationException e)
            {
                // Comparing unescapes the name: an escaped lone surrogate is valid JSON syntax but not text.
                throw new JsonException(EventReaderMessages.UnpairedSurrogate, null, null, reader.TokenStartIndex, e);
            }
        }

        private Field IdentifyCore(ref Utf8JsonReader reader)
        {
            for (int i = 0; i < _utf8Names.Length; i++)
            {
                if (reader.ValueTextEquals(_utf8Names[i]))
                {
                    return (Field)(i + 1); // Field.CustomerId … Field.Value follow the standard order
                }
            }

            return reader.ValueTextEquals("attributes"u8) ? Field.Attributes : Field.Other;
        }

        private string FieldName(Field field) => field is >= Field.CustomerId and <= Field.Value ? _names[(int)field - 1] : EventReaderConstants.AttributesField;

        /// <summary>The reason for an empty or absent required field; an absent unmapped one gets the --columns hint.</summary>
        private string Required(Field field, bool present) =>
            present ? EventReaderMessages.RequiredEmpty
            : context.Options.Columns?.Sources()[(int)field - 1] is null ? EventReaderMessages.RequiredAbsentMapHint(FieldName(field))
            : EventReaderMessages.RequiredAbsent;

        private static string TypeName(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "object",
            JsonTokenType.StartArray => "array",
            JsonTokenType.True or JsonTokenType.False => "boolean",
            JsonTokenType.Null => "null",
            JsonTokenType.Number => "number",
            _ => "string",
        };

        private bool TryAttribute(ref Utf8JsonReader reader, Range key, long line)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return true;
            }

            if (!TryScalar(ref reader, allowBoolean: true, out Range text))
            {
                // The row ends here: no reader.Skip(), which throws on a cut line and counted the row twice (fuzz finding).
                context.BadRow(EventReadErrorCode.InvalidJson, line, Chars(key).ToString(), 0, EventReaderMessages.FieldType("a string, a number or a boolean", TypeName(reader.TokenType)));
                return false;
            }

            if (Chars(text).IsEmpty)
            {
                return true; // "" is absent
            }

            if (_attributeCount == _attributes.Length)
            {
                Array.Resize(ref _attributes, _attributes.Length * 2);
            }

            _attributes[_attributeCount++] = new Attribute(key, text);
            return true;
        }

        private bool TryValue(ref Utf8JsonReader reader, out double value, long line)
        {
            value = double.NaN;
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return true;
                case JsonTokenType.Number:
                    if (reader.TryGetDouble(out value) && double.IsFinite(value))
                    {
                        return true;
                    }

                    break;
                case JsonTokenType.String:
                    Range text = CopyString(ref reader);
                    ReadOnlySpan<char> chars = Chars(text).Trim();
                    if (chars.IsEmpty)
                    {
                        value = double.NaN;
                        return true;
                    }

                    if (double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
                    {
                        return true;
                    }

                    context.BadRow(EventReadErrorCode.InvalidValue, line, FieldName(Field.Value), 0,
                        double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? EventReaderMessages.NotFinite(chars) : EventReaderMessages.NotANumber(chars));
                    return false;
                default:
                    context.BadRow(EventReadErrorCode.InvalidValue, line, FieldName(Field.Value), 0, EventReaderMessages.FieldType("a number", TypeName(reader.TokenType)));
                    return false;
            }

            Range raw = CopyRaw(ref reader);
            context.BadRow(EventReadErrorCode.InvalidValue, line, FieldName(Field.Value), 0, EventReaderMessages.NotFinite(Chars(raw)));
            return false;
        }

        /// <summary>Copies a string, number or (optionally) boolean token into the scratch buffer.</summary>
        private bool TryScalar(ref Utf8JsonReader reader, bool allowBoolean, out Range text)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    text = CopyString(ref reader);
                    return true;
                case JsonTokenType.Number:
                    text = CopyRaw(ref reader);
                    return true;
                case JsonTokenType.True or JsonTokenType.False when allowBoolean:
                    text = CopyRaw(ref reader);
                    return true;
                case JsonTokenType.Null:
                    text = default;
                    return true;
                default:
                    text = default;
                    return false;
            }
        }

        private Range CopyString(ref Utf8JsonReader reader)
        {
            int maxChars = reader.ValueSpan.Length; // UTF-8 bytes >= UTF-16 chars, and escapes only shrink
            Ensure(maxChars);
            int written;
            try
            {
                written = reader.CopyString(_chars.AsSpan(_charCount));
            }
            catch (InvalidOperationException e)
            {
                // An escaped lone surrogate ("\ud800") is valid JSON syntax but not text.
                throw new JsonException(EventReaderMessages.UnpairedSurrogate, null, null, reader.TokenStartIndex, e);
            }

            var range = new Range(_charCount, _charCount + written);
            _charCount += written;
            return range;
        }

        private Range CopyRaw(ref Utf8JsonReader reader)
        {
            ReadOnlySpan<byte> raw = reader.ValueSpan; // numbers and literals are ASCII
            Ensure(raw.Length);
            Span<char> destination = _chars.AsSpan(_charCount, raw.Length);
            for (int i = 0; i < raw.Length; i++)
            {
                destination[i] = (char)raw[i];
            }

            var range = new Range(_charCount, _charCount + raw.Length);
            _charCount += raw.Length;
            return range;
        }

        private void Ensure(int more)
        {
            if (_charCount + more > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + more));
            }
        }

        private ReadOnlySpan<char> Chars(Range range) => _chars.AsSpan(range);

        private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
        {
            int position = 0;
            while (position < bytes.Length)
            {
                OperationStatus status = System.Text.Rune.DecodeFromUtf8(bytes[position..], out _, out int consumed);
                if (status != OperationStatus.Done)
                {
                    return position;
                }

                position += consumed;
            }

            return 0;
        }

        private readonly record struct Attribute(Range Key, Range Value);
    }
}
