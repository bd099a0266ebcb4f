using JourneyKit.Events;

namespace JourneyKit.Tests;

public sealed class DisplayFormatTests
{
    [Theory]
    [InlineData(0L, "0")]
    [InlineData(999L, "999")]
    [InlineData(2000L, "2,000")]
    [InlineData(1234567L, "1,234,567")]
    [InlineData(-1234L, "-1,234")]
    public void Count_HasThousandsSeparators(long value, string expected) => Assert.Equal(expected, DisplayFormat.Count(value));

    [Theory]
    [InlineData(0.6578, "65.8%")] // 65.78 rounds to one decimal
    [InlineData(1.0, "100.0%")]
    [InlineData(0.0, "0.0%")]
    [InlineData(0.00049, "0.0%")]
    [InlineData(0.389, "38.9%")] // no space before % (P1 in the invariant culture writes "38.9 %")
    public void Share_IsAPercentageWithOneDecimalAndNoSpace(double fraction, string expected) => Assert.Equal(expected, DisplayFormat.Share(fraction));

    [Fact]
    public void Share_OfNothing_IsMissing()
    {
        Assert.Equal("-", DisplayFormat.Share(null));
        Assert.Equal("-", DisplayFormat.Share(double.NaN));
        Assert.Equal("-", DisplayFormat.Share(5, 0));
        Assert.Equal("25.0%", DisplayFormat.Share(300, 1200)); // 300 / 1,200
    }

    [Fact]
    public void Duration_IsTheTwoLargestUnits()
    {
        Assert.Equal("2d 3h", DisplayFormat.Duration(TimeSpan.FromHours(51)));
        Assert.Equal("2d 3h", DisplayFormat.Duration(new TimeSpan(2, 3, 10, 0))); // 10 min rounds away
        Assert.Equal("1h 30m", DisplayFormat.Duration(TimeSpan.FromMinutes(90)));
        Assert.Equal("0s", DisplayFormat.Duration(TimeSpan.Zero));
        Assert.Equal("unbounded", DisplayFormat.Duration(JourneyKit.Duration.Unbounded));
        Assert.Equal("-", DisplayFormat.Duration(null));
    }

    [Fact]
    public void Instant_IsUtcIso8601_WithAFractionOnlyWhenThereIsOne()
    {
        Assert.Equal("2026-03-12T04:45:53Z", DisplayFormat.Instant(new DateTimeOffset(2026, 3, 12, 4, 45, 53, TimeSpan.Zero)));
        Assert.Equal("2026-03-12T04:45:53Z", DisplayFormat.Instant(new DateTimeOffset(2026, 3, 12, 5, 45, 53, TimeSpan.FromHours(1)))); // offset converted away
        Assert.Equal("2026-03-12T04:45:53.25Z", DisplayFormat.Instant(new DateTimeOffset(2026, 3, 12, 4, 45, 53, 250, TimeSpan.Zero)));
        Assert.Equal("-", DisplayFormat.Instant((DateTimeOffset?)null));
    }

    [Fact]
    public void Instant_ReadsBackAndAgreesWithJourneyTimestamp()
    {
        DateTimeOffset[] instants =
        [
            new(2026, 3, 12, 4, 45, 53, TimeSpan.Zero),
            new(2011, 10, 1, 0, 38, 44, 546, TimeSpan.FromHours(2)),
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1),
        ];
        foreach (DateTimeOffset t in instants)
        {
            Assert.Equal(JourneyTimestamp.Format(t), DisplayFormat.Instant(t));
            Assert.Equal(t, JourneyTimestamp.Parse(DisplayFormat.Instant(t)));
        }
    }
}
