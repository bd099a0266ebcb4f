namespace JourneyKit.Analytics.Statistics;

/// <summary>
/// The log-rank test of two survival curves (time to convert, say): at each distinct event time, the observed events of
/// the first group against those expected if both groups shared one hazard; χ² = (O₁ − E₁)² / V with the
/// hypergeometric variance V, one degree of freedom. Censored observations at an event time count as at risk there.
/// </summary>
/// <param name="ObservedA">Events observed in the first group.</param>
/// <param name="ExpectedA">Events expected in the first group under the null hypothesis.</param>
/// <param name="ObservedB">Events observed in the second group.</param>
/// <param name="ExpectedB">Events expected in the second group.</param>
/// <param name="Variance">The variance of O₁ − E₁.</param>
/// <param name="ChiSquare">The statistic.</param>
/// <param name="PValue">The p-value (χ² with one degree of freedom); 1 without events.</param>
public sealed record LogRankTest(int ObservedA, double ExpectedA, int ObservedB, double ExpectedB, double Variance, double ChiSquare, double PValue)
{
    /// <summary>Runs the test.</summary>
    /// <param name="a">The first group: (time, event) — event false means censored at that time.</param>
    /// <param name="b">The second group.</param>
    /// <returns>The result.</returns>
    public static LogRankTest Compute(IReadOnlyList<(long Time, bool Event)> a, IReadOnlyList<(long Time, bool Event)> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var all = new List<(long Time, bool Event, bool First)>(a.Count + b.Count);
        foreach ((long t, bool e) in a)
        {
            all.Add((t, e, true));
        }

        foreach ((long t, bool e) in b)
        {
            all.Add((t, e, false));
        }

        all.Sort(static (x, y) => x.Time.CompareTo(y.Time));
        int atRiskA = a.Count, atRiskB = b.Count, observedA = 0, observedB = 0;
        double expectedA = 0, variance = 0;
        for (int i = 0; i < all.Count;)
        {
            long t = all[i].Time;
            int dA = 0, dB = 0, leftA = 0, leftB = 0;
            for (; i < all.Count && all[i].Time == t; i++)
            {
                if (all[i].First)
                {
                    leftA++;
                    dA += all[i].Event ? 1 : 0;
                }
                else
                {
                    leftB++;
                    dB += all[i].Event ? 1 : 0;
                }
            }

            int n = atRiskA + atRiskB, d = dA + dB;
            if (d > 0 && n > 0)
            {
                expectedA += (double)d * atRiskA / n;
                if (n > 1)
                {
                    variance += (double)d * atRiskA * atRiskB * (n - d) / ((double)n * n * (n - 1));
                }
            }

            observedA += dA;
            observedB += dB;
            atRiskA -= leftA;
            atRiskB -= leftB;
        }

        double expectedB = observedA + observedB - expectedA;
        double chi = variance > 0 ? (observedA - expectedA) * (observedA - expectedA) / variance : 0;
        return new LogRankTest(observedA, expectedA, observedB, expectedB, variance, chi, variance > 0 ? NormalDistribution.ChiSquare1PValue(chi) : 1);
    }
}
