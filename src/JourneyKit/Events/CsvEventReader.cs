using System.Text;
using JourneyKit.Events.Internal;
using Sylvan.Data.Csv;

namespace JourneyKit.Events;

/// <summary>
/// Reads journey events from CSV: a header line naming the columns, then one event per record.
/// </summary>
/// <remarks>
/// <para><b>Columns.</b> Required: <c>customer_id</c>, <c>touchpoint</c>, <c>timestamp</c>. Optional: <c>channel</c>,
/// <c>event_id</c>, <c>value</c>. Any other column is an attribute whose key is the column name as written. Column
/// names are trimmed and matched case-insensitively, in any order; a name given twice is an error.</para>
/// <para><b>Cells.</b> RFC 4180: fields may be quoted with <c>"</c> (a quote inside is doubled), quoted fields may
/// contain commas and line breaks; line ends may be LF or CRLF. Customer ids, touchpoints, event ids and attribute
/// values are taken verbatim (not trimmed); an empty cell means absent (an empty attribute is no attribute). Channels
/// are normalized like <see cref="Model.Channel"/> (trimmed, lower case). <c>timestamp</c> is an ISO-8601 date-time with
/// <c>Z</c> or an offset (<c>2026-01-31T09:30:00Z</c>, <c>2026-01-31 10:30:00.250+01:00</c>) or Unix seconds
/// (<c>1769851800</c>, <c>1769851800.25</c>); a date-time without offset is rejected as ambiguous. <c>value</c> is a
/// finite number in invariant culture (<c>12.5</c>, <c>-3e2</c>).</para>
/// <para><b>Text.</b> Streams are decoded as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured and removed).
/// Invalid UTF-8 bytes decode to U+FFFD, and a row containing U+FFFD is a bad row
/// (<see cref="EventReadErrorCode.InvalidUtf8"/>), so that corrupt text never becomes an id silently.</para>
/// <para><b>Skipped and bad lines.</b> Blank lines are ignored. Header problems, malformed quoting and records longer
/// than <see cref="EventReaderOptions.MaxRecordLength"/> always throw; other bad rows follow
/// <see cref="EventReaderOptions.BadRows"/>. Line numbers count <c>'\n'</c> and assume a one-line header.</para>
/// <para>The input is streamed: memory holds the read buffer and the growing batch, never the whole text. Events are
/// added to the builder in file order, so events with equal timestamps keep their file order and the first of several
/// events with the same event id wins.</para>
/// <threadsafety>All members are thread-safe; one builder must not be filled by two reads at once.</threadsafety>
/// </remarks>
public static partial class CsvEventReader
{
    /// <summary>Reads CSV events from a stream into a new batch. The stream is read to its end and not disposed.</summary>
    /// <param name="stream">The UTF-8 CSV bytes.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid (see <see cref="EventReaderOptions.BadRows"/>).</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadResult Read(Stream stream, string? fileName, EventReaderOptions? options)
    {
        var builder = new EventBatchBuilder();
        EventReadSummary summary = ReadInto(stream, builder, fileName, options);
        return new EventReadResult(builder.Build(), summary);
    }

    /// <summary>Reads CSV events from text into a new batch. The reader is read to its end and not disposed.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The batch, counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid (see <see cref="EventReaderOptions.BadRows"/>).</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadResult Read(TextReader reader, string? fileName, EventReaderOptions? options)
    {
        var builder = new EventBatchBuilder();
        EventReadSummary summary = ReadInto(reader, builder, fileName, options);
        return new EventReadResult(builder.Build(), summary);
    }

    /// <summary>
    /// Reads CSV events from a stream into <paramref name="builder"/>, for example one sharing a compiled journey's
    /// symbol tables, or one collecting several files. The stream is read to its end and not disposed.
    /// </summary>
    /// <param name="stream">The UTF-8 CSV bytes.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid; events before the bad row stay in the builder.</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadSummary ReadInto(Stream stream, EventBatchBuilder builder, string? fileName, EventReaderOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(builder);
        options ??= EventReaderOptions.Default;
        options.Validate();
        long? total = stream.CanSeek ? stream.Length - stream.Position : null;
        using var counting = new CountingStream(stream, leaveOpen: true);
        var context = new ReadContext(fileName, options, builder, () => counting.BytesRead, total);
        ReadCore(counting, context, options.MaxRecordLength);
        return context.Finish();
    }

    /// <summary>Reads CSV events from text into <paramref name="builder"/>. The reader is read to its end and not disposed.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="fileName">The name used in error messages, or null.</param>
    /// <param name="options">The options, or null for <see cref="EventReaderOptions.Default"/>.</param>
    /// <returns>The counts and errors.</returns>
    /// <exception cref="EventFormatException">The data is not valid; events before the bad row stay in the builder.</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public static EventReadSummary ReadInto(TextReader reader, EventBatchBuilder builder, string? fileName, EventReaderOptions? options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(builder);
        options ??= EventReaderOptions.Default;
        options.Validate();
        var context = new ReadContext(fileName, options, builder, null, null);
        ReadCore(reader, context, options.MaxRecordLength);
        return context.Finish();
    }

    internal static StreamReader CreateTextReader(Stream stream) =>
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true,
            bufferSize: EventReaderConstants.InitialBufferSize, leaveOpen: true);

    internal static void ReadCore(TextReader reader, ReadContext context, int maxRecordLength) =>
        ReadSylvan(reader, context, maxRecordLength, null, 2);

    /// <summary>
    /// Reads with Sylvan: from the header (<paramref name="layout"/> null), or, after the UTF-8 reader gave up at a record
    /// it does not handle, the header line again (so Sylvan settles its line-end handling on the same text) and then the
    /// remaining records, with the header's <paramref name="layout"/>, from line <paramref name="line"/>.
    /// </summary>
    private static void ReadSylvan(TextReader reader, ReadContext context, int maxRecordLength, CsvLayout? layout, long line)
    {
        var csvOptions = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = ',',
            Quote = '"',
            Escape = '"',
            CsvStyle = CsvStyle.Standard,
            ResultSetMode = ResultSetMode.SingleResult,
            BufferSize = Math.Min(EventReaderConstants.InitialBufferSize, maxRecordLength),
            MaxBufferSize = maxRecordLength,
            OwnsReader = false,
        };

        CsvDataReader csv;
        try
        {
            csv = CsvDataReader.Create(reader, csvOptions);
        }
        catch (CsvMissingHeadersException)
        {
            context.Fatal(EventReadErrorCode.EmptyFile, 1, null, 0, EventReaderMessages.EmptyCsv());
            return;
        }
        catch (CsvRecordTooLargeException e)
        {
            // Creating the reader reads the header and the first record; RowNumber says which (0: the header).
            long at = layout is null ? Math.Max(0, e.RowNumber) + 1 : line;
            context.Fatal(EventReadErrorCode.RecordTooLarge, at, null, 0, EventReaderMessages.RecordTooLarge(maxRecordLength, "characters"), e);
            return;
        }
        catch (CsvFormatException e)
        {
            long at = layout is null ? Math.Max(0, e.RowNumber) + 1 : line;
            context.Fatal(EventReadErrorCode.MalformedCsv, at, null, 0, EventReaderMessages.MalformedCsv(e.Message), e);
            return;
        }

        using (csv)
        {
            layout ??= CsvLayout.FromHeader(csv, context);
            var row = new CsvRowReader(csv, layout, context, maxRecordLength, line);
            try
            {
                row.ReadAll();
            }
            catch (EventLimitExceededException e)
            {
                context.LimitExceeded(e);
            }
        }
    }

    /// <summary>The column ordinals found in the header.</summary>
    private sealed class CsvLayout
    {
        public int FieldCount { get; private init; }

        public int CustomerId { get; private init; } = -1;

        public int Touchpoint { get; private init; } = -1;

        public int Timestamp { get; private init; } = -1;

        public int Channel { get; private init; } = -1;

        public int EventId { get; private init; } = -1;

        public int Value { get; private init; } = -1;

        public required string[] Names { get; init; }

        /// <summary>Gets the attribute column ordinals.</summary>
        public required int[] AttributeOrdinals { get; init; }

        public static CsvLayout FromHeader(CsvDataReader csv, ReadContext context)
        {
            var raw = new string[csv.FieldCount];
            for (int i = 0; i < raw.Length; i++)
            {
                raw[i] = csv.GetName(i);
            }

            return FromHeader(raw, context);
        }

        public static CsvLayout FromHeader(string[] raw, ReadContext context)
        {
            int n = raw.Length;
            var names = new string[n];
            for (int i = 0; i < n; i++)
            {
                string name = raw[i];
                if (i == 0 && name.Length > 0 && name[0] == '\uFEFF')
                {
                    name = name[1..]; // a byte-order mark left by a TextReader that did not remove it
                }

                names[i] = name.Trim();
            }

            if (n == 1 && names[0].Length == 0)
            {
                context.Fatal(EventReadErrorCode.EmptyFile, 1, null, 0, EventReaderMessages.EmptyCsv());
            }

            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < n; i++)
            {
                if (names[i].Length == 0)
                {
                    context.Fatal(EventReadErrorCode.InvalidHeader, 1, null, i + 1, EventReaderMessages.EmptyColumnName(i + 1));
                }

                if (names[i].Contains('\uFFFD', StringComparison.Ordinal))
                {
                    context.Fatal(EventReadErrorCode.InvalidUtf8, 1, names[i], i + 1, EventReaderMessages.InvalidUtf8);
                }

                if (!seen.TryAdd(names[i], i))
                {
                    context.Fatal(EventReadErrorCode.InvalidHeader, 1, names[i], i + 1, EventReaderMessages.DuplicateColumn(names[i], seen[names[i]] + 1, i + 1));
                }
            }

            string?[] mapped = context.Options.Columns?.Sources() ?? new string?[EventReaderConstants.StandardColumns.Length];
            string Source(int field) => mapped[field] ?? EventReaderConstants.StandardColumns[field];
            int Find(int field) => seen.TryGetValue(Source(field), out int ordinal) ? ordinal : -1;
            for (int field = 0; field < mapped.Length; field++)
            {
                // A column with a standard name that is mapped from elsewhere would be neither the field nor an attribute.
                string standard = EventReaderConstants.StandardColumns[field];
                if (mapped[field] is { } source && !source.Equals(standard, StringComparison.OrdinalIgnoreCase) && seen.TryGetValue(standard, out int clash)
                    && Array.FindIndex(mapped, m => standard.Equals(m, StringComparison.OrdinalIgnoreCase)) < 0)
                {
                    context.Fatal(EventReadErrorCode.InvalidHeader, 1, names[clash], clash + 1, EventReaderMessages.MappedColumnClash(standard, source));
                }
            }

            int[] used = [Find(0), Find(1), Find(2), Find(3), Find(4), Find(5)];
            var layout = new CsvLayout
            {
                FieldCount = n,
                Names = names,
                CustomerId = used[0],
                Touchpoint = used[1],
                Timestamp = used[2],
                Channel = used[3],
                EventId = used[4],
                Value = used[5],
                AttributeOrdinals = AttributeColumns(names, used),
            };

            var missing = new List<(string Field, string? Mapped)>(3);
            for (int field = 0; field < 3; field++)
            {
                if (used[field] < 0)
                {
                    missing.Add((EventReaderConstants.StandardColumns[field], mapped[field]));
                }
            }

            if (missing.Count > 0)
            {
                context.Fatal(EventReadErrorCode.MissingColumn, 1, null, 0, EventReaderMessages.MissingColumns(missing, names, used));
            }

            return layout;
        }

        private static int[] AttributeColumns(string[] names, int[] used)
        {
            var ordinals = new List<int>();
            for (int i = 0; i < names.Length; i++)
            {
                if (Array.IndexOf(used, i) < 0 && !EventReaderConstants.IsStandardColumn(names[i]))
                {
                    ordinals.Add(i);
                }
            }

            return [.. ordinals];
        }
    }

    /// <summary>The per-record loop; allocation-free for valid rows whose strings were seen before.</summary>
    private sealed class CsvRowReader(CsvDataReader csv, CsvLayout layout, ReadContext context, int maxRecordLength, long firstLine)
    {
        private long _nextLine = firstLine;
        private char[] _scratch = new char[256];
        private int _scratchCount;

        public void ReadAll()
        {
            while (true)
            {
                long line = _nextLine;
                if (!Next(line))
                {
                    break;
                }

                context.Line = line;

                ReadOnlySpan<char> raw = csv.GetRawRecordSpan();
                _nextLine += Math.Max(1, raw.Count('\n'));
                int fieldCount = csv.RowFieldCount;
                if (fieldCount == 1 && csv.GetFieldSpan(0).IsWhiteSpace())
                {
                    continue; // a blank line
                }

                context.Rows++;
                if ((context.Rows & (EventReaderConstants.ProgressCheckRows - 1)) == 0)
                {
                    context.MaybeReport();
                }

                if (fieldCount != layout.FieldCount)
                {
                    Bad(EventReadErrorCode.FieldCount, line, -1, EventReaderMessages.FieldCount(fieldCount, layout.FieldCount));
                    continue;
                }

                if (raw.Contains('\uFFFD'))
                {
                    BadUtf8(line);
                    continue;
                }

                // Sylvan unescapes a quoted field with doubled quotes into one shared scratch buffer, so two such spans
                // alias each other: when the record has quotes, copy the fields that must live together.
                _scratchCount = 0;
                AddRecord(new SylvanFields(this, raw.Contains('"')), layout, context, line);
            }
        }

        /// <summary>The fields of Sylvan's current record; with quotes, the fields that live together are copied.</summary>
        private readonly struct SylvanFields(CsvRowReader owner, bool quoted) : IRecordFields
        {
            public ReadOnlySpan<char> Field(int ordinal) => owner.Field(ordinal, quoted);

            public ReadOnlySpan<char> Transient(int ordinal) => owner.Raw(ordinal);

            public bool IsEmpty(int ordinal) => owner.Raw(ordinal).IsEmpty;

            public bool TryTimestamp(int ordinal, EventReaderOptions options, out long ticks, out TimestampError error) =>
                EventTimestamp.TryParse(owner.Raw(ordinal), options.TimestampFormat, options.TimeZone, out ticks, out error);
        }

        private ReadOnlySpan<char> Raw(int ordinal) => csv.GetFieldSpan(ordinal);

        private ReadOnlySpan<char> Field(int ordinal, bool copy)
        {
            ReadOnlySpan<char> field = csv.GetFieldSpan(ordinal);
            if (!copy || field.IsEmpty)
            {
                return field;
            }

            if (_scratchCount + field.Length > _scratch.Length)
            {
                Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchCount + field.Length));
            }

            // Spans handed out earlier for this record stay valid after a resize: they keep the old array alive.
            Span<char> destination = _scratch.AsSpan(_scratchCount, field.Length);
            field.CopyTo(destination);
            _scratchCount += field.Length;
            return destination;
        }

        private bool Next(long line)
        {
            try
            {
                return csv.Read();
            }
            catch (CsvRecordTooLargeException e)
            {
                context.Fatal(EventReadErrorCode.RecordTooLarge, line, null, 0, EventReaderMessages.RecordTooLarge(maxRecordLength, "characters"), e);
            }
            catch (CsvFormatException e)
            {
                context.Fatal(EventReadErrorCode.MalformedCsv, line, null, e.FieldOrdinal >= 0 ? e.FieldOrdinal + 1 : 0, EventReaderMessages.MalformedCsv(e.Message), e);
            }

            return false;
        }

        private void BadUtf8(long line)
        {
            int ordinal = -1;
            for (int i = 0; i < csv.RowFieldCount; i++)
            {
                if (csv.GetFieldSpan(i).Contains('\uFFFD'))
                {
                    ordinal = i;
                    break;
                }
            }

            Bad(EventReadErrorCode.InvalidUtf8, line, ordinal, EventReaderMessages.InvalidUtf8);
        }

        private void Bad(EventReadErrorCode code, long line, int ordinal, string reason) =>
            context.BadRow(code, line, ordinal >= 0 ? layout.Names[ordinal] : null, ordinal + 1, reason);
    }
}
