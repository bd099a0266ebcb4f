using System.Globalization;

namespace JourneyKit.Cli;

/// <summary>
/// Parses durations written on the command line: a number with a unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>,
/// <c>d</c>, <c>w</c>), several of them in a row (<c>1h30m</c>), decimals allowed (<c>1.5h</c>); a plain number is
/// seconds (<c>90</c> = <c>90s</c>). Negative durations are not accepted.
/// </summary>
internal static class CliDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long plainSeconds))
        {
            return TryFrom(plainSeconds, TimeSpan.TicksPerSecond, out duration);
        }

        decimal totalTicks = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
            {
                return false;
            }

            int unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            long unitTicks = s[unitStart..i] switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                "w" => 7 * TimeSpan.TicksPerDay,
                _ => 0,
            };
            if (unitTicks == 0)
            {
                return false;
            }

            if (number > (TimeSpan.MaxValue.Ticks - totalTicks) / unitTicks)
            {
                return false;
            }

            totalTicks += number * unitTicks;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)decimal.Round(totalTicks));
        return true;
    }

    private static bool TryFrom(long count, long unitTicks, out TimeSpan duration)
    {
        if (count > TimeSpan.MaxValue.Ticks / unitTicks)
        {
            duration = TimeSpan.Zero;
            return false;
        }

        duration = TimeSpan.FromTicks(count * unitTicks);
        return true;
    }
}
