namespace JourneyKit;

/// <summary>Extra forms <see cref="Duration.TryParse(string?, DurationStyles, out TimeSpan, out DurationParseError)"/> accepts.</summary>
[Flags]
public enum DurationStyles
{
    /// <summary>Number + unit sequences, ISO-8601 and <c>unbounded</c> only (journey files, patterns).</summary>
    None = 0,

    /// <summary>A plain non-negative integer is a number of seconds (<c>90</c> = <c>90s</c>), as ClickHouse's <c>UInt64</c> windows (the command line).</summary>
    PlainSeconds = 1,
}
