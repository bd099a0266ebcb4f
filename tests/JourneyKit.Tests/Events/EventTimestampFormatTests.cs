using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Events.Internal;

namespace JourneyKit.Tests.Events;

/// <summary>Timestamp formats and time zones of the one timestamp parser (<see cref="EventTimestamp"/>).</summary>
public sealed class EventTimestampFormatTests
{
    /// <summary>
    /// A zone built here (not from the machine's tz database) with the EU rules: UTC+1, daylight time UTC+2 from the last
    /// Sunday of March 02:00 to the last Sunday of October 03:00 (local). In 2026 those Sundays are 29 March (1 March
    /// 2026 is a Sunday: 1, 8, 15, 22, 29) and 25 October (1 October is a Thursday: 4, 11, 18, 25).
    /// </summary>
    internal static readonly TimeZoneInfo Eu = TimeZoneInfo.CreateCustomTimeZone(
        "Test/EU", TimeSpan.FromHours(1), "Test EU", "CET", "CEST",
        [
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday)),
        ]);

    private static long Utc(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).UtcTicks;

    private static long Parse(string text, EventTimestampFormat format, TimeZoneInfo? zone = null)
    {
        Assert.True(EventTimestamp.TryParse(text, format, zone, out long ticks, out TimestampError error), error.ToString());
        return ticks;
    }

    private static TimestampError Error(string text, EventTimestampFormat format, TimeZoneInfo? zone = null)
    {
        Assert.False(EventTimestamp.TryParse(text, format, zone, out _, out TimestampError error));
        return error;
    }

    [Theory]
    [InlineData("2026-01-15T12:00:00", "2026-01-15T11:00:00Z")] // winter: +01
    [InlineData("2026-07-01 12:00", "2026-07-01T10:00:00Z")] // summer: +02
    [InlineData("2026-03-29T01:59:59", "2026-03-29T00:59:59Z")] // just before the spring change, +01
    [InlineData("2026-03-29T03:00:00", "2026-03-29T01:00:00Z")] // just after it, +02
    [InlineData("2026-10-25T02:30:00", "2026-10-25T00:30:00Z")] // the repeated hour: the earlier instant, still +02
    [InlineData("2026-10-25T03:00:00", "2026-10-25T02:00:00Z")] // after the autumn change, +01
    [InlineData("2026-01-15", "2026-01-14T23:00:00Z")] // a date alone: midnight in the zone
    [InlineData("2026-07-01T12:00:00Z", "2026-07-01T12:00:00Z")] // an offset wins over the zone
    [InlineData("1769851800", "2026-01-31T09:30:00Z")] // Unix time is an instant
    public void Default_WithZone_PlacesLocalTimes(string text, string expectedUtc) =>
        Assert.Equal(Utc(expectedUtc), Parse(text, EventTimestampFormat.Default, Eu));

    [Theory]
    [InlineData("2026-03-29T02:00:00")]
    [InlineData("2026-03-29T02:30:00")]
    [InlineData("2026-03-29 02:59:59.9")]
    public void Default_WithZone_SkippedLocalTime_IsAnError(string text) =>
        Assert.Equal(TimestampError.NonexistentLocalTime, Error(text, EventTimestampFormat.Default, Eu));

    [Fact]
    public void Default_WithoutZone_LocalTimeHasNoOffset() =>
        Assert.Equal(TimestampError.NoOffset, Error("2026-01-15T12:00:00", EventTimestampFormat.Default));

    [Theory]
    [InlineData("1769851800250", "2026-01-31T09:30:00.250Z")] // 1769851800 s is 2026-01-31T09:30:00Z
    [InlineData("1769851800250.5", "2026-01-31T09:30:00.2505Z")]
    [InlineData("0", "1970-01-01T00:00:00Z")]
    [InlineData("-1", "1969-12-31T23:59:59.999Z")]
    public void UnixMilliseconds(string text, string expectedUtc) =>
        Assert.Equal(Utc(expectedUtc), Parse(text, EventTimestampFormat.UnixMilliseconds));

    [Fact]
    public void UnixMilliseconds_OutOfRange()
    {
        // 253,402,300,799,999 ms is 9999-12-31T23:59:59.999Z; one more second is past DateTimeOffset's range.
        Assert.Equal(Utc("9999-12-31T23:59:59.999Z"), Parse("253402300799999", EventTimestampFormat.UnixMilliseconds));
        Assert.Equal(TimestampError.OutOfRange, Error("253402300800000", EventTimestampFormat.UnixMilliseconds));
    }

    [Fact]
    public void UnixSeconds_RejectsIsoText()
    {
        Assert.Equal(Utc("2026-01-31T09:30:00Z"), Parse("1769851800", EventTimestampFormat.UnixSeconds));
        Assert.Equal(TimestampError.Invalid, Error("2026-01-31T09:30:00Z", EventTimestampFormat.UnixSeconds));
    }

    [Theory]
    [InlineData("dd/MM/yyyy HH:mm", "31/01/2026 09:30", "2026-01-31T08:30:00Z")] // local +01
    [InlineData("dd/MM/yyyy HH:mm", " 31/07/2026 09:30 ", "2026-07-31T07:30:00Z")] // local +02, trimmed
    [InlineData("yyyyMMdd", "20260131", "2026-01-30T23:00:00Z")]
    [InlineData("d MMM yyyy h:mm tt", "5 Jan 2026 3:04 PM", "2026-01-05T14:04:00Z")] // invariant month names
    public void Pattern_WithoutOffset_UsesTheZone(string pattern, string text, string expectedUtc) =>
        Assert.Equal(Utc(expectedUtc), Parse(text, EventTimestampFormat.Custom(pattern), Eu));

    [Fact]
    public void Pattern_WithOffset_IgnoresTheZone()
    {
        EventTimestampFormat format = EventTimestampFormat.Custom("dd.MM.yyyy HH:mm:ss zzz");

        Assert.True(format.HasOffset);
        Assert.Equal(Utc("2026-01-31T09:30:00Z"), Parse("31.01.2026 10:30:00 +01:00", format));
        Assert.Equal(Utc("2026-01-31T09:30:00Z"), Parse("31.01.2026 10:30:00 +01:00", format, Eu));
    }

    [Fact]
    public void Pattern_Mismatch_AndSkippedTime()
    {
        EventTimestampFormat format = EventTimestampFormat.Custom("dd/MM/yyyy HH:mm");

        Assert.False(format.HasOffset);
        Assert.Equal(TimestampError.PatternMismatch, Error("2026-01-31 09:30", format, Eu));
        Assert.Equal(TimestampError.PatternMismatch, Error("32/01/2026 09:30", format, Eu));
        Assert.Equal(TimestampError.NonexistentLocalTime, Error("29/03/2026 02:15", format, Eu));
        Assert.Equal(TimestampError.NoOffset, Error("31/01/2026 09:30", format, zone: null));
    }

    [Theory]
    [InlineData("HH:mm")] // no date: parsing would take today's
    [InlineData("MM/dd HH:mm")] // no year
    [InlineData("yyyy-MM-ddTHH:mm:ssK")] // K: an optional offset
    [InlineData("d")] // a standard format, not a pattern
    [InlineData("")]
    public void Custom_RejectsPatternsThatCannotNameAnInstant(string pattern) =>
        Assert.Throws<FormatException>(() => EventTimestampFormat.Custom(pattern));

    [Theory]
    [InlineData("iso", "iso")]
    [InlineData("unix-seconds", "unix-seconds")]
    [InlineData("UNIX", "unix-seconds")]
    [InlineData("unix-ms", "unix-ms")]
    [InlineData("dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm")]
    public void Parse_NamesAndPatterns(string text, string name) => Assert.Equal(name, EventTimestampFormat.Parse(text).Name);

    [Fact]
    public void Options_PatternWithoutOffset_NeedsATimeZone()
    {
        var options = new EventReaderOptions { TimestampFormat = EventTimestampFormat.Custom("dd/MM/yyyy HH:mm") };

        ArgumentException e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("TimeZone is required", e.Message, StringComparison.Ordinal);
        new EventReaderOptions { TimestampFormat = EventTimestampFormat.Custom("dd/MM/yyyy HH:mm"), TimeZone = TimeZoneInfo.Utc }.Validate();
    }
}
