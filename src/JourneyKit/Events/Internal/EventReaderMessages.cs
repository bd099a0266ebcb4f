using System.Globalization;
using System.Text;

namespace JourneyKit.Events.Internal;

/// <summary>Every message text of the event readers and writers.</summary>
internal static class EventReaderMessages
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string CompressedData(string detail, long rows, long compressedBytes) =>
        string.Create(Inv, $"{detail} (after {rows:N0} rows, at compressed byte {compressedBytes:N0})");

    public static string CorruptCompressed(string detail) => $"the gzip data is corrupt ({detail.TrimEnd('.')})";

    public static string OptionMaxEvents(long value) => string.Create(Inv, $"MaxEvents must be zero or more, got {value}");

    public static string TooManyEvents(long max) =>
        string.Create(Inv, $"the file holds more than {max:N0} events, the limit (EventReaderOptions.MaxEvents)");

    public static string SpillWrite(string directory, string detail) =>
        $"cannot write the temporary file of events sorted by customer in '{directory}' ({detail.TrimEnd('.')}); free space there or choose another directory (TMPDIR)";

    public static string SpillCreate(string directory, string detail) =>
        $"cannot create a temporary file for sorting the events by customer in '{directory}' ({detail.TrimEnd('.')}); choose a writable directory (TMPDIR)";

    public static string AtRow(string detail, long row) => string.Create(Inv, $"{detail} (row {row:N0})");

    public const string UnpairedSurrogate = "a string holds an unpaired surrogate escape (\\uD800–\\uDFFF without its pair), which is not text";

    public const string StandardInputName = "<stdin>";

    public static string Locate(string? fileName, long line, string? column, string reason)
    {
        var sb = new StringBuilder();
        if (fileName is not null)
        {
            sb.Append(fileName);
            if (line > 0)
            {
                sb.Append(':').Append(line.ToString(Inv));
            }

            sb.Append(": ");
        }
        else if (line > 0)
        {
            sb.Append("line ").Append(line.ToString(Inv)).Append(": ");
        }

        if (!string.IsNullOrEmpty(column))
        {
            sb.Append("column '").Append(column).Append("': ");
        }

        return sb.Append(reason).ToString();
    }

    /// <summary>Quotes a value for a message, cut to a readable length, control characters escaped.</summary>
    public static string Quote(ReadOnlySpan<char> value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, EventReaderConstants.MaxQuotedValueLength) + 8);
        sb.Append('\'');
        int n = Math.Min(value.Length, EventReaderConstants.MaxQuotedValueLength);
        for (int i = 0; i < n; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default: sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c); break;
            }
        }

        if (value.Length > n)
        {
            sb.Append("…' (").Append(value.Length.ToString("N0", Inv)).Append(" characters)");
        }
        else
        {
            sb.Append('\'');
        }

        return sb.ToString();
    }

    public static string Timestamp(TimestampError error, ReadOnlySpan<char> value) => Timestamp(error, value, EventTimestampFormat.Default, null);

    /// <summary>Why a timestamp was rejected, and how to fix the file or the call.</summary>
    public static string Timestamp(TimestampError error, ReadOnlySpan<char> value, EventTimestampFormat format, TimeZoneInfo? zone) => error switch
    {
        TimestampError.Empty => format.Kind == TimestampKind.Default
            ? "is empty; expected an ISO-8601 timestamp with offset (2026-01-31T09:30:00Z) or Unix seconds"
            : $"is empty; expected a timestamp in the format '{format.Name}'",
        TimestampError.NoOffset => format.Kind == TimestampKind.Pattern
            ? $"{Quote(value)} is a local time (the format '{format.Name}' has no offset); say which time zone it is in with --time-zone (EventReaderOptions.TimeZone), for example --time-zone Europe/Amsterdam or --time-zone UTC"
            : $"{Quote(value)} has no UTC offset; add 'Z' or an offset such as '+01:00', or say which time zone the file's local times are in with --time-zone (EventReaderOptions.TimeZone), for example --time-zone Europe/Amsterdam",
        TimestampError.OutOfRange => format.Kind == TimestampKind.UnixMilliseconds
            ? $"{Quote(value)} is out of range (years 0001 to 9999)"
            : $"{Quote(value)} is out of range (years 0001 to 9999; Unix timestamps are in seconds, not milliseconds; for milliseconds use --timestamp-format unix-ms)",
        TimestampError.NonexistentLocalTime =>
            $"{Quote(value)} does not exist in the time zone '{zone?.Id}': the clocks moved forward over it (daylight-saving time); the file's clock or its time zone is wrong there",
        TimestampError.PatternMismatch => $"{Quote(value)} does not match the timestamp format '{format.Name}' (--timestamp-format, EventReaderOptions.TimestampFormat)",
        _ => format.Kind switch
        {
            TimestampKind.UnixSeconds => $"{Quote(value)} is not Unix seconds (the timestamp format is unix-seconds)",
            TimestampKind.UnixMilliseconds => $"{Quote(value)} is not Unix milliseconds (the timestamp format is unix-ms)",
            _ when value.Length >= 5 && char.IsAsciiDigit(value[0]) && value[4] == '-' => $"{Quote(value)} is not an ISO-8601 timestamp with offset or Unix seconds",
            _ => $"{Quote(value)} is not an ISO-8601 timestamp with offset or Unix seconds; if the file uses another format, give it with --timestamp-format (EventReaderOptions.TimestampFormat), for example --timestamp-format \"dd/MM/yyyy HH:mm\"",
        },
    };

    public static EventReadErrorCode TimestampCode(TimestampError error) => error switch
    {
        TimestampError.Empty => EventReadErrorCode.RequiredFieldEmpty,
        TimestampError.NoOffset => EventReadErrorCode.TimestampWithoutOffset,
        TimestampError.OutOfRange => EventReadErrorCode.TimestampOutOfRange,
        TimestampError.NonexistentLocalTime => EventReadErrorCode.NonexistentLocalTime,
        _ => EventReadErrorCode.InvalidTimestamp,
    };

    public const string RequiredEmpty = "is empty; it is required";

    public const string RequiredAbsent = "is missing; it is required";

    public static string RequiredAbsentMapHint(string field) =>
        $"is missing; it is required (if the file names it differently, map it with --columns {field}=FIELD, EventReaderOptions.Columns)";

    public static string NotANumber(ReadOnlySpan<char> value) => $"{Quote(value)} is not a number";

    public static string NotFinite(ReadOnlySpan<char> value) => $"{Quote(value)} is not a finite number";

    public const string InvalidUtf8 = "contains bytes that are not valid UTF-8 (decoded as U+FFFD)";

    public static string InvalidUtf8AtByte(int position) =>
        $"contains bytes that are not valid UTF-8 (at byte {position.ToString(Inv)} of the line)";

    public static string EmptyCsv() =>
        $"the file is empty; expected a header line such as '{EventReaderConstants.CustomerIdColumn},{EventReaderConstants.TouchpointColumn},{EventReaderConstants.TimestampColumn}'";

    /// <summary>The required fields not found, what the header has, and the --columns call that would map them.</summary>
    public static string MissingColumns(IReadOnlyList<(string Field, string? Mapped)> missing, IReadOnlyList<string> header, int[] used)
    {
        var sb = new StringBuilder("missing required column").Append(missing.Count == 1 ? " " : "s ");
        var unmapped = new List<string>();
        for (int i = 0; i < missing.Count; i++)
        {
            (string field, string? mapped) = missing[i];
            sb.Append(i == 0 ? string.Empty : ", ").Append('\'').Append(field).Append('\'');
            if (mapped is not null)
            {
                sb.Append($" (--columns reads it from '{mapped}', which is not in the header)");
            }
            else
            {
                unmapped.Add(field);
            }
        }

        sb.Append("; the header has ").Append(header.Count == 0 ? "no columns" : string.Join(",", header));
        if (unmapped.Count > 0)
        {
            var taken = new HashSet<int>(used);
            var pairs = new List<string>();
            foreach (string field in unmapped)
            {
                int guess = GuessColumn(field, header, taken);
                if (guess >= 0)
                {
                    taken.Add(guess);
                }

                pairs.Add(field + "=" + (guess >= 0 ? header[guess] : "COLUMN"));
            }

            sb.Append(" — map ").Append(unmapped.Count == 1 ? "it" : "them").Append(" with --columns ").Append(string.Join(",", pairs))
              .Append(" (EventReaderOptions.Columns)");
        }

        return sb.ToString();
    }

    private static readonly Dictionary<string, string[]> Synonyms = new(StringComparer.Ordinal)
    {
        [EventReaderConstants.CustomerIdColumn] = ["customer", "customerid", "user", "userid", "client", "clientid", "case", "caseid", "account", "accountid", "person", "personid", "visitor", "visitorid", "uid", "id", "case:concept:name"],
        [EventReaderConstants.TouchpointColumn] = ["event", "eventname", "eventtype", "activity", "action", "step", "name", "type", "concept:name"],
        [EventReaderConstants.TimestampColumn] = ["time", "ts", "date", "datetime", "eventtime", "time:timestamp", "createdat", "occurredat", "when", "at"],
    };

    /// <summary>The header column that most likely holds <paramref name="field"/> (by common names), or -1.</summary>
    private static int GuessColumn(string field, IReadOnlyList<string> header, HashSet<int> taken)
    {
        if (!Synonyms.TryGetValue(field, out string[]? names))
        {
            return -1;
        }

        foreach (string name in names)
        {
            for (int i = 0; i < header.Count; i++)
            {
                string squashed = header[i].Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal)
                    .Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
                if (!taken.Contains(i) && squashed == name && !EventReaderConstants.IsStandardColumn(header[i]))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    public static string MappedColumnClash(string standard, string source) =>
        $"the header has a column '{standard}', but --columns reads {standard} from '{source}'; rename or drop one of them";

    public static string DuplicateColumn(string name, int first, int second) =>
        $"column '{name}' appears twice in the header (columns {first.ToString(Inv)} and {second.ToString(Inv)}; names are compared case-insensitively)";

    public static string EmptyColumnName(int columnNumber) =>
        $"column {columnNumber.ToString(Inv)} of the header has an empty name";

    public static string FieldCount(int actual, int expected) =>
        $"the row has {actual.ToString(Inv)} fields but the header has {expected.ToString(Inv)}";

    public static string MalformedCsv(string detail) => $"malformed CSV: {detail}";

    public static string RecordTooLarge(int max, string unit) =>
        $"the record is longer than {max.ToString("N0", Inv)} {unit} (EventReaderOptions.MaxRecordLength); the file is probably corrupt, or raise the limit";

    public const string NotAnObject = "the line is not a JSON object";

    public static string InvalidJson(string detail, long? bytePosition) =>
        bytePosition is long position ? $"invalid JSON at byte {position.ToString(Inv)}: {detail.TrimEnd()}" : $"invalid JSON: {detail.TrimEnd()}";

    public static string FieldType(string expected, string actual) => $"must be {expected}, not a JSON {actual}";

    public const string DuplicateField = "appears twice in the object";

    public static string OptionBadRows(BadRowHandling value) => $"BadRows: {value} is not a BadRowHandling value";

    public static string OptionLifecycle(LifecycleTransitionHandling value) => $"LifecycleTransitions: {value} is not a LifecycleTransitionHandling value";

    public const string OptionTimestampFormatNull = "TimestampFormat: is null; use EventTimestampFormat.Default";

    public static string OptionNeedsTimeZone(EventTimestampFormat format) =>
        $"TimestampFormat: '{format.Name}' has no UTC offset, so TimeZone is required (TimeZoneInfo.Utc if the times are UTC; --time-zone on the command line)";

    public static string MappingPair(string part) =>
        $"'{part}' is not FIELD=COLUMN; write the pairs like customer_id=user,touchpoint=event,timestamp=time";

    public static string MappingUnknownField(string field) =>
        $"'{field}' is not a field; the fields are {string.Join(", ", EventReaderConstants.StandardColumns)} (write FIELD=COLUMN, for example customer_id=user)";

    public static string MappingFieldTwice(string field) => $"the field '{field}' is mapped twice";

    public static string MappingEmptySource(string field) => $"the column for '{field}' is empty or has surrounding white space";

    public static string MappingSameSource(string source, string first, string second) =>
        $"'{source}' is mapped to both '{first}' and '{second}'";

    public static string PatternNotCustom(string pattern) =>
        $"'{pattern}' is not a timestamp format; use iso, unix-seconds, unix-ms or a custom pattern such as 'dd/MM/yyyy HH:mm'";

    public static string PatternWithK(string pattern) =>
        $"the timestamp format '{pattern}' uses 'K', whose offset is optional; use 'zzz' when every timestamp has an offset, or no offset and a time zone";

    public static string PatternNoDate(string pattern) =>
        $"the timestamp format '{pattern}' must contain the year (yyyy), the month (MM) and the day (dd)";

    public static string PatternInvalid(string pattern, string detail) => $"the timestamp format '{pattern}' is not a valid .NET custom date and time pattern: {detail}";

    public static string OptionMaxReportedErrors(int value) => $"MaxReportedErrors: {value.ToString(Inv)} is negative; use 0 or more";

    public static string OptionMaxRecordLength(int value) =>
        $"MaxRecordLength: {value.ToString(Inv)} is below the minimum of {EventReaderConstants.MinMaxRecordLength.ToString(Inv)}";

    public static string InvalidOptions(IEnumerable<string> problems) =>
        "The event reader options are not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p));

    public static string UnknownExtension(string path) =>
        $"Cannot tell the event file format of '{path}' from its extension; use .csv, .jsonl, .ndjson or .xes (optionally followed by .gz), or pass an EventFileFormat.";

    public static string WriterNotStandardKey(string key) =>
        $"The attribute key '{key}' is the name of a standard column; rename the attribute.";

    public static string WriterDuplicateKey(string key) => $"The attribute key '{key}' is given twice (keys are compared case-insensitively).";

    public static string WriterEmptyKey() => "An attribute key is empty or starts or ends with white space.";

    public static string WriterUnknownKey(string key) =>
        $"The event has the attribute '{key}', which is not one of the writer's attribute columns; pass every key to the constructor.";

    public static string WriterAttributeCount(int actual, int expected) =>
        $"{actual.ToString(Inv)} attribute values were given but the writer has {expected.ToString(Inv)} attribute columns.";

    public static string WriterNotFinite(double value) => $"The value {value.ToString(Inv)} is not finite and cannot be written.";

    // XES

    /// <summary>Locates an XES problem: <c>file:line:position: reason</c> (or <c>line N, position P: reason</c>).</summary>
    public static string LocateXml(string? fileName, long line, int position, string reason)
    {
        var sb = new StringBuilder();
        if (fileName is not null)
        {
            sb.Append(fileName);
            if (line > 0)
            {
                sb.Append(':').Append(line.ToString(Inv));
                if (position > 0)
                {
                    sb.Append(':').Append(position.ToString(Inv));
                }
            }
        }
        else if (line > 0)
        {
            sb.Append("line ").Append(line.ToString(Inv));
            if (position > 0)
            {
                sb.Append(", position ").Append(position.ToString(Inv));
            }
        }

        return sb.Length == 0 ? reason : sb.Append(": ").Append(reason).ToString();
    }

    public static string XesTrace(ReadOnlySpan<char> traceId, int traceNumber) =>
        traceId.IsEmpty ? $"trace {traceNumber.ToString(Inv)}" : $"trace {Quote(traceId)}";

    public static string XesEvent(ReadOnlySpan<char> traceId, int traceNumber, int eventNumber, ReadOnlySpan<char> name) =>
        name.IsEmpty
            ? $"{XesTrace(traceId, traceNumber)}, event {eventNumber.ToString(Inv)}"
            : $"{XesTrace(traceId, traceNumber)}, event {eventNumber.ToString(Inv)} ({Quote(name)})";

    public static string XesNoTraceId(string where, string key, int events) =>
        $"{where} has no '{key}' (the customer id); its {events.ToString(Inv)} event{(events == 1 ? string.Empty : "s")} cannot be read";

    public static string XesMissing(string where, string key, string what) => $"{where} has no '{key}' ({what}); every event needs one";

    public static string XesTimestamp(string where, string key, TimestampError error, ReadOnlySpan<char> value, TimeZoneInfo? zone) =>
        error == TimestampError.Empty ? XesMissing(where, key, "the timestamp") : $"{where}: {key} {Timestamp(error, value, EventTimestampFormat.Default, zone)}";

    public static string XesValue(string where, string key, ReadOnlySpan<char> value) => $"{where}: {key} {NotANumber(value)} (the event value)";

    public static string XesAttributeWithoutKey(string where, string element) =>
        $"{where}: a <{element}> attribute has no 'key'";

    public static string XesRoot(string name) =>
        $"the root element is <{name}>, not <log>; this is not an XES file";

    public static string XesDtd =>
        "the file has a document type declaration (<!DOCTYPE …>) before its root element; XES files have none, and DTDs are refused because entity expansion can exhaust memory";

    public static string XesNotWellFormed(string detail) => $"not well-formed XML: {detail.TrimEnd()}";

    public static string XesNodeTooLarge(int max) =>
        $"an XML node (an attribute value, text or white space) is longer than {max.ToString("N0", Inv)} bytes (EventReaderOptions.MaxRecordLength); the file is probably corrupt, or raise the limit";
}
