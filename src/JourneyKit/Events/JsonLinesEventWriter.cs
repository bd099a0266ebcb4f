using System.Text.Encodings.Web;
using System.Text.Json;

namespace JourneyKit.Events;

/// <summary>
/// Writes journey events as JSON Lines that <see cref="JsonLinesEventReader"/> reads back: one object per line with
/// <c>customer_id</c>, <c>touchpoint</c>, <c>timestamp</c> and, when present, <c>channel</c>, <c>event_id</c>,
/// <c>value</c> and an <c>attributes</c> object; UTF-8, LF line ends.
/// </summary>
/// <threadsafety>Not thread-safe.</threadsafety>
public sealed class JsonLinesEventWriter : EventWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        SkipValidation = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Utf8JsonWriter _json;
    private readonly char[] _scratch = new char[Internal.EventTimestamp.MaxFormattedLength];

    /// <summary>Creates a writer.</summary>
    /// <param name="stream">The stream to write UTF-8 to.</param>
    /// <param name="attributeKeys">The attribute keys, or null for none.</param>
    /// <param name="leaveOpen">Whether disposing this writer leaves <paramref name="stream"/> open.</param>
    /// <exception cref="ArgumentException">A key is empty, repeated or a standard column name.</exception>
    public JsonLinesEventWriter(Stream stream, IReadOnlyList<string>? attributeKeys = null, bool leaveOpen = false)
        : base(attributeKeys)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _json = new Utf8JsonWriter(stream, WriterOptions);
    }

    /// <inheritdoc/>
    public override void Flush()
    {
        _json.Flush();
        _stream.Flush();
    }

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
        Utf8JsonWriter json = _json;
        json.WriteStartObject();
        json.WriteString("customer_id"u8, customerId);
        json.WriteString("touchpoint"u8, touchpoint);
        int n = Internal.EventTimestamp.Format(timestampTicks, _scratch);
        json.WriteString("timestamp"u8, _scratch.AsSpan(0, n));
        if (!channel.IsEmpty)
        {
            json.WriteString("channel"u8, channel);
        }

        if (!eventId.IsEmpty)
        {
            json.WriteString("event_id"u8, eventId);
        }

        if (!double.IsNaN(value))
        {
            json.WriteNumber("value"u8, value);
        }

        bool open = false;
        for (int i = 0; i < attributeValues.Length; i++)
        {
            if (attributeValues[i] is { Length: > 0 } attribute)
            {
                if (!open)
                {
                    json.WriteStartObject("attributes"u8);
                    open = true;
                }

                json.WriteString(AttributeKeys[i], attribute);
            }
        }

        if (open)
        {
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.Flush();
        json.Reset();
        _stream.WriteByte((byte)'\n');
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _json.Flush();
                _json.Dispose();
                _stream.Flush();
            }
            finally
            {
                if (!_leaveOpen)
                {
                    _stream.Dispose(); // also after a failed flush, so a safely written file is cleaned up
                }
            }
        }

        base.Dispose(disposing);
    }
}
