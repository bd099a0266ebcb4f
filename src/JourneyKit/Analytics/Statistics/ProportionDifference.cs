namespace JourneyKit.Analytics.Statistics;

/// <summary>
/// The difference of two proportions p₁ − p₂ with a confidence interval (Newcombe's hybrid score interval, "method 10",
/// from the two Wilson intervals) and the pooled two-proportion z-test.
/// </summary>
/// <param name="SuccessesA">Successes in the first group.</param>
/// <param name="TotalA">The first group's size.</param>
/// <param name="SuccessesB">Successes in the second group.</param>
/// <param name="TotalB">The second group's size.</param>
/// <param name="Difference">p₁ − p₂.</param>
/// <param name="Lower">The interval's lower bound.</param>
/// <param name="Upper">The interval's upper bound.</param>
/// <param name="Z">The pooled z statistic (NaN when the pooled proportion is 0 or 1).</param>
/// <param name="PValue">The two-sided p-value of the z-test (1 when the pooled proportion is 0 or 1).</param>
/// <param name="Confidence">The confidence level of the interval.</param>
public sealed record ProportionDifference(int SuccessesA, int TotalA, int SuccessesB, int TotalB, double Difference, double Lower, double Upper, double Z, double PValue, double Confidence)
{
    /// <summary>Compares two proportions.</summary>
    /// <param name="successesA">Successes in the first group (0..<paramref name="totalA"/>).</param>
    /// <param name="totalA">The first group's size (positive).</param>
    /// <param name="successesB">Successes in the second group.</param>
    /// <param name="totalB">The second group's size (positive).</param>
    /// <param name="confidence">The confidence level, strictly between 0 and 1 (default 0.95).</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range, or the confidence is not in (0, 1).</exception>
    public static ProportionDifference Compare(int successesA, int totalA, int successesB, int totalB, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalA, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalB, 1);
        if ((uint)successesA > (uint)totalA || (uint)successesB > (uint)totalB)
        {
            throw new ArgumentOutOfRangeException(nameof(successesA), "Successes must be between 0 and the group's size.");
        }

        double z = NormalDistribution.Quantile(1 - ((1 - confidence) / 2));
        double p1 = (double)successesA / totalA, p2 = (double)successesB / totalB;
        (double l1, double u1) = Wilson(p1, totalA, z);
        (double l2, double u2) = Wilson(p2, totalB, z);
        double d = p1 - p2;
        double lower = d - Math.Sqrt(((p1 - l1) * (p1 - l1)) + ((u2 - p2) * (u2 - p2)));
        double upper = d + Math.Sqrt(((u1 - p1) * (u1 - p1)) + ((p2 - l2) * (p2 - l2)));
        double pooled = (double)(successesA + successesB) / (totalA + totalB);
        double se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / totalA) + (1.0 / totalB)));
        double stat = se > 0 ? d / se : double.NaN;
        return new ProportionDifference(successesA, totalA, successesB, totalB, d, lower, upper, stat, se > 0 ? NormalDistribution.TwoSidedPValue(stat) : 1, confidence);
    }

    /// <summary>The Wilson score interval of a proportion.</summary>
    internal static (double Lower, double Upper) Wilson(double p, int n, double z)
    {
        double z2 = z * z;
        double denominator = 1 + (z2 / n);
        double center = (p + (z2 / (2 * n))) / denominator;
        double half = z / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
        return (Math.Max(0, center - half), Math.Min(1, center + half));
    }
}
