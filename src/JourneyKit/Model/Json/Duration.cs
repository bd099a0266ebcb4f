using System.Globalization;
using System.Text;
using System.Xml;

namespace JourneyKit.Model.Json;

/// <summary>
/// Durations in journey files: a sequence of number + unit (<c>w</c>, <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>,
/// <c>ms</c>) such as <c>2d</c>, <c>1d12h</c>, <c>90m</c>, or ISO-8601 (<c>P2D</c>, <c>PT36H</c>).
/// </summary>
public static class Duration
{
    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration.</param>
    /// <returns><see langword="true"/> when the text is a valid duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text[0] is 'P' or 'p' or '-')
        {
            try
            {
                value = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        long ticks = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            long unit = text.AsSpan(unitStart, i - unitStart) switch
            {
                "w" => TimeSpan.TicksPerDay * 7,
                "d" => TimeSpan.TicksPerDay,
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                _ => 0,
            };
            double part = number * unit;
            if (unit == 0 || part > TimeSpan.MaxValue.Ticks - ticks)
            {
                return false;
            }

            ticks += (long)Math.Round(part);
        }

        value = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats a duration in the short form (<c>1d12h</c>), or ISO-8601 when it has sub-millisecond parts or is negative.</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text; <c>0s</c> for zero.</returns>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero || value.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            return XmlConvert.ToString(value);
        }

        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        long ticks = value.Ticks;
        Append(ref ticks, TimeSpan.TicksPerDay, "d");
        Append(ref ticks, TimeSpan.TicksPerHour, "h");
        Append(ref ticks, TimeSpan.TicksPerMinute, "m");
        Append(ref ticks, TimeSpan.TicksPerSecond, "s");
        Append(ref ticks, TimeSpan.TicksPerMillisecond, "ms");
        return sb.ToString();

        void Append(ref long remaining, long unit, string suffix)
        {
            if (remaining >= unit)
            {
                sb.Append((remaining / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
                remaining %= unit;
            }
        }
    }
}
