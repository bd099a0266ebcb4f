using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace JourneyKit.Events.Internal;

/// <summary>Why a timestamp text was rejected.</summary>
internal enum TimestampError
{
    None,
    Empty,
    Invalid,
    NoOffset,
    OutOfRange,

    /// <summary>A local time that the time zone skips (the clocks moved forward over it).</summary>
    NonexistentLocalTime,

    /// <summary>The text does not match the custom pattern.</summary>
    PatternMismatch,
}

/// <summary>The kinds of <see cref="EventTimestampFormat"/>.</summary>
internal enum TimestampKind
{
    Default,
    UnixSeconds,
    UnixMilliseconds,
    Pattern,
}

/// <summary>
/// Parses and formats event timestamps: ISO-8601 / RFC 3339 date-times that carry an offset (<c>Z</c>, <c>+01:00</c>,
/// <c>+0100</c>, <c>+01</c>), or Unix seconds (an integer, optionally with a fraction of up to 7 significant digits).
/// </summary>
/// <remarks>Allocation-free; the hot path of the readers.</remarks>
internal static class EventTimestamp
{
    /// <summary>The longest text <see cref="Format(long, Span{char})"/> writes: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>.</summary>
    public const int MaxFormattedLength = 28;

    /// <summary>The smallest Unix second a <see cref="DateTimeOffset"/> can hold (0001-01-01T00:00:00Z).</summary>
    public const long MinUnixSeconds = -62_135_596_800;

    /// <summary>The largest Unix second a <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    public const long MaxUnixSeconds = 253_402_300_799;

    private const long UnixEpochTicks = 621_355_968_000_000_000;
    private const long MaxTicks = 3_155_378_975_999_999_999; // DateTime.MaxValue.Ticks
    private const int MaxOffsetMinutes = 14 * 60;

    /// <summary>Parses <paramref name="text"/> (surrounding white space ignored) to UTC ticks.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long utcTicks, out TimestampError error)
    {
        text = text.Trim();
        utcTicks = 0;
        if (text.IsEmpty)
        {
            error = TimestampError.Empty;
            return false;
        }

        char first = text[0];
        bool looksIso = text.Length >= 10 && IsDigit(first) && text[4] == '-';
        error = looksIso ? ParseIso(text, null, out utcTicks) : ParseUnix(text, TimeSpan.TicksPerSecond, out utcTicks);
        return error == TimestampError.None;
    }

    /// <summary>
    /// Parses <paramref name="text"/> (surrounding white space ignored) in <paramref name="format"/> to UTC ticks; a
    /// local time (no offset) is placed in <paramref name="zone"/>, or rejected as <see cref="TimestampError.NoOffset"/>
    /// without one. An ambiguous local time (the hour repeated when clocks go back) is the earlier instant; a local time
    /// the zone skips is <see cref="TimestampError.NonexistentLocalTime"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, EventTimestampFormat format, TimeZoneInfo? zone, out long utcTicks, out TimestampError error)
    {
        text = text.Trim();
        utcTicks = 0;
        if (text.IsEmpty)
        {
            error = TimestampError.Empty;
            return false;
        }

        switch (format.Kind)
        {
            case TimestampKind.UnixSeconds:
                error = ParseUnix(text, TimeSpan.TicksPerSecond, out utcTicks);
                break;
            case TimestampKind.UnixMilliseconds:
                error = ParseUnix(text, TimeSpan.TicksPerMillisecond, out utcTicks);
                break;
            case TimestampKind.Pattern:
                error = ParsePattern(text, format, zone, out utcTicks);
                break;
            default:
                bool looksIso = text.Length >= 10 && IsDigit(text[0]) && text[4] == '-';
                error = looksIso ? ParseIso(text, zone, out utcTicks) : ParseUnix(text, TimeSpan.TicksPerSecond, out utcTicks);
                break;
        }

        return error == TimestampError.None;
    }

    /// <summary>
    /// Parses UTF-8 <paramref name="utf8"/> like <see cref="TryParse(ReadOnlySpan{char}, EventTimestampFormat, TimeZoneInfo?, out long, out TimestampError)"/>
    /// (same values, same errors): the usual export layout <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±HH:mm)</c> straight from
    /// the bytes (<see cref="TryParseIsoUtf8"/>), anything else decoded and given to the full parser.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, EventTimestampFormat format, TimeZoneInfo? zone, out long utcTicks, out TimestampError error)
    {
        if (format.Kind == TimestampKind.Default && TryParseIsoUtf8(utf8, out utcTicks))
        {
            error = TimestampError.None;
            return true;
        }

        return TryParseDecoded(utf8, format, zone, out utcTicks, out error);
    }

    /// <summary>The full parser on decoded UTF-8 (a UTF-8 text never has more characters than bytes).</summary>
    private static bool TryParseDecoded(ReadOnlySpan<byte> utf8, EventTimestampFormat format, TimeZoneInfo? zone, out long utcTicks, out TimestampError error)
    {
        const int StackChars = 128;
        Span<char> chars = utf8.Length <= StackChars ? stackalloc char[StackChars] : new char[utf8.Length]; // a long text is a rare bad row
        int written = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return TryParse(chars[..written], format, zone, out utcTicks, out error);
    }

    /// <summary>
    /// The fixed-layout fast path: exactly <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of 1 to 7 digits after a
    /// dot, then <c>Z</c> or <c>±HH:mm</c>, nothing around it, a valid date and time, an instant in range. Returns false
    /// for anything else, which the full parser then decides (so the values and errors are the full parser's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseIsoUtf8(ReadOnlySpan<byte> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        uint y0 = (uint)(s[0] - '0'), y1 = (uint)(s[1] - '0'), y2 = (uint)(s[2] - '0'), y3 = (uint)(s[3] - '0');
        uint m0 = (uint)(s[5] - '0'), m1 = (uint)(s[6] - '0'), d0 = (uint)(s[8] - '0'), d1 = (uint)(s[9] - '0');
        uint h0 = (uint)(s[11] - '0'), h1 = (uint)(s[12] - '0'), n0 = (uint)(s[14] - '0'), n1 = (uint)(s[15] - '0');
        uint s0 = (uint)(s[17] - '0'), s1 = (uint)(s[18] - '0');
        if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9) | (h0 > 9) | (h1 > 9) | (n0 > 9) | (n1 > 9) | (s0 > 9) | (s1 > 9))
        {
            return false; // a non-digit byte (below '0' it wraps to a large value)
        }

        int year = (int)((y0 * 1000) + (y1 * 100) + (y2 * 10) + y3);
        int month = (int)((m0 * 10) + m1);
        int day = (int)((d0 * 10) + d1);
        int hour = (int)((h0 * 10) + h1);
        int minute = (int)((n0 * 10) + n1);
        int second = (int)((s0 * 10) + s1);
        if (year < 1 || (uint)(month - 1) > 11 || day < 1 || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        bool leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        int[] daysBefore = leap ? DaysBeforeMonthLeap : DaysBeforeMonth;
        if (day > daysBefore[month] - daysBefore[month - 1])
        {
            return false;
        }

        int i = 19;
        long fraction = 0;
        if (s[i] == '.')
        {
            int start = ++i;
            long scale = TimeSpan.TicksPerSecond / 10;
            while (i < s.Length && i - start < 7)
            {
                uint digit = (uint)(s[i] - '0');
                if (digit > 9)
                {
                    break;
                }

                fraction += digit * scale;
                scale /= 10;
                i++;
            }

            if (i == start || i == s.Length || (uint)(s[i] - '0') <= 9)
            {
                return false; // no digit, nothing after them, or an 8th digit (the full parser truncates it)
            }
        }

        long offsetTicks;
        byte sign = s[i];
        if (sign == 'Z' && i + 1 == s.Length)
        {
            offsetTicks = 0;
        }
        else if ((sign == '+' || sign == '-') && i + 6 == s.Length && s[i + 3] == ':')
        {
            uint oh0 = (uint)(s[i + 1] - '0'), oh1 = (uint)(s[i + 2] - '0'), om0 = (uint)(s[i + 4] - '0'), om1 = (uint)(s[i + 5] - '0');
            if ((oh0 > 9) | (oh1 > 9) | (om0 > 9) | (om1 > 9))
            {
                return false;
            }

            int offsetMinutes = (int)((((oh0 * 10) + oh1) * 60) + (om0 * 10) + om1);
            if ((om0 * 10) + om1 > 59 || offsetMinutes > MaxOffsetMinutes)
            {
                return false;
            }

            offsetTicks = (sign == '-' ? -offsetMinutes : offsetMinutes) * TimeSpan.TicksPerMinute;
        }
        else
        {
            return false;
        }

        int y = year - 1;
        long days = (y * 365L) + (y / 4) - (y / 100) + (y / 400) + daysBefore[month - 1] + day - 1;
        long ticks = (days * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute)
            + (second * TimeSpan.TicksPerSecond) + fraction - offsetTicks;
        if ((ulong)ticks > MaxTicks)
        {
            return false; // out of range: the full parser says so
        }

        utcTicks = ticks;
        return true;
    }

    private static readonly int[] DaysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    private static readonly int[] DaysBeforeMonthLeap = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

    /// <summary>Converts a local time in <paramref name="zone"/> to UTC ticks (see <see cref="TryParse(ReadOnlySpan{char}, EventTimestampFormat, TimeZoneInfo?, out long, out TimestampError)"/>).</summary>
    public static TimestampError FromLocal(long localTicks, TimeZoneInfo zone, out long utcTicks)
    {
        utcTicks = 0;
        var local = new DateTime(localTicks, DateTimeKind.Unspecified);
        long offsetTicks;
        if (zone.IsInvalidTime(local))
        {
            return TimestampError.NonexistentLocalTime;
        }

        if (zone.IsAmbiguousTime(local))
        {
            // Both offsets are real; the earlier instant is the one with the larger offset (utc = local - offset).
            TimeSpan[] offsets = zone.GetAmbiguousTimeOffsets(local);
            offsetTicks = Math.Max(offsets[0].Ticks, offsets[^1].Ticks);
        }
        else
        {
            offsetTicks = zone.GetUtcOffset(local).Ticks;
        }

        long ticks = localTicks - offsetTicks;
        if ((ulong)ticks > MaxTicks)
        {
            return TimestampError.OutOfRange;
        }

        utcTicks = ticks;
        return TimestampError.None;
    }

    /// <summary>Writes <paramref name="utcTicks"/> as <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c>, the fraction without trailing zeros.</summary>
    /// <returns>The number of characters written.</returns>
    public static int Format(long utcTicks, Span<char> destination)
    {
        Debug.Assert(destination.Length >= MaxFormattedLength);
        Debug.Assert((ulong)utcTicks <= MaxTicks);
        var dt = new DateTime(utcTicks, DateTimeKind.Utc);
        Write4(destination, dt.Year);
        destination[4] = '-';
        Write2(destination[5..], dt.Month);
        destination[7] = '-';
        Write2(destination[8..], dt.Day);
        destination[10] = 'T';
        Write2(destination[11..], dt.Hour);
        destination[13] = ':';
        Write2(destination[14..], dt.Minute);
        destination[16] = ':';
        Write2(destination[17..], dt.Second);
        int n = 19;
        long fraction = utcTicks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            destination[n++] = '.';
            int digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            for (int i = digits - 1; i >= 0; i--)
            {
                destination[n + i] = (char)('0' + (int)(fraction % 10));
                fraction /= 10;
            }

            n += digits;
        }

        destination[n++] = 'Z';
        return n;
    }

    /// <summary>Formats <paramref name="utcTicks"/> as a string (allocates; not for hot paths).</summary>
    public static string Format(long utcTicks)
    {
        Span<char> buffer = stackalloc char[MaxFormattedLength];
        return buffer[..Format(utcTicks, buffer)].ToString();
    }

    private static TimestampError ParsePattern(ReadOnlySpan<char> s, EventTimestampFormat format, TimeZoneInfo? zone, out long utcTicks)
    {
        utcTicks = 0;
        if (format.HasOffset)
        {
            if (!DateTimeOffset.TryParseExact(s, format.Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset instant))
            {
                return TimestampError.PatternMismatch;
            }

            utcTicks = instant.UtcTicks;
            return TimestampError.None;
        }

        if (!DateTime.TryParseExact(s, format.Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
        {
            return TimestampError.PatternMismatch;
        }

        return zone is null ? TimestampError.NoOffset : FromLocal(local.Ticks, zone, out utcTicks);
    }

    private static TimestampError ParseIso(ReadOnlySpan<char> s, TimeZoneInfo? zone, out long utcTicks)
    {
        utcTicks = 0;

        // yyyy-MM-dd
        if (!TryDigits(s, 0, 4, out int year) || s[4] != '-' || !TryDigits(s, 5, 2, out int month) || s[7] != '-'
            || !TryDigits(s, 8, 2, out int day))
        {
            return TimestampError.Invalid;
        }

        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return TimestampError.Invalid;
        }

        if (s.Length == 10)
        {
            // A date alone: which time zone's midnight? With a zone, its midnight.
            return zone is null ? TimestampError.NoOffset : FromLocal(new DateTime(year, month, day).Ticks, zone, out utcTicks);
        }

        // [T ]HH:mm[:ss[.fffffff]]
        char separator = s[10];
        if ((separator != 'T' && separator != 't' && separator != ' ') || s.Length < 16
            || !TryDigits(s, 11, 2, out int hour) || s[13] != ':' || !TryDigits(s, 14, 2, out int minute))
        {
            return TimestampError.Invalid;
        }

        int i = 16;
        int second = 0;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!TryDigits(s, i + 1, 2, out second))
            {
                return TimestampError.Invalid;
            }

            i += 3;
            if (i < s.Length && (s[i] == '.' || s[i] == ','))
            {
                i++;
                int start = i;
                long scale = TimeSpan.TicksPerSecond / 10;
                while (i < s.Length && IsDigit(s[i]))
                {
                    fractionTicks += (s[i] - '0') * scale; // digits past the 7th (100 ns) are truncated: scale is 0
                    scale /= 10;
                    i++;
                }

                if (i == start)
                {
                    return TimestampError.Invalid;
                }
            }
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return TimestampError.Invalid;
        }

        // Z | ±HH[:mm] | ±HHmm
        if (i == s.Length)
        {
            if (zone is null)
            {
                return TimestampError.NoOffset;
            }

            return FromLocal(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks, zone, out utcTicks);
        }

        int offsetMinutes;
        char sign = s[i];
        if (sign == 'Z' || sign == 'z')
        {
            offsetMinutes = 0;
            i++;
        }
        else if (sign == '+' || sign == '-')
        {
            if (!TryDigits(s, i + 1, 2, out int offsetHours))
            {
                return TimestampError.Invalid;
            }

            i += 3;
            int offsetMins = 0;
            if (i < s.Length)
            {
                if (s[i] == ':')
                {
                    i++;
                }

                if (!TryDigits(s, i, 2, out offsetMins))
                {
                    return TimestampError.Invalid;
                }

                i += 2;
            }

            offsetMinutes = (offsetHours * 60) + offsetMins;
            if (offsetMins > 59 || offsetMinutes > MaxOffsetMinutes)
            {
                return TimestampError.Invalid;
            }

            if (sign == '-')
            {
                offsetMinutes = -offsetMinutes;
            }
        }
        else
        {
            return TimestampError.Invalid;
        }

        if (i != s.Length)
        {
            return TimestampError.Invalid;
        }

        long localTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        long ticks = localTicks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if ((ulong)ticks > MaxTicks)
        {
            return TimestampError.OutOfRange;
        }

        utcTicks = ticks;
        return TimestampError.None;
    }

    private static TimestampError ParseUnix(ReadOnlySpan<char> s, long unitTicks, out long utcTicks)
    {
        utcTicks = 0;
        int i = 0;
        bool negative = false;
        if (s[0] == '-' || s[0] == '+')
        {
            negative = s[0] == '-';
            i++;
        }

        int start = i;
        long seconds = 0;
        bool overflow = false;
        while (i < s.Length && IsDigit(s[i]))
        {
            if (i - start >= 18)
            {
                overflow = true; // keep validating the syntax; the value is out of range anyway
            }
            else
            {
                seconds = (seconds * 10) + (s[i] - '0');
            }

            i++;
        }

        if (i == start)
        {
            return TimestampError.Invalid;
        }

        long fractionTicks = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            int fractionStart = i;
            long scale = unitTicks / 10;
            while (i < s.Length && IsDigit(s[i]))
            {
                fractionTicks += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == fractionStart)
            {
                return TimestampError.Invalid;
            }
        }

        if (i != s.Length)
        {
            return TimestampError.Invalid;
        }

        if (negative)
        {
            seconds = -seconds;
            fractionTicks = -fractionTicks;
        }

        // "seconds" counts units (seconds or milliseconds) from here on.
        long unitsPerSecond = TimeSpan.TicksPerSecond / unitTicks;
        if (overflow || seconds < MinUnixSeconds * unitsPerSecond || seconds > ((MaxUnixSeconds + 1) * unitsPerSecond) - 1)
        {
            return TimestampError.OutOfRange;
        }

        long ticks = UnixEpochTicks + (seconds * unitTicks) + fractionTicks;
        if ((ulong)ticks > MaxTicks)
        {
            return TimestampError.OutOfRange;
        }

        utcTicks = ticks;
        return TimestampError.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            char c = s[i];
            if (!IsDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static void Write2(Span<char> destination, int value)
    {
        destination[0] = (char)('0' + (value / 10));
        destination[1] = (char)('0' + (value % 10));
    }

    private static void Write4(Span<char> destination, int value)
    {
        destination[0] = (char)('0' + (value / 1000));
        destination[1] = (char)('0' + (value / 100 % 10));
        destination[2] = (char)('0' + (value / 10 % 10));
        destination[3] = (char)('0' + (value % 10));
    }
}
