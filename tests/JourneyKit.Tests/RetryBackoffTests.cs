namespace JourneyKit.Tests;

public sealed class RetryBackoffTests
{
    [Fact]
    public void GetDelay_NoJitter_DoublesFromTheBaseUpToTheCap()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

        // 1 s, 2 s, 4 s, then capped at 5 s; attempt 0 counts as the first retry
        Assert.Equal([1.0, 1, 2, 4, 5, 5], new[] { 0, 1, 2, 3, 4, 100 }.Select(a => backoff.GetDelay(a).TotalSeconds));
        Assert.Equal(0, backoff.Jitter);
    }

    [Fact]
    public void GetDelay_Jitter_DifferentSeedsSpreadOut()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), jitter: 0.5);
        var delays = new HashSet<TimeSpan>();
        for (int i = 0; i < 50; i++)
        {
            TimeSpan d = backoff.GetDelay(1, RetryBackoff.Seed($"key-{i}"));
            Assert.InRange(d, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
            delays.Add(d);
        }

        Assert.True(delays.Count > 40, $"{delays.Count} distinct delays of 50");
        Assert.Equal(RetryBackoff.Seed("key-1"), RetryBackoff.Seed("key-1")); // stable: FNV-1a, not string.GetHashCode
        Assert.NotEqual(RetryBackoff.Seed("key-1"), RetryBackoff.Seed("key-2"));
    }

    [Fact]
    public void Ctor_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.01));
    }
}
