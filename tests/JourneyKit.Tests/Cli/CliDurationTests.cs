using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

public sealed class CliDurationTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("1w", 7 * 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 0 ", 0)]
    [InlineData("500ms", 0.5)]
    public void TryParse_Valid(string text, double expectedSeconds)
    {
        Assert.True(CliDuration.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5x")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999999999d")]
    public void TryParse_Invalid(string text) => Assert.False(CliDuration.TryParse(text, out _));
}
