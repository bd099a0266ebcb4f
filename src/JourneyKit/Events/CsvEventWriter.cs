using System.Buffers;
using System.Globalization;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Writes journey events as CSV that <see cref="CsvEventReader"/> reads back: the header
/// <c>customer_id,touchpoint,timestamp,channel,event_id,value</c> followed by one column per attribute key, LF line
/// ends, UTF-8 when created by <see cref="EventWriter.Create"/>.
/// </summary>
/// <remarks>
/// <para>Fields are quoted (RFC 4180, inner quotes doubled) when they contain a comma, a quote, a line break, or start or
/// end with white space; otherwise written as is. The header is written by the constructor, so a writer disposed
/// without events leaves a header-only file.</para>
/// <threadsafety>Not thread-safe.</threadsafety>
/// </remarks>
public sealed class CsvEventWriter : EventWriter
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    private readonly TextWriter _writer;
    private readonly bool _leaveOpen;
    private readonly char[] _scratch = new char[64];

    /// <summary>Creates a writer and writes the header line.</summary>
    /// <param name="writer">The text writer to write to.</param>
    /// <param name="attributeKeys">The attribute keys (extra columns), or null for none.</param>
    /// <param name="leaveOpen">Whether disposing this writer leaves <paramref name="writer"/> open.</param>
    /// <exception cref="ArgumentException">A key is empty, repeated or a standard column name.</exception>
    public CsvEventWriter(TextWriter writer, IReadOnlyList<string>? attributeKeys = null, bool leaveOpen = false)
        : base(attributeKeys)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _leaveOpen = leaveOpen;
        for (int i = 0; i < EventReaderConstants.StandardColumns.Length; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }

            _writer.Write(EventReaderConstants.StandardColumns[i]);
        }

        foreach (string key in AttributeKeys)
        {
            _writer.Write(',');
            WriteField(key);
        }

        _writer.Write('\n');
    }

    /// <inheritdoc/>
    public override void Flush() => _writer.Flush();

    /// <inheritdoc/>
    private protected override void WriteCore(
        ReadOnlySpan<char> customerId,
        ReadOnlySpan<char> touchpoint,
        long timestampTicks,
        ReadOnlySpan<char> channel,
        ReadOnlySpan<char> eventId,
        double value,
        ReadOnlySpan<string?> attributeValues)
    {
        TextWriter w = _writer;
        WriteField(customerId);
        w.Write(',');
        WriteField(touchpoint);
        w.Write(',');
        int n = EventTimestamp.Format(timestampTicks, _scratch);
        w.Write(_scratch, 0, n);
        w.Write(',');
        WriteField(channel);
        w.Write(',');
        WriteField(eventId);
        w.Write(',');
        if (!double.IsNaN(value))
        {
            value.TryFormat(_scratch, out n, "R", CultureInfo.InvariantCulture);
            w.Write(_scratch, 0, n);
        }

        int keys = AttributeKeys.Count;
        for (int i = 0; i < keys; i++)
        {
            w.Write(',');
            if (!attributeValues.IsEmpty && attributeValues[i] is { } attribute)
            {
                WriteField(attribute);
            }
        }

        w.Write('\n');
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _writer.Flush();
            }
            finally
            {
                if (!_leaveOpen)
                {
                    _writer.Dispose(); // also after a failed flush, so a safely written file is cleaned up
                }
            }
        }

        base.Dispose(disposing);
    }

    private void WriteField(ReadOnlySpan<char> field)
    {
        if (field.IsEmpty)
        {
            return;
        }

        if (field.IndexOfAny(NeedsQuotes) < 0 && !char.IsWhiteSpace(field[0]) && !char.IsWhiteSpace(field[^1]))
        {
            _writer.Write(field);
            return;
        }

        _writer.Write('"');
        while (true)
        {
            int quote = field.IndexOf('"');
            if (quote < 0)
            {
                _writer.Write(field);
                break;
            }

            _writer.Write(field[..(quote + 1)]);
            _writer.Write('"');
            field = field[(quote + 1)..];
        }

        _writer.Write('"');
    }
}
