using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace JourneyKit.Tests;

/// <summary>The one duration parser and formatter (issue 16 item 7, issue 20).</summary>
public sealed class DurationTests
{
    // The former CLI parser's cases, now the shared parser with plain seconds.
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("1w", 7 * 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("1h 30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 0 ", 0)]
    [InlineData("500ms", 0.5)]
    [InlineData("PT36H", 36 * 3600)]
    public void TryParse_PlainSeconds_Valid(string text, double expectedSeconds)
    {
        Assert.True(Duration.TryParse(text, DurationStyles.PlainSeconds, out TimeSpan duration, out DurationParseError error));
        Assert.Equal(DurationParseError.None, error);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), duration);
    }

    [Theory]
    [InlineData("", DurationParseError.Empty)]
    [InlineData("h", DurationParseError.NotADuration)]
    [InlineData("-5s", DurationParseError.Negative)]
    [InlineData("-P1D", DurationParseError.Negative)]
    [InlineData("5 s", DurationParseError.NotADuration)]
    [InlineData("5x", DurationParseError.NotADuration)]
    [InlineData("1.2.3s", DurationParseError.NotADuration)]
    [InlineData(".5s", DurationParseError.NotADuration)]
    [InlineData("-soon", DurationParseError.NotADuration)]
    // 10^20 days = 8.64e24 s > 2^64 - 1 ≈ 1.8447e19 s.
    [InlineData("99999999999999999999d", DurationParseError.TooLarge)]
    // 2^64 s exactly is one past UInt64.
    [InlineData("18446744073709551616", DurationParseError.TooLarge)]
    [InlineData("99999999999999999999999999999999999s", DurationParseError.TooLarge)]
    public void TryParse_PlainSeconds_Invalid(string text, DurationParseError expected)
    {
        Assert.False(Duration.TryParse(text, DurationStyles.PlainSeconds, out _, out DurationParseError error));
        Assert.Equal(expected, error);
    }

    [Theory]
    // ClickHouse's own windowFunnel test uses 6048000000000000 s as "no limit": 6.048e15 s > TimeSpan's 9.22e11 s.
    [InlineData("6048000000000000")]
    [InlineData("18446744073709551615")] // UInt64.MaxValue seconds: the largest accepted
    [InlineData("10675200d")] // one day past TimeSpan.MaxValue (10675199d 2h 48m …)
    [InlineData("30000000w")]
    [InlineData("unbounded")]
    public void TryParse_BeyondTimeSpan_IsUnbounded(string text)
    {
        Assert.True(Duration.TryParse(text, DurationStyles.PlainSeconds, out TimeSpan duration, out _));
        Assert.Equal(TimeSpan.MaxValue, duration);
        Assert.True(Duration.IsUnbounded(duration));
    }

    [Fact]
    public void TryParse_LargestTimeSpanInRange_IsExact()
    {
        // 10675199 days is below TimeSpan.MaxValue (10675199d 2h 48m 5.4775807s), so it stays a finite duration.
        Assert.True(Duration.TryParse("10675199d", out TimeSpan value));
        Assert.Equal(TimeSpan.FromDays(10675199), value);
        Assert.False(Duration.IsUnbounded(value));
    }

    [Fact]
    public void TryParse_Default_RejectsPlainNumber()
    {
        // Journey files and patterns: a bare number has no unit.
        Assert.False(Duration.TryParse("2", DurationStyles.None, out _, out DurationParseError error));
        Assert.Equal(DurationParseError.NotADuration, error);
    }

    [Fact]
    public void ErrorMessage_SaysWhatIsWrong()
    {
        Assert.Contains("is not a duration", Duration.ErrorMessage("soon", DurationParseError.NotADuration), StringComparison.Ordinal);
        string tooLarge = Duration.ErrorMessage("99999999999999999999d", DurationParseError.TooLarge);
        Assert.Contains("too large", tooLarge, StringComparison.Ordinal);
        Assert.DoesNotContain("not a duration", tooLarge, StringComparison.Ordinal);
        Assert.Contains("negative", Duration.ErrorMessage("-1d", DurationParseError.Negative), StringComparison.Ordinal);
        Assert.Contains("plain number is seconds", Duration.ErrorMessage("x", DurationParseError.NotADuration, DurationStyles.PlainSeconds), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionWithReason()
    {
        var e = Assert.Throws<FormatException>(() => Duration.Parse("99999999999999999999d"));
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(90), Duration.Parse("1h30m"));
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(90L * 60 * 1000, "1h 30m")]
    [InlineData(((2L * 24) + 3) * 3600 * 1000, "2d 3h")]
    [InlineData((((2L * 24) + 3) * 3600 * 1000) + (5 * 60 * 1000) + 7, "2d 3h 5m 7ms")]
    [InlineData(1500L, "1s 500ms")]
    public void Format_Exact(long milliseconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Format_Unbounded_AndSubMillisecond()
    {
        Assert.Equal("unbounded", Duration.Format(TimeSpan.MaxValue));
        Assert.Equal("PT0.0000001S", Duration.Format(TimeSpan.FromTicks(1)));
    }

    [Theory]
    // 1.52 d = 1d 12h 28.8m → two units, rounded at the hour: 1d 12h.
    [InlineData(1.52 * 86400, 2, "1d 12h")]
    // 37.6 min = 37m 36s exactly.
    [InlineData(37.6 * 60, 2, "37m 36s")]
    [InlineData(180, 2, "3m")]
    // 59m 54s with one unit rounds to 60m = 1h.
    [InlineData(3594, 1, "1h")]
    // 23h 59m 40s with two units rounds at the minute to 24h 0m = 1d.
    [InlineData((23 * 3600) + (59 * 60) + 40, 2, "1d")]
    // 3.5 d: minutes would be printed when there are any (the old score formatter never printed minutes).
    [InlineData((3 * 3600) + (25 * 60), 2, "3h 25m")]
    [InlineData(0.0004, 2, "0s")]
    [InlineData(-5400, 2, "-1h 30m")]
    public void Format_Rounded(double seconds, int units, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromSeconds(seconds), units));

    /// <summary>Every whole-millisecond duration survives Format → TryParse, in both styles.</summary>
    [Property(MaxTest = 300)]
    public Property FormatParse_RoundTrips() =>
        Prop.ForAll(
            Gen.Choose(0, 10675198).SelectMany(days => Gen.Choose(0, 86_399_999).Select(ms => TimeSpan.FromDays(days) + TimeSpan.FromMilliseconds(ms))).ToArbitrary(),
            value =>
                Duration.TryParse(Duration.Format(value), out TimeSpan back) && back == value
                && Duration.TryParse(Duration.Format(value), DurationStyles.PlainSeconds, out TimeSpan back2, out _) && back2 == value);

    /// <summary>Parsing is monotone in the number: more seconds never parse to a shorter duration, and unbounded is the top.</summary>
    [Property(MaxTest = 300)]
    public bool PlainSeconds_AreMonotoneAndClamp(ulong a, ulong b)
    {
        (ulong lo, ulong hi) = a <= b ? (a, b) : (b, a);
        Duration.TryParse(lo.ToString(System.Globalization.CultureInfo.InvariantCulture), DurationStyles.PlainSeconds, out TimeSpan x, out _);
        Duration.TryParse(hi.ToString(System.Globalization.CultureInfo.InvariantCulture), DurationStyles.PlainSeconds, out TimeSpan y, out _);
        bool exact = lo > (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond) ? x == TimeSpan.MaxValue : x == TimeSpan.FromSeconds(lo);
        return exact && x <= y;
    }
}
