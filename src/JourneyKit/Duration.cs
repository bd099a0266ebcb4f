using System.Globalization;
using System.Text;
using System.Xml;

namespace JourneyKit;

/// <summary>
/// The one duration syntax of JourneyKit, used by journey files, patterns and the command line: a sequence of number +
/// unit (<c>w</c>, <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c>) such as <c>2d</c>, <c>1d12h</c>, <c>1d 12h</c>,
/// <c>1.5h</c>, <c>90m</c>; ISO-8601 (<c>P2D</c>, <c>PT36H</c>); the word <c>unbounded</c>; and, with
/// <see cref="DurationStyles.PlainSeconds"/>, a plain number of seconds (<c>90</c>). See docs/journey-definitions.md.
/// </summary>
/// <remarks>
/// <para>Range: like ClickHouse, whose windows are <c>UInt64</c> seconds, a duration may be up to
/// <see cref="MaxSeconds"/> seconds (about 5.8 × 10¹¹ years). Anything beyond the largest <see cref="TimeSpan"/>
/// (about 29,227 years) is <see cref="Unbounded"/>: <see cref="TimeSpan.MaxValue"/>, which windows and gaps treat as
/// no limit. Beyond <see cref="MaxSeconds"/> the text is <see cref="DurationParseError.TooLarge"/>.</para>
/// <para>Units may be written in any order and repeated (they add up); white space may follow a unit (<c>2d 3h</c>)
/// but not separate a number from its unit (<c>5 s</c> is not a duration). Fractions are rounded to the nearest tick.
/// Negative durations are refused.</para>
/// <threadsafety>All members are thread-safe.</threadsafety>
/// </remarks>
public static class Duration
{
    /// <summary>The largest number of seconds a duration may be written with: <see cref="ulong.MaxValue"/>, ClickHouse's <c>UInt64</c> range.</summary>
    public const ulong MaxSeconds = ulong.MaxValue;

    private const decimal MaxTicks = MaxSeconds * (decimal)TimeSpan.TicksPerSecond;

    /// <summary>Gets the duration that means "no limit": <see cref="TimeSpan.MaxValue"/>, formatted as <c>unbounded</c>.</summary>
    public static TimeSpan Unbounded => TimeSpan.MaxValue;

    /// <summary>Gets whether a duration is <see cref="Unbounded"/>.</summary>
    /// <param name="value">The duration.</param>
    /// <returns><see langword="true"/> for <see cref="TimeSpan.MaxValue"/>.</returns>
    public static bool IsUnbounded(TimeSpan value) => value == TimeSpan.MaxValue;

    /// <summary>Parses a duration without plain seconds (<see cref="DurationStyles.None"/>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration; <see cref="TimeSpan.Zero"/> when the text is not one.</param>
    /// <returns><see langword="true"/> when the text is a valid duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, DurationStyles.None, out value, out _);

    /// <summary>Parses a duration and says what is wrong when it is not one.</summary>
    /// <param name="text">The text.</param>
    /// <param name="styles">Extra accepted forms.</param>
    /// <param name="value">The duration; <see cref="TimeSpan.Zero"/> when the text is not one.</param>
    /// <param name="error">Why the text is not a duration, or <see cref="DurationParseError.None"/>.</param>
    /// <returns><see langword="true"/> when the text is a valid duration.</returns>
    public static bool TryParse(string? text, DurationStyles styles, out TimeSpan value, out DurationParseError error)
    {
        error = Parse(text.AsSpan().Trim(), styles, out value);
        return error == DurationParseError.None;
    }

    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text.</param>
    /// <param name="styles">Extra accepted forms.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">The text is not a duration; the message says why (<see cref="ErrorMessage"/>).</exception>
    public static TimeSpan Parse(string? text, DurationStyles styles = DurationStyles.None)
    {
        DurationParseError error = Parse(text.AsSpan().Trim(), styles, out TimeSpan value);
        return error == DurationParseError.None ? value : throw new FormatException(ErrorMessage(text, error, styles));
    }

    /// <summary>Describes why a text is not a duration, for error messages.</summary>
    /// <param name="text">The text.</param>
    /// <param name="error">The error from <see cref="TryParse(string?, DurationStyles, out TimeSpan, out DurationParseError)"/>.</param>
    /// <param name="styles">The styles the text was parsed with (the message names the forms they accept).</param>
    /// <returns>A message such as <c>'soon' is not a duration; use a number with a unit: 90s, 30m, 1h, 2d, 1h30m</c>.</returns>
    public static string ErrorMessage(string? text, DurationParseError error, DurationStyles styles = DurationStyles.None)
    {
        string forms = (styles & DurationStyles.PlainSeconds) != 0
            ? "use a number with a unit: 90s, 30m, 1h, 2d, 1h30m (a plain number is seconds)"
            : "use a number with a unit: 90s, 30m, 1h, 2d, 1h30m, or ISO-8601 such as PT36H";
        return error switch
        {
            DurationParseError.None => string.Empty,
            DurationParseError.Empty => "a duration is required; " + forms,
            DurationParseError.Negative => $"'{text}' is negative; a duration is zero or more",
            DurationParseError.TooLarge => string.Create(
                CultureInfo.InvariantCulture,
                $"'{text}' is too large: a duration is at most {MaxSeconds} seconds (ClickHouse's UInt64 range); anything above {(long)TimeSpan.MaxValue.TotalDays} days already means unbounded"),
            _ => $"'{text}' is not a duration; " + forms,
        };
    }

    /// <summary>
    /// Formats a duration exactly, in the form <see cref="TryParse(string?, out TimeSpan)"/> reads back: the non-zero
    /// parts of days, hours, minutes, seconds and milliseconds (<c>2d 3h</c>; 90 minutes is <c>1h 30m</c>);
    /// <c>0s</c> for zero, <c>unbounded</c> for <see cref="Unbounded"/>; ISO-8601 when it has parts below a millisecond;
    /// a leading <c>-</c> when negative.
    /// </summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.MaxValue)
        {
            return "unbounded";
        }

        if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            return XmlConvert.ToString(value);
        }

        return FormatParts(value.Ticks, int.MaxValue);
    }

    /// <summary>
    /// Formats a duration for people, rounded to its <paramref name="units"/> largest units: with 2, 1.52 days is
    /// <c>1d 12h</c>, 37.6 minutes <c>37m 36s</c>, 3 minutes <c>3m</c>, 59.9 minutes <c>1h</c>; <c>0s</c> for zero,
    /// <c>unbounded</c> for <see cref="Unbounded"/>.
    /// </summary>
    /// <param name="value">The duration.</param>
    /// <param name="units">How many units (days, hours, minutes, seconds, milliseconds) to show at most; 1 or more.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1.</exception>
    public static string Format(TimeSpan value, int units)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (value == TimeSpan.MaxValue)
        {
            return "unbounded";
        }

        long ticks = value.Ticks;
        bool negative = ticks < 0;
        ulong magnitude = negative ? (ulong)-(ticks + 1) + 1 : (ulong)ticks;
        int largest = 0;
        while (largest < Units.Length - 1 && magnitude < (ulong)Units[largest].Ticks)
        {
            largest++;
        }

        ulong step = (ulong)Units[Math.Min(Units.Length - 1, largest + units - 1)].Ticks;
        ulong rounded = (magnitude / step * step) + (magnitude % step * 2 >= step ? step : 0);
        string text = FormatParts(rounded > long.MaxValue ? long.MaxValue : (long)rounded, units);
        return negative && rounded != 0 ? "-" + text : text;
    }

    private static readonly (long Ticks, string Suffix)[] Units =
    [
        (TimeSpan.TicksPerDay, "d"),
        (TimeSpan.TicksPerHour, "h"),
        (TimeSpan.TicksPerMinute, "m"),
        (TimeSpan.TicksPerSecond, "s"),
        (TimeSpan.TicksPerMillisecond, "ms"),
    ];

    private static string FormatParts(long ticks, int units)
    {
        if (ticks == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        ulong remaining;
        if (ticks < 0)
        {
            sb.Append('-');
            remaining = (ulong)-(ticks + 1) + 1;
        }
        else
        {
            remaining = (ulong)ticks;
        }

        int shown = 0;
        foreach ((long unitTicks, string suffix) in Units)
        {
            ulong unit = (ulong)unitTicks;
            if (remaining >= unit && shown < units)
            {
                if (shown > 0)
                {
                    sb.Append(' ');
                }

                sb.Append((remaining / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
                remaining %= unit;
                shown++;
            }
        }

        return sb.ToString();
    }

    private static DurationParseError Parse(ReadOnlySpan<char> s, DurationStyles styles, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (s.IsEmpty)
        {
            return DurationParseError.Empty;
        }

        if (s[0] == '-')
        {
            // A negative number or ISO duration: say "negative" when the rest is a duration.
            return Parse(s[1..].TrimStart(), styles, out _) is DurationParseError.None or DurationParseError.TooLarge
                ? DurationParseError.Negative
                : DurationParseError.NotADuration;
        }

        if (s.Equals("unbounded", StringComparison.OrdinalIgnoreCase))
        {
            value = TimeSpan.MaxValue;
            return DurationParseError.None;
        }

        if (s[0] is 'P' or 'p')
        {
            return ParseIso(s, out value);
        }

        if ((styles & DurationStyles.PlainSeconds) != 0 && IsDigits(s))
        {
            if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seconds))
            {
                return DurationParseError.TooLarge;
            }

            value = seconds > (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond)
                ? TimeSpan.MaxValue
                : TimeSpan.FromTicks((long)seconds * TimeSpan.TicksPerSecond);
            return DurationParseError.None;
        }

        decimal total = 0;
        bool tooLarge = false;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            int dots = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                dots += s[i] == '.' ? 1 : 0;
                i++;
            }

            ReadOnlySpan<char> digits = s[start..i];
            if (digits.IsEmpty || dots > 1 || digits[0] == '.' || digits[^1] == '.')
            {
                return DurationParseError.NotADuration;
            }

            int unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            long unit = s[unitStart..i] switch
            {
                "w" => TimeSpan.TicksPerDay * 7,
                "d" => TimeSpan.TicksPerDay,
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                _ => 0,
            };
            if (unit == 0)
            {
                return DurationParseError.NotADuration;
            }

            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            if (tooLarge)
            {
                continue; // keep checking the form: "5x" after a huge number is still not a duration
            }

            if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)
                || number > (MaxTicks - total) / unit)
            {
                tooLarge = true;
                continue;
            }

            total += number * unit;
        }

        if (tooLarge)
        {
            return DurationParseError.TooLarge;
        }

        total = decimal.Round(total, MidpointRounding.AwayFromZero);
        value = total >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)total);
        return DurationParseError.None;
    }

    private static DurationParseError ParseIso(ReadOnlySpan<char> s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        try
        {
            value = XmlConvert.ToTimeSpan(s.ToString().ToUpperInvariant());
            return DurationParseError.None;
        }
        catch (FormatException)
        {
            return DurationParseError.NotADuration;
        }
        catch (OverflowException)
        {
            // Beyond the largest TimeSpan: unbounded, as for the unit form (ISO-8601 cannot reach MaxSeconds' digits in practice).
            value = TimeSpan.MaxValue;
            return DurationParseError.None;
        }
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
