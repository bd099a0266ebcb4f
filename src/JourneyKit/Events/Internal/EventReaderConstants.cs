namespace JourneyKit.Events.Internal;

/// <summary>Defaults and limits of the event readers and writers, in one place.</summary>
internal static class EventReaderConstants
{
    public const BadRowHandling DefaultBadRows = BadRowHandling.Fail;

    public const int DefaultMaxReportedErrors = 10;

    /// <summary>How many bytes of a stream of unknown format are looked at to tell JSON Lines from CSV.</summary>
    public const int SniffBytes = 4096;

    public const int DefaultMaxRecordLength = 1 << 20;

    public const int MinMaxRecordLength = 1024;

    /// <summary>The initial read buffer (chars for CSV, bytes for JSON Lines); grows up to the max record length.</summary>
    public const int InitialBufferSize = 1 << 16;

    /// <summary>Progress is reported when at least this many more bytes were read…</summary>
    public const long ProgressIntervalBytes = 1 << 20;

    /// <summary>…checked every this many rows (a power of two).</summary>
    public const int ProgressCheckRows = 4096;

    /// <summary>Values quoted in messages are cut to this many characters.</summary>
    public const int MaxQuotedValueLength = 60;

    public const string CustomerIdColumn = "customer_id";
    public const string TouchpointColumn = "touchpoint";
    public const string TimestampColumn = "timestamp";
    public const string ChannelColumn = "channel";
    public const string EventIdColumn = "event_id";
    public const string ValueColumn = "value";

    /// <summary>The JSON Lines field holding an object of string attributes.</summary>
    public const string AttributesField = "attributes";

    /// <summary>The XES key of a trace's id and an event's activity (concept extension).</summary>
    public const string XesConceptName = "concept:name";

    /// <summary>The XES key of an event's timestamp (time extension).</summary>
    public const string XesTimestamp = "time:timestamp";

    /// <summary>The XES key of an event's lifecycle transition (lifecycle extension).</summary>
    public const string XesTransition = "lifecycle:transition";

    /// <summary>The lifecycle transition <see cref="LifecycleTransitionHandling.CompleteOnly"/> keeps.</summary>
    public const string XesComplete = "complete";

    public const LifecycleTransitionHandling DefaultLifecycleTransitions = LifecycleTransitionHandling.Ignore;

    /// <summary>The standard columns in the order the writers write them.</summary>
    public static readonly string[] StandardColumns =
        [CustomerIdColumn, TouchpointColumn, TimestampColumn, ChannelColumn, EventIdColumn, ValueColumn];

    public static bool IsStandardColumn(string name)
    {
        foreach (string column in StandardColumns)
        {
            if (string.Equals(column, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
