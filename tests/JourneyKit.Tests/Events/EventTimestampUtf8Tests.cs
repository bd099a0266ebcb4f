using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Events.Internal;

namespace JourneyKit.Tests.Events;

/// <summary>
/// The timestamp parser on UTF-8 bytes (the readers' fast path for <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±HH:mm)</c>)
/// against the full parser on characters: same values, same errors.
/// </summary>
public sealed class EventTimestampUtf8Tests
{
    private static readonly TimeZoneInfo Plus2 = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

    /// <summary>Expected instants from the BCL's own calendar (DateTimeOffset), not from the parser under test.</summary>
    [Theory]
    [InlineData("2024-02-29T12:00:00Z", 2024, 2, 29, 12, 0, 0, 0, 0)] // leap day (2024 divisible by 4)
    [InlineData("2000-02-29T00:00:00Z", 2000, 2, 29, 0, 0, 0, 0, 0)] // leap day of a century divisible by 400
    [InlineData("2026-01-31T09:30:00.1Z", 2026, 1, 31, 9, 30, 0, 1_000_000, 0)] // .1 s = 1,000,000 ticks of 100 ns
    [InlineData("2026-01-31T09:30:00.12Z", 2026, 1, 31, 9, 30, 0, 1_200_000, 0)]
    [InlineData("2026-01-31T09:30:00.123Z", 2026, 1, 31, 9, 30, 0, 1_230_000, 0)]
    [InlineData("2026-01-31T09:30:00.1234Z", 2026, 1, 31, 9, 30, 0, 1_234_000, 0)]
    [InlineData("2026-01-31T09:30:00.12345Z", 2026, 1, 31, 9, 30, 0, 1_234_500, 0)]
    [InlineData("2026-01-31T09:30:00.123456Z", 2026, 1, 31, 9, 30, 0, 1_234_560, 0)]
    [InlineData("2026-01-31T09:30:00.1234567Z", 2026, 1, 31, 9, 30, 0, 1_234_567, 0)] // 7 digits: exactly 100 ns
    [InlineData("2026-01-31T10:30:00+01:00", 2026, 1, 31, 10, 30, 0, 0, 60)] // 09:30 UTC
    [InlineData("2026-01-31T04:30:00-05:00", 2026, 1, 31, 4, 30, 0, 0, -300)] // 09:30 UTC
    [InlineData("2026-01-01T00:00:00+14:00", 2026, 1, 1, 0, 0, 0, 0, 840)] // the largest offset: 2025-12-31T10:00Z
    [InlineData("2026-01-01T00:00:00-14:00", 2026, 1, 1, 0, 0, 0, 0, -840)]
    [InlineData("0001-01-01T00:00:00Z", 1, 1, 1, 0, 0, 0, 0, 0)] // tick 0
    [InlineData("0001-01-01T00:00:00-01:00", 1, 1, 1, 0, 0, 0, 0, -60)] // 01:00 UTC on the first day
    [InlineData("9999-12-31T23:59:59.9999999Z", 9999, 12, 31, 23, 59, 59, 9_999_999, 0)] // DateTime.MaxValue
    [InlineData("9999-12-31T23:59:59+01:00", 9999, 12, 31, 23, 59, 59, 0, 60)]
    public void FastPath_HandWorked(string text, int year, int month, int day, int hour, int minute, int second, int fractionTicks, int offsetMinutes)
    {
        long expected = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes)).UtcTicks + fractionTicks;
        Assert.True(EventTimestamp.TryParseIsoUtf8(Encoding.ASCII.GetBytes(text), out long fast));
        Assert.Equal(expected, fast);
        Assert.True(EventTimestamp.TryParse(Encoding.ASCII.GetBytes(text), EventTimestampFormat.Default, null, out long ticks, out _));
        Assert.Equal(expected, ticks);
    }

    /// <summary>Texts the fast path leaves to the full parser, which accepts or rejects them as before.</summary>
    [Theory]
    [InlineData("2023-02-29T00:00:00Z", "Invalid")] // 2023 is not a leap year
    [InlineData("1900-02-29T00:00:00Z", "Invalid")] // a century not divisible by 400
    [InlineData("2026-04-31T00:00:00Z", "Invalid")]
    [InlineData("2026-01-31T24:00:00Z", "Invalid")]
    [InlineData("2026-01-31T09:60:00Z", "Invalid")]
    [InlineData("2026-01-31T09:30:60Z", "Invalid")]
    [InlineData("0000-01-01T00:00:00Z", "Invalid")]
    [InlineData("2026-01-31T09:30:00+14:01", "Invalid")]
    [InlineData("2026-01-31T09:30:00+01:60", "Invalid")]
    [InlineData("2026-01-31T09:30:00.Z", "Invalid")]
    [InlineData("2026-01-31T09:30:00Zx", "Invalid")]
    [InlineData("0001-01-01T00:00:00+00:01", "OutOfRange")]
    [InlineData("9999-12-31T23:59:59.9999999-00:01", "OutOfRange")]
    [InlineData("2026-01-31T09:30:00", "NoOffset")]
    [InlineData("2026-01-31T09:30:00.12345678Z", "None")] // 8 digits: the full parser truncates to 7
    [InlineData("2026-01-31 09:30:00Z", "None")] // a space separator
    [InlineData("2026-01-31t09:30:00z", "None")]
    [InlineData("2026-01-31T09:30:00,5Z", "None")]
    [InlineData("2026-01-31T09:30:00+0100", "None")]
    [InlineData("2026-01-31T09:30Z", "None")]
    [InlineData(" 2026-01-31T09:30:00Z", "None")]
    [InlineData("1769851800", "None")]
    public void FastPath_Declines_FullParserDecides(string text, string error)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        Assert.False(EventTimestamp.TryParseIsoUtf8(bytes, out _));
        bool parsed = EventTimestamp.TryParse(bytes, EventTimestampFormat.Default, null, out long ticks, out TimestampError actual);
        bool expected = EventTimestamp.TryParse(text, EventTimestampFormat.Default, null, out long expectedTicks, out TimestampError expectedError);
        Assert.Equal(error, actual.ToString());
        Assert.Equal((expected, expectedTicks, expectedError), (parsed, ticks, actual));
    }

    /// <summary>
    /// On valid timestamps of the export layout and on near-valid ones (a few characters replaced, deleted or inserted),
    /// the bytes parser gives the full parser's answer (success, ticks, error), with and without a time zone; where the
    /// fast path answers, it is that answer; and an unmutated text of the layout is always taken by the fast path.
    /// </summary>
    [Property(MaxTest = 2000)]
    public Property Utf8_AgreesWithFullParser() => Prop.ForAll(TimestampCases.Of(), c =>
    {
        string text = c.Text;
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        foreach (TimeZoneInfo? zone in new[] { null, Plus2 })
        {
            bool expected = EventTimestamp.TryParse(text, EventTimestampFormat.Default, zone, out long expectedTicks, out TimestampError expectedError);
            bool actual = EventTimestamp.TryParse(bytes, EventTimestampFormat.Default, zone, out long ticks, out TimestampError error);
            if ((expected, expectedTicks, expectedError) != (actual, ticks, error))
            {
                return false.Label($"{text} ({zone?.Id ?? "no zone"}): full {expected} {expectedTicks} {expectedError}, bytes {actual} {ticks} {error}");
            }
        }

        bool fast = EventTimestamp.TryParseIsoUtf8(bytes, out long fastTicks);
        bool full = EventTimestamp.TryParse(text, out long fullTicks, out _);
        if (fast && (!full || fastTicks != fullTicks))
        {
            return false.Label($"{text}: fast path {fastTicks}, full parser {full} {fullTicks}");
        }

        bool inLayout = c.Mutations.Length == 0 && c.FractionDigits <= 7 && (c.Offset == "Z" || c.Offset.Length == 6) && full; // Z or ±HH:mm
        return (!inLayout || fast).Label($"{text}: in the layout but not taken by the fast path");
    });

    /// <summary>The unix and pattern formats never take the fast path: the bytes parser decodes and defers.</summary>
    [Theory]
    [InlineData("1769851800", "unix-seconds")]
    [InlineData("1769851800000", "unix-milliseconds")]
    [InlineData("31/01/2026 09:30:00 +00:00", "dd/MM/yyyy HH:mm:ss zzz")]
    [InlineData("2026-01-31T09:30:00Z", "unix-seconds")] // an ISO text is an error in a unix format
    public void OtherFormats_SameAsFullParser(string text, string format)
    {
        EventTimestampFormat f = EventTimestampFormat.Parse(format);
        bool expected = EventTimestamp.TryParse(text, f, null, out long expectedTicks, out TimestampError expectedError);
        bool actual = EventTimestamp.TryParse(Encoding.UTF8.GetBytes(text), f, null, out long ticks, out TimestampError error);
        Assert.Equal((expected, expectedTicks, expectedError), (actual, ticks, error));
    }
}

/// <summary>A timestamp of the export layout, then a few edits (a replaced, deleted or inserted character).</summary>
public sealed record TimestampCase(int Year, int Month, int Day, int Hour, int Minute, int Second, string Fraction, string Offset, (int Kind, int At, char With)[] Mutations)
{
    public int FractionDigits => Fraction.Length;

    public string Text
    {
        get
        {
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}T{Hour:D2}:{Minute:D2}:{Second:D2}"));
            if (Fraction.Length > 0)
            {
                text.Append('.').Append(Fraction);
            }

            text.Append(Offset);
            foreach ((int kind, int at, char with) in Mutations)
            {
                int i = text.Length == 0 ? 0 : at % (text.Length + (kind == 2 ? 1 : 0));
                switch (kind)
                {
                    case 0 when text.Length > 0:
                        text[i] = with;
                        break;
                    case 1 when text.Length > 0:
                        text.Remove(i, 1);
                        break;
                    case 2:
                        text.Insert(i, with);
                        break;
                }
            }

            return text.ToString();
        }
    }

    public override string ToString() => Text;
}

/// <summary>Generator and shrinker of <see cref="TimestampCase"/>: valid fields (with edge values often), offsets and edits.</summary>
public static class TimestampCases
{
    private const string EditAlphabet = "0123456789-:.+,TtZz x\u00e9";

    public static Arbitrary<TimestampCase> Of() => Arb.From(Generate(), Shrink);

    public static Gen<TimestampCase> Generate() =>
        from year in Gen.Frequency((6, Gen.Choose(1, 9999)), (1, Gen.Elements(1, 2, 1900, 2000, 2024, 9998, 9999)))
        from month in Gen.Choose(1, 12)
        from dayPick in Gen.Frequency((4, Gen.Choose(1, 28)), (1, Gen.Choose(29, 31))) // 29-31: invalid in some months, on purpose
        from hour in Gen.Frequency((4, Gen.Choose(0, 23)), (1, Gen.Elements(0, 23)))
        from minute in Gen.Choose(0, 59)
        from second in Gen.Frequency((4, Gen.Choose(0, 59)), (1, Gen.Elements(0, 59)))
        from digits in Gen.Frequency((3, Gen.Constant(0)), (6, Gen.Choose(1, 7)), (1, Gen.Choose(8, 10)))
        from fraction in Gen.Elements("0123456789".ToCharArray()).ArrayOf(digits)
        from offset in Gen.Frequency(
            (5, Gen.Constant("Z")),
            (4, from sign in Gen.Elements('+', '-') from h in Gen.Choose(0, 14) from m in Gen.Elements(0, 30, 45, 59) select string.Create(CultureInfo.InvariantCulture, $"{sign}{h:D2}:{m:D2}")),
            (1, Gen.Elements("", "z", "+0100", "+01", "-14:01", "+15:00")))
        from edits in Gen.Frequency((3, Gen.Constant(0)), (4, Gen.Choose(1, 2)))
        from mutations in (from kind in Gen.Choose(0, 2) from at in Gen.Choose(0, 40) from with in Gen.Elements(EditAlphabet.ToCharArray()) select (kind, at, with)).ArrayOf(edits)
        select new TimestampCase(year, month, dayPick, hour, minute, second, new string(fraction), offset, mutations);

    /// <summary>Fewer edits, then a plainer timestamp (shorter fraction, offset Z, simpler fields).</summary>
    public static IEnumerable<TimestampCase> Shrink(TimestampCase c)
    {
        for (int i = 0; i < c.Mutations.Length; i++)
        {
            yield return c with { Mutations = [.. c.Mutations[..i], .. c.Mutations[(i + 1)..]] };
        }

        if (c.Fraction.Length > 0)
        {
            yield return c with { Fraction = "" };
            yield return c with { Fraction = c.Fraction[..^1] };
        }

        if (c.Offset != "Z")
        {
            yield return c with { Offset = "Z" };
        }

        if (c.Year != 2000)
        {
            yield return c with { Year = 2000 };
        }

        if (c.Day > 1)
        {
            yield return c with { Day = 1 };
        }

        if (c.Hour != 0 || c.Minute != 0 || c.Second != 0)
        {
            yield return c with { Hour = 0, Minute = 0, Second = 0 };
        }
    }
}
