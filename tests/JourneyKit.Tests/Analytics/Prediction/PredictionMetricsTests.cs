using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>Every metric against a textbook or hand-worked value (arithmetic in the comments) and AUC against a brute-force pair count.</summary>
public sealed class PredictionMetricsTests
{
    [Fact]
    public void Auc_TextbookExample_IsThreeQuarters()
    {
        // The scikit-learn roc_auc_score example: y = [0, 0, 1, 1], p = [0.1, 0.4, 0.35, 0.8]. Pairs (positive, negative):
        // 0.35 > 0.1 yes, 0.35 > 0.4 no, 0.8 > 0.1 yes, 0.8 > 0.4 yes → 3/4.
        PredictionMetrics m = PredictionMetrics.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true], 0.5);
        Assert.Equal(0.75, m.Auc!.Value, 12);
    }

    [Fact]
    public void Auc_TiesCountHalf()
    {
        // y = [0, 0, 1, 1], p = [0.2, 0.6, 0.6, 0.9]: 0.6 vs 0.2 → 1, 0.6 vs 0.6 → ½, 0.9 vs 0.2 → 1, 0.9 vs 0.6 → 1: 3.5/4.
        Assert.Equal(0.875, PredictionMetrics.Compute([0.2, 0.6, 0.6, 0.9], [false, false, true, true], 0.5).Auc!.Value, 12);
        // All predictions equal: every pair is a tie → ½.
        Assert.Equal(0.5, PredictionMetrics.Compute([0.3, 0.3, 0.3], [true, false, false], 0.5).Auc!.Value, 12);
    }

    [Fact]
    public void Auc_OneClassOnly_IsUndefined()
    {
        Assert.Null(PredictionMetrics.Compute([0.1, 0.9], [true, true], 0.5).Auc);
        Assert.Null(PredictionMetrics.Compute([0.1, 0.9], [false, false], 0.5).Auc);
    }

    [Property(MaxTest = 200)]
    public Property Auc_EqualsTheShareOfConcordantPairs() => Prop.ForAll(
        Small.ArrayOf(Gen.Choose(0, 5).SelectMany(p => Gen.Elements(false, true), (p, y) => (Fifths: p, Positive: y)), 2, 39), // few distinct values: many ties
        generated =>
    {
        int n = generated.Length;
        double[] p = [.. generated.Select(g => g.Fifths / 5.0)];
        bool[] y = [.. generated.Select(g => g.Positive)];

        double pairs = 0, concordant = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (y[i] && !y[j])
                {
                    pairs++;
                    concordant += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
                }
            }
        }

        double? auc = PredictionMetrics.Compute(p, y, 0.5).Auc;
        return (pairs == 0 ? auc is null : Math.Abs(auc!.Value - (concordant / pairs)) < 1e-12).ToProperty();
    });

    [Fact]
    public void Brier_KnownVectors()
    {
        // (0.1−0)² + (0.4−0)² + (0.35−1)² + (0.8−1)² = 0.01 + 0.16 + 0.4225 + 0.04 = 0.6325; / 4 = 0.158125.
        Assert.Equal(0.158125, PredictionMetrics.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true], 0.5).Brier, 12);
        // A constant ½ scores ¼ whatever happens; perfect predictions score 0.
        Assert.Equal(0.25, PredictionMetrics.Compute([0.5, 0.5, 0.5], [true, false, true], 0.5).Brier, 12);
        Assert.Equal(0, PredictionMetrics.Compute([1.0, 0.0], [true, false], 0.5).Brier, 12);
    }

    [Fact]
    public void LogLoss_TextbookExample()
    {
        // The scikit-learn log_loss example: y = [1, 0, 0, 1], p(1) = [0.9, 0.1, 0.2, 0.65]:
        // −(ln 0.9 + ln 0.9 + ln 0.8 + ln 0.65)/4 = (0.1053605 + 0.1053605 + 0.2231436 + 0.4307829)/4 = 0.2161619.
        double expected = -(Math.Log(0.9) + Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.65)) / 4;
        Assert.Equal(0.21616187, expected, 7);
        Assert.Equal(expected, PredictionMetrics.Compute([0.9, 0.1, 0.2, 0.65], [true, false, false, true], 0.5).LogLoss, 12);
    }

    [Fact]
    public void LogLoss_ClipsCertainMistakes()
    {
        // p = 0 for an event: −ln(1e−15) = 34.538776…, not infinity.
        Assert.Equal(-Math.Log(1e-15), PredictionMetrics.Compute([0.0], [true], 0.5).LogLoss, 9);
    }

    [Fact]
    public void Calibration_TwentyPredictions_TenBinsOfTwo_AndTheirError()
    {
        // p = 0.025, 0.075, …, 0.975 (20 values, bin b holds ranks 2b and 2b+1); the event happens for the upper value of
        // every bin: each bin has mean predicted 0.05 + 0.1·b and observed ½. |mean − ½| = 0.45, 0.35, 0.25, 0.15, 0.05,
        // 0.05, 0.15, 0.25, 0.35, 0.45 → ECE = (2/20)·2.5 = 0.25.
        var p = new double[20];
        var y = new bool[20];
        for (int i = 0; i < 20; i++)
        {
            p[i] = 0.025 + (0.05 * i);
            y[i] = i % 2 == 1;
        }

        PredictionMetrics m = PredictionMetrics.Compute(p, y, 0.5);
        Assert.Equal(10, m.Calibration.Count);
        for (int b = 0; b < 10; b++)
        {
            CalibrationBin bin = m.Calibration[b];
            Assert.Equal(2, bin.Count);
            Assert.Equal(0.05 + (0.1 * b), bin.MeanPredicted, 12);
            Assert.Equal(0.5, bin.Observed, 12);
            Assert.Equal(p[2 * b], bin.MinPredicted, 12);
            Assert.Equal(p[(2 * b) + 1], bin.MaxPredicted, 12);
        }

        Assert.Equal(0.25, m.ExpectedCalibrationError, 12);
    }

    [Fact]
    public void Calibration_FewerThanTenPredictions_LeavesEmptyBinsOut_AndUnsortedInputIsSorted()
    {
        // n = 3: bins b get ranks ⌊3b/10⌋ .. ⌊3(b+1)/10⌋ − 1: b = 3 → rank 0, b = 6 → rank 1, b = 9 → rank 2.
        // Sorted p = 0.2 (no), 0.6 (yes), 0.9 (no): ECE = (0.2 + 0.4 + 0.9)/3 = 0.5.
        PredictionMetrics m = PredictionMetrics.Compute([0.9, 0.2, 0.6], [false, false, true], 0.5);
        Assert.Equal([0.2, 0.6, 0.9], m.Calibration.Select(b => b.MeanPredicted));
        Assert.Equal([0.0, 1.0, 0.0], m.Calibration.Select(b => b.Observed));
        Assert.Equal(0.5, m.ExpectedCalibrationError, 12);
    }

    [Fact]
    public void Calibration_HundredRuns_EveryBinFivePointsOff()
    {
        // 100 runs, 10 per bin: bin b predicts 0.05 + b/10 and observes b/10 → ECE = Σ (10/100)·0.05 = 0.05.
        var p = new List<double>();
        var y = new List<bool>();
        for (int b = 0; b < 10; b++)
        {
            for (int k = 0; k < 10; k++)
            {
                p.Add(b / 10.0 + 0.05);   // bin b predicts 0.05 + b/10 …
                y.Add(k < b);             // … and observes b/10: error 0.05 in every bin
            }
        }

        PredictionMetrics m = PredictionMetrics.Compute(p.ToArray(), y.ToArray(), 0.5);
        Assert.All(m.Calibration, bin => Assert.Equal(10, bin.Count));
        Assert.Equal(0.05, m.ExpectedCalibrationError, 12);
    }

    [Fact]
    public void Flagged_AtTheThreshold_MeanPredictedAgainstObserved()
    {
        // Threshold 0.5 flags 0.5, 0.7 and 0.9 (at or above): mean 0.7; events 1 of 3 → gap 0.7 − 1/3 = 0.3667.
        PredictionMetrics m = PredictionMetrics.Compute([0.1, 0.5, 0.7, 0.9], [true, false, true, false], 0.5);
        Assert.Equal(3, m.Flagged.Count);
        Assert.Equal(0.7, m.Flagged.MeanPredicted!.Value, 12);
        Assert.Equal(1.0 / 3, m.Flagged.Observed!.Value, 12);
        Assert.Equal(0.7 - (1.0 / 3), m.Flagged.Gap!.Value, 12);
        Assert.Null(PredictionMetrics.Compute([0.1], [true], 0.5).Flagged.Gap);
    }

    [Fact]
    public void Compute_RejectsWhatIsNotAProbability()
    {
        Assert.Throws<ArgumentException>(() => PredictionMetrics.Compute([1.5], [true], 0.5));
        Assert.Throws<ArgumentException>(() => PredictionMetrics.Compute([double.NaN], [true], 0.5));
        Assert.Throws<ArgumentException>(() => PredictionMetrics.Compute([0.5, 0.5], [true], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PredictionMetrics.Compute([0.5], [true], 1.5));
    }

    [Fact]
    public void MetricSummary_MeanAndSampleStandardDeviation()
    {
        // 0.6, 0.7, 0.8 (and a missing value): mean 0.7; squares 0.01 + 0 + 0.01 = 0.02; / (3 − 1) = 0.01; sd 0.1.
        MetricSummary s = MetricSummary.Of([0.6, null, 0.7, 0.8]);
        Assert.Equal(3, s.Count);
        Assert.Equal(0.7, s.Mean!.Value, 12);
        Assert.Equal(0.1, s.StandardDeviation!.Value, 12);
        Assert.Equal((0.6, 0.8), (s.Min!.Value, s.Max!.Value));
        Assert.Null(MetricSummary.Of([0.5]).StandardDeviation);
        Assert.Equal(0, MetricSummary.Of([null]).Count);
    }
}
