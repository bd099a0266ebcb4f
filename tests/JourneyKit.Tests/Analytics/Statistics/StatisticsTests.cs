using JourneyKit.Analytics.Statistics;
using MathNet.Numerics.Distributions;

namespace JourneyKit.Tests.Analytics.Statistics;

/// <summary>The statistics behind segment comparisons, against published worked examples, hand arithmetic and Math.NET.</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(-6.0)]
    [InlineData(-2.5)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.959963984540054)]
    [InlineData(4.0)]
    public void NormalCdf_AgreesWithMathNet(double z) => Assert.Equal(Normal.CDF(0, 1, z), NormalDistribution.Cdf(z), 1e-7);

    [Theory]
    [InlineData(1e-6)]
    [InlineData(0.01)]
    [InlineData(0.025)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    [InlineData(0.975)]
    [InlineData(0.999999)]
    public void NormalQuantile_AgreesWithMathNet(double p) => Assert.Equal(Normal.InvCDF(0, 1, p), NormalDistribution.Quantile(p), 1e-6);

    [Fact]
    public void ProportionDifference_NewcombesWorkedExample()
    {
        // Newcombe (1998), Statistics in Medicine 17:873–890, example (a): 56/70 vs 48/80, difference 0.2; the hybrid score
        // interval (method 10) is 0.0524 to 0.3339.
        ProportionDifference d = ProportionDifference.Compare(56, 70, 48, 80);
        Assert.Equal(0.2, d.Difference, 12);
        Assert.Equal(0.0524, d.Lower, 4);
        Assert.Equal(0.3339, d.Upper, 4);

        // Pooled z by hand: p = 104/150 = 0.69333; se = sqrt(0.69333 · 0.30667 · (1/70 + 1/80)) = 0.075465; z = 2.6502.
        Assert.Equal(2.6502, d.Z, 3);
        Assert.Equal(2 * (1 - Normal.CDF(0, 1, d.Z)), d.PValue, 6);
    }

    [Fact]
    public void ProportionDifference_AllOrNothing_HasNoZ()
    {
        ProportionDifference d = ProportionDifference.Compare(5, 5, 3, 3);
        Assert.True(double.IsNaN(d.Z));
        Assert.Equal(1, d.PValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionDifference.Compare(6, 5, 1, 2));
    }

    [Fact]
    public void LogRank_HandComputed()
    {
        // A: 1 event, 3 event, 5 censored. B: 2, 4, 6 events. Per event time (n_A, n_B, d → E_A, V):
        // t1 (3,3,1) → 1/2, 1·3·3·5/(36·5) = 1/4; t2 (2,3,1) → 2/5, 2·3·4/(25·4) = 0.24; t3 (2,2,1) → 1/2, 2·2·3/(16·3) = 1/4;
        // t4 (1,2,1) → 1/3, 1·2·2/(9·2) = 2/9; t6 (0,1,1) → 0, 0. E_A = 1.7333, V = 0.96222, O_A = 2;
        // χ² = 0.26667² / 0.96222 = 0.073903.
        LogRankTest r = LogRankTest.Compute([(1, true), (3, true), (5, false)], [(2, true), (4, true), (6, true)]);
        Assert.Equal((2, 3), (r.ObservedA, r.ObservedB));
        Assert.Equal(1.0 / 2 + 2.0 / 5 + 1.0 / 2 + 1.0 / 3, r.ExpectedA, 12);
        Assert.Equal(0.25 + 0.24 + 0.25 + 2.0 / 9, r.Variance, 12);
        Assert.Equal(0.073903, r.ChiSquare, 5);
        Assert.Equal(1 - ChiSquared.CDF(1, r.ChiSquare), r.PValue, 6);
        Assert.Equal(5 - r.ExpectedA, r.ExpectedB, 12);
    }

    [Fact]
    public void Holm_TextbookAdjustment()
    {
        // Sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → non-decreasing 0.02, 0.03, 0.06, 0.06.
        Assert.Equal([0.03, 0.06, 0.06, 0.02], MultipleComparisons.Holm([0.01, 0.04, 0.03, 0.005]), new ToleranceComparer(1e-12));
        Assert.Equal([1.0], MultipleComparisons.Holm([1.0]));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
