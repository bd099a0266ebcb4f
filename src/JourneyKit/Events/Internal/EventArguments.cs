using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace JourneyKit.Events.Internal;

/// <summary>
/// The argument checks of one event given field by field, shared by <see cref="EventBatchBuilder"/> and
/// <see cref="EventWriter"/>: a customer id and a touchpoint that are not empty, a timestamp in the range of
/// <see cref="DateTimeOffset"/>. The throws are out of line, so the checks cost a few compares per event.
/// </summary>
internal static class EventArguments
{
    public const string EmptyCustomerId = "The customer id is empty.";

    public const string EmptyTouchpoint = "The touchpoint is empty.";

    public const string TimestampOutOfRange = "The timestamp is out of the range of DateTimeOffset.";

    /// <exception cref="ArgumentException">The customer id or the touchpoint is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is outside DateTimeOffset's range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(ReadOnlySpan<char> customerId, ReadOnlySpan<char> touchpoint, long timestampTicks)
    {
        if (customerId.IsEmpty)
        {
            ThrowEmpty(EmptyCustomerId, nameof(customerId));
        }

        if (touchpoint.IsEmpty)
        {
            ThrowEmpty(EmptyTouchpoint, nameof(touchpoint));
        }

        if ((ulong)timestampTicks > (ulong)DateTime.MaxValue.Ticks)
        {
            ThrowTimestamp(timestampTicks);
        }
    }

    [DoesNotReturn]
    private static void ThrowEmpty(string message, string parameter) => throw new ArgumentException(message, parameter);

    [DoesNotReturn]
    private static void ThrowTimestamp(long timestampTicks) =>
        throw new ArgumentOutOfRangeException(nameof(timestampTicks), timestampTicks, TimestampOutOfRange);
}
