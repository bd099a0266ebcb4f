namespace JourneyKit.Events;

/// <summary>The kind of problem an event reader found; see <see cref="EventReadError"/>.</summary>
public enum EventReadErrorCode
{
    /// <summary>The file is empty: there is no header line (CSV) or no content at all.</summary>
    EmptyFile = 1,

    /// <summary>The CSV header lacks a required column (<c>customer_id</c>, <c>touchpoint</c>, <c>timestamp</c>).</summary>
    MissingColumn,

    /// <summary>The CSV header names a column twice (compared case-insensitively), or has an empty column name.</summary>
    InvalidHeader,

    /// <summary>The CSV text is malformed (for example an unterminated or stray quote); reading cannot continue.</summary>
    MalformedCsv,

    /// <summary>A record is longer than <see cref="EventReaderOptions.MaxRecordLength"/>; reading cannot continue.</summary>
    RecordTooLarge,

    /// <summary>A CSV row has a different number of fields than the header.</summary>
    FieldCount,

    /// <summary>The row contains bytes that are not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A required field (<c>customer_id</c>, <c>touchpoint</c>, <c>timestamp</c>) is empty or absent.</summary>
    RequiredFieldEmpty,

    /// <summary>The timestamp is neither an ISO-8601 date-time with an offset nor Unix seconds.</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is an ISO-8601 date-time without a UTC offset, which is ambiguous.</summary>
    TimestampWithoutOffset,

    /// <summary>The timestamp is outside years 0001–9999 (often: Unix milliseconds given where seconds are expected).</summary>
    TimestampOutOfRange,

    /// <summary>The <c>value</c> field is not a finite number.</summary>
    InvalidValue,

    /// <summary>A JSON Lines line is not a valid JSON object, or a field has a JSON type that is not allowed.</summary>
    InvalidJson,

    /// <summary>A JSON Lines object has the same field twice.</summary>
    DuplicateField,

    /// <summary>An XES file is not well-formed XML, has a document type declaration (refused), or is not valid text in its encoding; reading cannot continue.</summary>
    InvalidXml,

    /// <summary>An XES file is well-formed XML but not XES: the root element is not <c>log</c>, or an attribute element has no <c>key</c>.</summary>
    InvalidXes,

    /// <summary>
    /// Gzip-compressed input is not valid: not gzip at all, truncated (its end and CRC-32 trailer are missing),
    /// followed by other data, or corrupt. Reading cannot continue, even with <see cref="BadRowHandling.Skip"/>.
    /// </summary>
    InvalidCompressedData,

    /// <summary>
    /// A limit was passed: an id, attribute key or value longer than <see cref="EventLimits"/> allows, too many distinct
    /// attribute keys, or too many events (<see cref="EventLimits.MaxEvents"/>, <see cref="EventReaderOptions.MaxEvents"/>).
    /// Reading cannot continue, even with <see cref="BadRowHandling.Skip"/>.
    /// </summary>
    LimitExceeded,

    /// <summary>A local timestamp does not exist in <see cref="EventReaderOptions.TimeZone"/>: the clocks moved forward over it (daylight-saving time).</summary>
    NonexistentLocalTime,
}
