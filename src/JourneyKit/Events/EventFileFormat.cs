namespace JourneyKit.Events;

/// <summary>The event file formats <see cref="EventFile"/> reads.</summary>
public enum EventFileFormat
{
    /// <summary>CSV with a header line; see <see cref="CsvEventReader"/>. Extension <c>.csv</c>.</summary>
    Csv = 0,

    /// <summary>JSON Lines, one object per line; see <see cref="JsonLinesEventReader"/>. Extensions <c>.jsonl</c>, <c>.ndjson</c>.</summary>
    JsonLines = 1,

    /// <summary>XES (IEEE 1849) event logs; see <see cref="XesEventReader"/>. Extension <c>.xes</c>.</summary>
    Xes = 2,
}
