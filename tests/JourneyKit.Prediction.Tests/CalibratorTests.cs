using JourneyKit.Prediction.Internal;

namespace JourneyKit.Prediction.Tests;

public sealed class CalibratorTests
{
    [Fact]
    public void Isotonic_PoolsAdjacentViolators()
    {
        // Scores 1..6 with labels 0, 1, 0, 1, 1, 0 (ascending score). PAV: [0] [1, 0] → ½ ½, then [1] … [1, 0] → ½:
        // blocks {1}: 0, {2, 3}: ½, {4, 5, 6}: 2/3 (1, 1, 0 pooled: 1 > 1 > 0 violates, pool [1, 0] = ½ < 1 → pool all three).
        Calibrator c = Calibrator.Fit(RiskCalibration.Isotonic, [1, 2, 3, 4, 5, 6], [false, true, false, true, true, false]);
        Assert.Equal(Calibrator.Floor, c.Probability(1)); // 0, floored
        Assert.Equal(0.5, c.Probability(2.5), 12);
        Assert.Equal(2.0 / 3, c.Probability(5), 12);
        Assert.Equal(2.0 / 3, c.Probability(100), 12);   // above every score: the last block
        Assert.Equal(Calibrator.Floor, c.Probability(-5));
    }

    [Fact]
    public void Platt_RecoversALogisticRelation()
    {
        // Labels drawn with P(y | s) = σ(2s − 1): the fit gives back about a = 2, b = −1.
        var random = new Random(5);
        var s = new double[20000];
        var y = new bool[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (random.NextDouble() * 4) - 2;
            y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-((2 * s[i]) - 1)));
        }

        Calibrator c = Calibrator.Fit(RiskCalibration.Platt, s, y);
        foreach (double x in new[] { -1.5, 0, 0.5, 1.5 })
        {
            Assert.InRange(c.Probability(x), (1 / (1 + Math.Exp(-((2 * x) - 1)))) - 0.03, (1 / (1 + Math.Exp(-((2 * x) - 1)))) + 0.03);
        }
    }
}
