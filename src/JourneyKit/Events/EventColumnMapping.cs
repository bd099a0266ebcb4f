using System.Text;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Says which column (CSV), field (JSON Lines) or attribute key (XES) of a file holds each standard field, for files
/// whose names differ from <c>customer_id</c>, <c>touchpoint</c>, <c>timestamp</c>, <c>channel</c>,
/// <c>event_id</c>, <c>value</c>: <c>new EventColumnMapping { CustomerId = "user", Touchpoint = "event" }</c>, or
/// <see cref="Parse"/><c>("customer_id=user,touchpoint=event,timestamp=time")</c> (the CLI's <c>--columns</c>).
/// </summary>
/// <remarks>
/// <para>A property left null means the standard name (for XES: <c>concept:name</c> of the trace, <c>concept:name</c>
/// and <c>time:timestamp</c> of the event, and no channel, event id or value). A mapped source column is read as that
/// field and is not an attribute. CSV names are matched case-insensitively (like the header), JSON field names and XES
/// keys exactly.</para>
/// <para>For XES, <see cref="CustomerId"/> is a trace attribute key; the other fields are event attribute keys, and
/// <see cref="Channel"/>, <see cref="EventId"/> and <see cref="Value"/> fall back to a trace attribute of that key
/// (<c>value=AMOUNT_REQ</c> gives every event of a trace its requested amount).</para>
/// <threadsafety>Instances are immutable once created and thread-safe.</threadsafety>
/// </remarks>
public sealed class EventColumnMapping
{
    /// <summary>Gets the source of the customer id, or null for <c>customer_id</c>.</summary>
    /// <value>The default value is null.</value>
    public string? CustomerId { get; init; }

    /// <summary>Gets the source of the touchpoint, or null for <c>touchpoint</c>.</summary>
    /// <value>The default value is null.</value>
    public string? Touchpoint { get; init; }

    /// <summary>Gets the source of the timestamp, or null for <c>timestamp</c>.</summary>
    /// <value>The default value is null.</value>
    public string? Timestamp { get; init; }

    /// <summary>Gets the source of the channel, or null for <c>channel</c>.</summary>
    /// <value>The default value is null.</value>
    public string? Channel { get; init; }

    /// <summary>Gets the source of the event id, or null for <c>event_id</c>.</summary>
    /// <value>The default value is null.</value>
    public string? EventId { get; init; }

    /// <summary>Gets the source of the value, or null for <c>value</c>.</summary>
    /// <value>The default value is null.</value>
    public string? Value { get; init; }

    /// <summary>
    /// Parses <c>FIELD=SOURCE</c> pairs separated by commas, for example
    /// <c>customer_id=user,touchpoint=event,timestamp=time</c>. Fields are the standard names (case-insensitive);
    /// sources are taken as written, without surrounding white space.
    /// </summary>
    /// <param name="text">The pairs.</param>
    /// <returns>The mapping.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">A pair is malformed, names an unknown field, or a field is given twice; the
    /// message says which and how to write it.</exception>
    public static EventColumnMapping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string?[] sources = new string?[EventReaderConstants.StandardColumns.Length];
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
            {
                throw new FormatException(EventReaderMessages.MappingPair(part));
            }

            string field = part[..equals].Trim();
            string source = part[(equals + 1)..].Trim();
            int index = Array.FindIndex(EventReaderConstants.StandardColumns, c => c.Equals(field, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new FormatException(EventReaderMessages.MappingUnknownField(field));
            }

            if (source.Length == 0)
            {
                throw new FormatException(EventReaderMessages.MappingPair(part));
            }

            if (sources[index] is not null)
            {
                throw new FormatException(EventReaderMessages.MappingFieldTwice(EventReaderConstants.StandardColumns[index]));
            }

            sources[index] = source;
        }

        var mapping = new EventColumnMapping
        {
            CustomerId = sources[0],
            Touchpoint = sources[1],
            Timestamp = sources[2],
            Channel = sources[3],
            EventId = sources[4],
            Value = sources[5],
        };
        if (mapping.Problem() is string problem)
        {
            throw new FormatException(problem);
        }

        return mapping;
    }

    /// <summary>Returns the mapped fields as <c>FIELD=SOURCE</c> pairs (<see cref="Parse"/> reads it back).</summary>
    /// <returns>The pairs, or an empty string when nothing is mapped.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        string?[] sources = Sources();
        for (int i = 0; i < sources.Length; i++)
        {
            if (sources[i] is { } source)
            {
                sb.Append(sb.Length == 0 ? string.Empty : ",").Append(EventReaderConstants.StandardColumns[i]).Append('=').Append(source);
            }
        }

        return sb.ToString();
    }

    /// <summary>The sources in <see cref="EventReaderConstants.StandardColumns"/> order (null: not mapped).</summary>
    internal string?[] Sources() => [CustomerId, Touchpoint, Timestamp, Channel, EventId, Value];

    /// <summary>Names the first problem (an empty source, two fields from one source), or null when valid.</summary>
    internal string? Problem()
    {
        string?[] sources = Sources();
        for (int i = 0; i < sources.Length; i++)
        {
            if (sources[i] is { } source && (source.Length == 0 || source.Trim().Length != source.Length))
            {
                return EventReaderMessages.MappingEmptySource(EventReaderConstants.StandardColumns[i]);
            }

            for (int j = 0; j < i; j++)
            {
                if (sources[i] is not null && string.Equals(sources[i], sources[j], StringComparison.OrdinalIgnoreCase))
                {
                    return EventReaderMessages.MappingSameSource(sources[i]!, EventReaderConstants.StandardColumns[j], EventReaderConstants.StandardColumns[i]);
                }
            }
        }

        return null;
    }
}
