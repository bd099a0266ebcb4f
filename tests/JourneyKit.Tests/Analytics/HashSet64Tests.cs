using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics.Internal;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>The accumulator's set of customer hashes against <see cref="HashSet{T}"/>, through several doublings.</summary>
public sealed class HashSet64Tests
{
    /// <summary>Hashes from a small range (many repeats, zero among them) spread over the table by a multiplier: Add answers
    /// as HashSet does, and the set holds the distinct hashes (zero held as one, so zero and one count once).</summary>
    [Property(MaxTest = 200)]
    public Property Add_AgreesWithHashSet() => Prop.ForAll(Small.ArrayOf(Gen.Choose(0, 300), 0, 400), values =>
    {
        var set = new HashSet64();
        var reference = new HashSet<ulong>();
        foreach (int v in values)
        {
            ulong hash = (ulong)v * 0x9E3779B97F4A7C15UL;
            Assert.Equal(reference.Add(hash == 0 ? 1 : hash), set.Add(hash));
        }

        Assert.Equal(reference.Count, set.Count);
        Assert.Equal(reference.Order(), set.Items().Order());
        return true;
    });
}
