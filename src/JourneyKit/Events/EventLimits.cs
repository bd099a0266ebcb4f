using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// Limits an <see cref="EventBatchBuilder"/> enforces, so that hostile or corrupt input is refused with a clear error
/// instead of growing memory without bound. All are in docs/limits.md.
/// </summary>
/// <remarks>
/// <para>A value past a limit throws <see cref="EventLimitExceededException"/> from <see cref="EventBatchBuilder.Add(ReadOnlySpan{char}, ReadOnlySpan{char}, long, ReadOnlySpan{char}, ReadOnlySpan{char}, double)"/>
/// or <see cref="EventBatchBuilder.SetAttribute"/> and changes nothing; the event readers turn it into an
/// <see cref="EventFormatException"/> with the line (<see cref="EventReadErrorCode.LimitExceeded"/>), which stops the
/// read.</para>
/// <threadsafety>Immutable once created; may be shared.</threadsafety>
/// </remarks>
public sealed class EventLimits
{
    private readonly int _maxIdLength = EventLimitConstants.DefaultMaxIdLength;
    private readonly int _maxAttributeKeyLength = EventLimitConstants.DefaultMaxAttributeKeyLength;
    private readonly int _maxAttributeValueLength = EventLimitConstants.DefaultMaxAttributeValueLength;
    private readonly int _maxDistinctAttributeKeys = EventLimitConstants.DefaultMaxDistinctAttributeKeys;
    private readonly int _maxEvents = EventLimitConstants.DefaultMaxEvents;

    /// <summary>Gets the default limits.</summary>
    public static EventLimits Default { get; } = new();

    /// <summary>No limits: for re-building data that was already accepted (<see cref="EventBatch.Until"/>).</summary>
    internal static EventLimits Unbounded { get; } = new()
    {
        MaxIdLength = int.MaxValue,
        MaxAttributeKeyLength = int.MaxValue,
        MaxAttributeValueLength = int.MaxValue,
        MaxDistinctAttributeKeys = int.MaxValue,
        MaxEvents = int.MaxValue,
    };

    /// <summary>Gets the longest customer id, touchpoint, channel or event id accepted, in UTF-16 characters.</summary>
    /// <value>The default value is 1,024. Must be at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaxIdLength { get => _maxIdLength; init => _maxIdLength = AtLeast(value, 1); }

    /// <summary>Gets the longest attribute key accepted, in UTF-16 characters.</summary>
    /// <value>The default value is 1,024. Must be at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaxAttributeKeyLength { get => _maxAttributeKeyLength; init => _maxAttributeKeyLength = AtLeast(value, 1); }

    /// <summary>Gets the longest attribute value accepted, in UTF-16 characters.</summary>
    /// <value>The default value is 65,536. Must be at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int MaxAttributeValueLength { get => _maxAttributeValueLength; init => _maxAttributeValueLength = AtLeast(value, 1); }

    /// <summary>Gets the most distinct attribute keys one batch may hold (memory and work grow with them).</summary>
    /// <value>The default value is 10,000. Must be at least 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int MaxDistinctAttributeKeys { get => _maxDistinctAttributeKeys; init => _maxDistinctAttributeKeys = AtLeast(value, 0); }

    /// <summary>Gets the most events one batch may hold (duplicates dropped by event id do not count). A batch takes
    /// about 40 bytes per event plus its strings and attributes while it is built.</summary>
    /// <value>The default value is 100,000,000. Must be at least 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int MaxEvents { get => _maxEvents; init => _maxEvents = AtLeast(value, 0); }

    private static int AtLeast(int value, int min)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, min);
        return value;
    }
}
