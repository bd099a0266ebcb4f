namespace JourneyKit.Events.Internal;

/// <summary>The defaults of <see cref="EventLimits"/> and <see cref="EventReaderOptions.MaxEvents"/> (a test pins them).</summary>
internal static class EventLimitConstants
{
    public const int DefaultMaxIdLength = 1024;
    public const int DefaultMaxAttributeKeyLength = 1024;
    public const int DefaultMaxAttributeValueLength = 65_536;
    public const int DefaultMaxDistinctAttributeKeys = 10_000;
    public const int DefaultMaxEvents = 100_000_000;
    public const long DefaultMaxEventsPerRead = 100_000_000;
}
