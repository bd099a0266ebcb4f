using System.Diagnostics.CodeAnalysis;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// The one timestamp parser and formatter of JourneyKit, the same the event readers use: ISO-8601 / RFC 3339 date-times
/// that carry an offset (<c>Z</c>, <c>+01:00</c>, <c>+0100</c>, <c>+01</c>), or Unix seconds. A date-time without an
/// offset is rejected (a local time is ambiguous), and so is a culture-dependent form such as <c>01/02/2026 10:00</c>.
/// </summary>
public static class JourneyTimestamp
{
    /// <summary>Parses a timestamp (surrounding white space ignored).</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The instant, UTC.</param>
    /// <param name="error">Why the text was rejected, phrased after the quoted text (e.g. <c>'2026-01-05 09:00' has no UTC offset; add 'Z' …</c>).</param>
    /// <returns><see langword="true"/> when the text is a timestamp.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value, [NotNullWhen(false)] out string? error)
    {
        if (EventTimestamp.TryParse(text, out long ticks, out TimestampError reason))
        {
            value = new DateTimeOffset(ticks, TimeSpan.Zero);
            error = null;
            return true;
        }

        value = default;
        error = EventReaderMessages.Timestamp(reason, text.Trim());
        return false;
    }

    /// <summary>Parses a timestamp.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The instant, UTC.</returns>
    /// <exception cref="FormatException">The text is not a timestamp; the message says why.</exception>
    public static DateTimeOffset Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out DateTimeOffset value, out string? error) ? value : throw new FormatException("timestamp " + error);
    }

    /// <summary>Formats an instant as UTC ISO-8601 with the fraction only when there is one: <c>2026-03-12T04:45:53Z</c>.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The text.</returns>
    public static string Format(DateTimeOffset value) => EventTimestamp.Format(value.UtcTicks);
}
