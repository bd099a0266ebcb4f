namespace JourneyKit.Events;

/// <summary>Which of <see cref="EventLimits"/> (or <see cref="EventReaderOptions.MaxEvents"/>) was exceeded.</summary>
public enum EventLimit
{
    /// <summary><see cref="EventLimits.MaxIdLength"/>: a customer id, touchpoint, channel or event id is too long.</summary>
    IdLength,

    /// <summary><see cref="EventLimits.MaxAttributeKeyLength"/>: an attribute key is too long.</summary>
    AttributeKeyLength,

    /// <summary><see cref="EventLimits.MaxAttributeValueLength"/>: an attribute value is too long.</summary>
    AttributeValueLength,

    /// <summary><see cref="EventLimits.MaxDistinctAttributeKeys"/>: too many distinct attribute keys.</summary>
    DistinctAttributeKeys,

    /// <summary><see cref="EventLimits.MaxEvents"/> or <see cref="EventReaderOptions.MaxEvents"/>: too many events.</summary>
    Events,
}
