using System.Globalization;
using FsCheck.Xunit;
using JourneyKit.Events.Internal;

namespace JourneyKit.Tests.Events;

public sealed class EventTimestampTests
{
    [Theory]
    [InlineData("2026-01-31T09:30:00Z", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("2026-01-31t09:30:00z", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("2026-01-31 10:30:00+01:00", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("2026-01-31T10:30+0100", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("2026-01-31T04:30:00-05", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("2026-01-31T09:30:00.25Z", "2026-01-31T09:30:00.2500000+00:00")]
    [InlineData("2026-01-31T09:30:00,1234567891Z", "2026-01-31T09:30:00.1234567+00:00")] // digits past 100 ns truncated
    [InlineData("  2026-01-31T09:30:00Z  ", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000+00:00")]
    [InlineData("0", "1970-01-01T00:00:00.0000000+00:00")]
    [InlineData("1769851800", "2026-01-31T09:30:00.0000000+00:00")]
    [InlineData("1769851800.5", "2026-01-31T09:30:00.5000000+00:00")]
    [InlineData("-1.5", "1969-12-31T23:59:58.5000000+00:00")]
    [InlineData("253402300799", "9999-12-31T23:59:59.0000000+00:00")]
    [InlineData("-62135596800", "0001-01-01T00:00:00.0000000+00:00")]
    public void TryParse_Valid_GivesUtcInstant(string text, string expectedRoundTrip)
    {
        long expected = DateTimeOffset.ParseExact(expectedRoundTrip, "o", CultureInfo.InvariantCulture).UtcTicks;
        Assert.True(EventTimestamp.TryParse(text, out long ticks, out TimestampError error), error.ToString());
        Assert.Equal(expected, ticks);
    }

    [Theory]
    [InlineData("", "Empty")]
    [InlineData("   ", "Empty")]
    [InlineData("2026-01-31T09:30:00", "NoOffset")]
    [InlineData("2026-01-31", "NoOffset")]
    [InlineData("2026-13-01T00:00:00Z", "Invalid")]
    [InlineData("2026-02-29T00:00:00Z", "Invalid")]
    [InlineData("2026-01-01T24:00:00Z", "Invalid")]
    [InlineData("2026-01-01T23:59:60Z", "Invalid")]
    [InlineData("2026-01-01T10:00:00+15:00", "Invalid")]
    [InlineData("2026-01-01T10:00:00+01:60", "Invalid")]
    [InlineData("2026-01-01T10:00:00Zjunk", "Invalid")]
    [InlineData("2026-01-01T10:00:00.Z", "Invalid")]
    [InlineData("01/02/2026 10:00", "Invalid")]
    [InlineData("yesterday", "Invalid")]
    [InlineData("12.", "Invalid")]
    [InlineData("1e9", "Invalid")]
    [InlineData("1767225600000", "OutOfRange")]
    [InlineData("99999999999999999999999", "OutOfRange")]
    [InlineData("9999-12-31T23:59:59-01:00", "OutOfRange")]
    [InlineData("0001-01-01T00:00:00+01:00", "OutOfRange")]
    public void TryParse_Invalid_SaysWhy(string text, string expected)
    {
        Assert.False(EventTimestamp.TryParse(text, out _, out TimestampError error));
        Assert.Equal(expected, error.ToString());
    }

    [Theory]
    [InlineData("2026-01-31T09:30:00.0000000+00:00", "2026-01-31T09:30:00Z")]
    [InlineData("2026-01-31T09:30:00.2500000+00:00", "2026-01-31T09:30:00.25Z")]
    [InlineData("0001-01-01T00:00:00.0000001+00:00", "0001-01-01T00:00:00.0000001Z")]
    public void Format_TrimsFractionZeros(string instant, string expected)
    {
        long ticks = DateTimeOffset.ParseExact(instant, "o", CultureInfo.InvariantCulture).UtcTicks;
        Assert.Equal(expected, EventTimestamp.Format(ticks));
    }

    /// <summary>Any instant, written by the BCL with any offset, parses back to the same UTC ticks; our format round-trips too.</summary>
    [Property(MaxTest = 300)]
    public bool TryParse_BclFormattedWithOffset_RoundTrips(long seed, short offsetMinutes)
    {
        long ticks = (long)((ulong)seed % (ulong)(DateTime.MaxValue.Ticks - (2 * TimeSpan.TicksPerDay))) + TimeSpan.TicksPerDay;
        var offset = TimeSpan.FromMinutes(offsetMinutes % (14 * 60));
        var instant = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        string bcl = instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
        return EventTimestamp.TryParse(bcl, out long parsed, out _) && parsed == ticks
            && EventTimestamp.TryParse(EventTimestamp.Format(ticks), out long again, out _) && again == ticks;
    }
}
