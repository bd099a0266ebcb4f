using System.IO.Compression;
using System.Text;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Writes journey events to a file format the readers read back: <see cref="CsvEventWriter"/> or
/// <see cref="JsonLinesEventWriter"/>.
/// </summary>
/// <remarks>
/// <para>Attribute keys are declared up front (<see cref="AttributeKeys"/>): CSV needs them for its header, and the
/// allocation-free <see cref="Write(ReadOnlySpan{char}, ReadOnlySpan{char}, long, ReadOnlySpan{char}, ReadOnlySpan{char}, double, ReadOnlySpan{string})"/>
/// takes attribute values in the same order. Keys must be non-empty without surrounding white space (CSV header names are trimmed), distinct (case-insensitively) and not a standard
/// column name (<c>customer_id</c>, <c>touchpoint</c>, <c>timestamp</c>, <c>channel</c>, <c>event_id</c>, <c>value</c>).</para>
/// <para>Timestamps are written as ISO-8601 UTC (<c>2026-01-31T09:30:00.25Z</c>), exact to the tick; values in the
/// shortest text that parses back to the same double. An empty or null attribute value is written as absent.</para>
/// <threadsafety>Not thread-safe.</threadsafety>
/// </remarks>
public abstract class EventWriter : IDisposable
{
    private readonly string[] _keys;
    private bool _disposed;
    private AtomicFileStream? _file; // set by Create(path): the safely written file

    /// <summary>Initializes the writer with its attribute keys.</summary>
    /// <param name="attributeKeys">The attribute keys, or null for none.</param>
    /// <exception cref="ArgumentException">A key is empty or has surrounding white space, is repeated or is a standard column name.</exception>
    protected EventWriter(IReadOnlyList<string>? attributeKeys)
    {
        _keys = attributeKeys is null ? [] : [.. attributeKeys];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in _keys)
        {
            if (string.IsNullOrEmpty(key) || char.IsWhiteSpace(key[0]) || char.IsWhiteSpace(key[^1]))
            {
                throw new ArgumentException(EventReaderMessages.WriterEmptyKey(), nameof(attributeKeys));
            }

            if (EventReaderConstants.IsStandardColumn(key))
            {
                throw new ArgumentException(EventReaderMessages.WriterNotStandardKey(key), nameof(attributeKeys));
            }

            if (!seen.Add(key))
            {
                throw new ArgumentException(EventReaderMessages.WriterDuplicateKey(key), nameof(attributeKeys));
            }
        }
    }

    /// <summary>Gets the attribute keys, in column order.</summary>
    public IReadOnlyList<string> AttributeKeys => _keys;

    /// <summary>Gets the number of events written.</summary>
    public long EventsWritten { get; private set; }

    /// <summary>
    /// Creates a writer for a file, the format chosen by its extension like <see cref="EventFile.DetectFormat"/>
    /// (<c>.csv</c>, <c>.jsonl</c>, <c>.ndjson</c>, each optionally followed by <c>.gz</c> for gzip), UTF-8 without a
    /// byte-order mark. The file is written safely, like the CLI's <c>--out</c>: into a new temporary file with a random
    /// name created exclusively in the target's directory, flushed to disk and renamed atomically over the target when
    /// the writer is disposed. Until then (and if the process is killed) an existing file at <paramref name="path"/> is
    /// untouched; if a write or the final flush fails (a full disk), the temporary file is deleted and the target left
    /// as it was. A target that is not a regular file (a directory, a device, a pipe, a socket) is refused.
    /// </summary>
    /// <param name="path">The file path.</param>
    /// <param name="attributeKeys">The attribute keys, or null for none.</param>
    /// <returns>The writer; dispose it to flush and close the file.</returns>
    /// <exception cref="ArgumentException">The extension is not known, or a key is not valid.</exception>
    /// <exception cref="IOException">The file cannot be created, or the target exists and is not a regular file.</exception>
    public static EventWriter Create(string path, IReadOnlyList<string>? attributeKeys = null)
    {
        EventFileFormat format = EventFile.DetectFormat(path);
        var file = AtomicFileStream.Create(path);
        Stream stream = file;
        try
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                stream = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: false);
            }

            EventWriter writer = format == EventFileFormat.Csv
                ? new CsvEventWriter(new StreamWriter(stream, new UTF8Encoding(false), 1 << 16), attributeKeys, leaveOpen: false)
                : new JsonLinesEventWriter(stream, attributeKeys, leaveOpen: false);
            writer._file = file;
            return writer;
        }
        catch
        {
            file.Abort();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes one event; its attributes must be among <see cref="AttributeKeys"/>.</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <exception cref="ArgumentException">The event has an attribute that is not a declared key, or a non-finite value.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Write(JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        string?[]? values = null;
        if (journeyEvent.Attributes is { Count: > 0 } attributes)
        {
            values = new string?[_keys.Length];
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                int index = Array.IndexOf(_keys, pair.Key);
                if (index < 0)
                {
                    throw new ArgumentException(EventReaderMessages.WriterUnknownKey(pair.Key), nameof(journeyEvent));
                }

                values[index] = pair.Value;
            }
        }

        Write(
            journeyEvent.CustomerId,
            journeyEvent.Touchpoint,
            journeyEvent.TimestampTicks,
            journeyEvent.Channel.Name,
            journeyEvent.EventId,
            journeyEvent.Value ?? double.NaN,
            values is null ? ReadOnlySpan<string?>.Empty : values);
    }

    /// <summary>Writes one event from its parts without allocating.</summary>
    /// <param name="customerId">The customer id; not empty.</param>
    /// <param name="touchpoint">The touchpoint; not empty.</param>
    /// <param name="timestampTicks">The UTC timestamp in ticks.</param>
    /// <param name="channel">The channel name, or empty for none.</param>
    /// <param name="eventId">The event id, or empty for none.</param>
    /// <param name="value">The value, or <see cref="double.NaN"/> for none; must not be infinite.</param>
    /// <param name="attributeValues">The attribute values in <see cref="AttributeKeys"/> order (null or empty: absent);
    /// empty for no attributes, else exactly one per key.</param>
    /// <exception cref="ArgumentException">A required part is empty, the value is infinite, or the number of attribute values is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Write(
        ReadOnlySpan<char> customerId,
        ReadOnlySpan<char> touchpoint,
        long timestampTicks,
        ReadOnlySpan<char> channel,
        ReadOnlySpan<char> eventId,
        double value,
        ReadOnlySpan<string?> attributeValues)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EventArguments.Check(customerId, touchpoint, timestampTicks);

        if (double.IsInfinity(value))
        {
            throw new ArgumentException(EventReaderMessages.WriterNotFinite(value), nameof(value));
        }

        if (!attributeValues.IsEmpty && attributeValues.Length != _keys.Length)
        {
            throw new ArgumentException(EventReaderMessages.WriterAttributeCount(attributeValues.Length, _keys.Length), nameof(attributeValues));
        }

        WriteCore(customerId, touchpoint, timestampTicks, channel.Trim(), eventId, value, attributeValues);
        EventsWritten++;
    }

    /// <summary>Writes buffered text to the underlying stream.</summary>
    public abstract void Flush();

    /// <summary>
    /// Abandons the output of a writer made by <see cref="Create"/>: disposing it then deletes the temporary file and
    /// leaves the target as it was (call it when writing failed part-way). For a writer over your own stream or text
    /// writer it does nothing.
    /// </summary>
    public void Abort() => _file?.Abort();

    /// <summary>Flushes and releases the writer (and the underlying stream or writer unless it was left open).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            Dispose(true);
            _disposed = true;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Writes one validated event.</summary>
    /// <param name="customerId">The customer id; not empty.</param>
    /// <param name="touchpoint">The touchpoint; not empty.</param>
    /// <param name="timestampTicks">The UTC timestamp in ticks, in range.</param>
    /// <param name="channel">The trimmed channel name, or empty.</param>
    /// <param name="eventId">The event id, or empty.</param>
    /// <param name="value">The value (finite) or <see cref="double.NaN"/>.</param>
    /// <param name="attributeValues">Empty, or one value per key (null or empty: absent).</param>
    private protected abstract void WriteCore(
        ReadOnlySpan<char> customerId,
        ReadOnlySpan<char> touchpoint,
        long timestampTicks,
        ReadOnlySpan<char> channel,
        ReadOnlySpan<char> eventId,
        double value,
        ReadOnlySpan<string?> attributeValues);

    /// <summary>Flushes and, when <paramref name="disposing"/>, releases managed resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
