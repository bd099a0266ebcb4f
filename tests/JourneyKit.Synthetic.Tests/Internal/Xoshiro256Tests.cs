using JourneyKit.Synthetic.Internal;

namespace JourneyKit.Synthetic.Tests.Internal;

public sealed class Xoshiro256Tests
{
    /// <summary>
    /// The generator's output is part of the contract (same seed → same synthetic data forever). Expected values come
    /// from a separate 20-line Python transcription of Vigna's splitmix64.c and xoshiro256starstar.c (seed expanded by
    /// four SplitMix64 steps).
    /// </summary>
    [Theory]
    [InlineData(0UL, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(12345UL, 0xbe6a36374160d49bUL, 0x214aaa0637a688c6UL, 0xf69d16de9954d388UL)]
    public void NextUInt64_MatchesReference(ulong seed, ulong first, ulong second, ulong third)
    {
        var rng = new Xoshiro256(seed);
        Assert.Equal(first, rng.NextUInt64());
        Assert.Equal(second, rng.NextUInt64());
        Assert.Equal(third, rng.NextUInt64());
    }

    [Fact]
    public void Next_StaysInRangeAndCoversIt()
    {
        var rng = new Xoshiro256(1);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++)
        {
            int v = rng.Next(7);
            Assert.InRange(v, 0, 6);
            seen[v]++;
        }

        Assert.All(seen, count => Assert.InRange(count, 800, 1200)); // 1000 expected each
    }
}
