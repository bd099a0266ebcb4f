using System.Globalization;
using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>
/// How the readers read timestamp texts: <see cref="Default"/> (ISO 8601 with an offset, or Unix seconds),
/// <see cref="UnixSeconds"/>, <see cref="UnixMilliseconds"/>, or a .NET custom date and time pattern
/// (<see cref="Custom"/>, for example <c>dd/MM/yyyy HH:mm</c>). <see cref="Parse"/> reads the CLI's
/// <c>--timestamp-format</c> spelling.
/// </summary>
/// <remarks>
/// <para>A pattern is parsed exactly with the invariant culture (<c>MMM</c> is <c>Jan</c>, <c>Feb</c>, …); it must
/// contain the year, the month and the day. A pattern with <c>z</c>, <c>zz</c> or <c>zzz</c> reads the offset from the
/// text; a pattern without one reads local times, so <see cref="EventReaderOptions.TimeZone"/> must say where they
/// are. <c>K</c> is refused: its offset is optional, and an absent offset would be guessed.</para>
/// <para>Applies to CSV and JSON Lines; XES dates are always <c>xs:dateTime</c> (ISO 8601).</para>
/// <threadsafety>Instances are immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class EventTimestampFormat : IEquatable<EventTimestampFormat>
{
    private EventTimestampFormat(TimestampKind kind, string name, string? pattern, bool hasOffset)
    {
        Kind = kind;
        Name = name;
        Pattern = pattern;
        HasOffset = hasOffset;
    }

    /// <summary>Gets the default: ISO 8601 / RFC 3339 date-times with <c>Z</c> or an offset, or Unix seconds (an
    /// integer with an optional fraction); see docs/events.md.</summary>
    public static EventTimestampFormat Default { get; } = new(TimestampKind.Default, "iso", null, hasOffset: true);

    /// <summary>Gets Unix seconds only (<c>1769851800</c>, <c>1769851800.25</c>).</summary>
    public static EventTimestampFormat UnixSeconds { get; } = new(TimestampKind.UnixSeconds, "unix-seconds", null, hasOffset: true);

    /// <summary>Gets Unix milliseconds (<c>1769851800250</c>, a fraction allowed down to 100 ns).</summary>
    public static EventTimestampFormat UnixMilliseconds { get; } = new(TimestampKind.UnixMilliseconds, "unix-ms", null, hasOffset: true);

    /// <summary>Gets the name: <c>iso</c>, <c>unix-seconds</c>, <c>unix-ms</c>, or the pattern.</summary>
    public string Name { get; }

    /// <summary>Gets the custom pattern, or null for the built-in formats.</summary>
    public string? Pattern { get; }

    /// <summary>Gets a value indicating whether a text in this format is an instant by itself (Unix time, or a
    /// pattern with an offset); when false, <see cref="EventReaderOptions.TimeZone"/> is needed.</summary>
    /// <remarks><see cref="Default"/> is true: ISO texts without an offset are accepted only with a time zone.</remarks>
    public bool HasOffset { get; }

    internal TimestampKind Kind { get; }

    /// <summary>Creates a format from a .NET custom date and time pattern, such as <c>dd/MM/yyyy HH:mm</c> or
    /// <c>yyyy-MM-dd HH:mm:ss zzz</c>.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is null.</exception>
    /// <exception cref="FormatException">The pattern is not a valid custom pattern, lacks the year, month or day, or uses <c>K</c>.</exception>
    public static EventTimestampFormat Custom(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Trim().Length == 0 || pattern.Trim().Length == 1)
        {
            // One letter is a standard format ("d", "o", …), not a custom pattern.
            throw new FormatException(EventReaderMessages.PatternNotCustom(pattern));
        }

        bool hasOffset = false;
        bool quoted = false;
        char quote = '\0';
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (quoted)
            {
                quoted = c != quote;
                continue;
            }

            if (c is '\'' or '"')
            {
                quoted = true;
                quote = c;
            }
            else if (c == '\\')
            {
                i++;
            }
            else if (c == 'K')
            {
                throw new FormatException(EventReaderMessages.PatternWithK(pattern));
            }
            else if (c == 'z')
            {
                hasOffset = true;
            }
        }

        // The pattern must name a whole date: one that formats and parses back to itself (a pattern without the
        // year would take the current year while parsing).
        var probe = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Unspecified);
        try
        {
            string text = hasOffset ? new DateTimeOffset(probe, TimeSpan.FromHours(1)).ToString(pattern, CultureInfo.InvariantCulture) : probe.ToString(pattern, CultureInfo.InvariantCulture);
            bool ok = hasOffset
                ? DateTimeOffset.TryParseExact(text, pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset back) && back.Date == probe.Date
                : DateTime.TryParseExact(text, pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime parsed) && parsed.Date == probe.Date;
            if (!ok)
            {
                throw new FormatException(EventReaderMessages.PatternNoDate(pattern));
            }
        }
        catch (FormatException e) when (e.Message != EventReaderMessages.PatternNoDate(pattern))
        {
            throw new FormatException(EventReaderMessages.PatternInvalid(pattern, e.Message), e);
        }

        return new EventTimestampFormat(TimestampKind.Pattern, pattern, pattern, hasOffset);
    }

    /// <summary>
    /// Reads a format name: <c>iso</c> (or <c>default</c>) → <see cref="Default"/>; <c>unix-seconds</c> (or
    /// <c>unix</c>, <c>unix-s</c>) → <see cref="UnixSeconds"/>; <c>unix-ms</c> (or <c>unix-milliseconds</c>) →
    /// <see cref="UnixMilliseconds"/>; anything else is a <see cref="Custom"/> pattern.
    /// </summary>
    /// <param name="text">The name or pattern.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a name and not a valid pattern (see <see cref="Custom"/>).</exception>
    public static EventTimestampFormat Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string name = text.Trim();
        return name.ToLowerInvariant() switch
        {
            "iso" or "default" => Default,
            "unix" or "unix-s" or "unix-seconds" => UnixSeconds,
            "unix-ms" or "unix-milliseconds" => UnixMilliseconds,
            _ => Custom(text),
        };
    }

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>Tells whether <paramref name="other"/> is the same format (same kind and pattern).</summary>
    /// <param name="other">The other format.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(EventTimestampFormat? other) => other is not null && Kind == other.Kind && string.Equals(Pattern, other.Pattern, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EventTimestampFormat);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Pattern);
}
