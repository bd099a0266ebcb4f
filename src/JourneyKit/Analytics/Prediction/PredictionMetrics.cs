namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// How good a set of probability predictions is against what happened: discrimination (AUC), accuracy of the probabilities
/// (Brier score, log loss), calibration (a table by decile and the expected calibration error) and the runs a threshold
/// flags. Censored runs have no label and are not passed in.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Auc"/>: the Mann–Whitney probability that a random run with the event got a higher prediction than a
/// random run without it, ties counting ½; null when either class is empty.</item>
/// <item><see cref="Brier"/> = mean (p − y)²; <see cref="LogLoss"/> = −mean (y ln p + (1 − y) ln(1 − p)) with p clipped to
/// [1e−15, 1 − 1e−15] (natural logarithm).</item>
/// <item><see cref="Calibration"/>: the predictions sorted (ties in input order) and cut by rank into 10 bins of
/// ⌊(b + 1)·n/10⌋ − ⌊b·n/10⌋ runs (empty bins left out); <see cref="ExpectedCalibrationError"/> = Σ (nᵦ/n)·|mean predictedᵦ − observedᵦ| over them.</item>
/// </list>
/// </remarks>
/// <param name="Count">The labelled predictions.</param>
/// <param name="Positives">How many had the event (label true).</param>
/// <param name="MeanPredicted">The mean prediction.</param>
/// <param name="Observed">The share with the event.</param>
/// <param name="Auc">The area under the ROC curve, or null when all labels are equal.</param>
/// <param name="Brier">The Brier score (0 is perfect; 0.25 is a constant ½).</param>
/// <param name="LogLoss">The log loss in nats.</param>
/// <param name="Calibration">The calibration table by decile of the prediction.</param>
/// <param name="ExpectedCalibrationError">The expected calibration error over <paramref name="Calibration"/>.</param>
/// <param name="Flagged">The runs at or above the threshold.</param>
public sealed record PredictionMetrics(
    int Count,
    int Positives,
    double MeanPredicted,
    double Observed,
    double? Auc,
    double Brier,
    double LogLoss,
    IReadOnlyList<CalibrationBin> Calibration,
    double ExpectedCalibrationError,
    FlaggedRuns Flagged)
{
    /// <summary>The number of calibration bins.</summary>
    public const int Bins = 10;

    private const double Epsilon = 1e-15;

    /// <summary>Computes the metrics.</summary>
    /// <param name="predicted">The predictions, each in [0, 1].</param>
    /// <param name="observed">The labels: true when the event happened.</param>
    /// <param name="threshold">The flagging threshold, in [0, 1].</param>
    /// <returns>The metrics (all zero, with no bins, for no predictions).</returns>
    /// <exception cref="ArgumentException">The spans differ in length, or a prediction is outside [0, 1] or NaN.</exception>
    public static PredictionMetrics Compute(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed, double threshold)
    {
        if (predicted.Length != observed.Length)
        {
            throw new ArgumentException("There must be one label per prediction.", nameof(observed));
        }

        if (!(threshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be between 0 and 1.");
        }

        int n = predicted.Length;
        int positives = 0, flagged = 0, flaggedPositives = 0;
        double sum = 0, brier = 0, logLoss = 0, flaggedSum = 0;
        for (int i = 0; i < n; i++)
        {
            double p = predicted[i];
            if (!(p is >= 0 and <= 1))
            {
                throw new ArgumentException($"Prediction {i} is {p}; predictions must be probabilities in [0, 1].", nameof(predicted));
            }

            double y = observed[i] ? 1 : 0;
            positives += observed[i] ? 1 : 0;
            sum += p;
            brier += (p - y) * (p - y);
            double clipped = Math.Clamp(p, Epsilon, 1 - Epsilon);
            logLoss -= observed[i] ? Math.Log(clipped) : Math.Log(1 - clipped);
            if (p >= threshold)
            {
                flagged++;
                flaggedSum += p;
                flaggedPositives += observed[i] ? 1 : 0;
            }
        }

        var flags = new FlaggedRuns(threshold, flagged, flagged == 0 ? null : flaggedSum / flagged, flagged == 0 ? null : (double)flaggedPositives / flagged);
        if (n == 0)
        {
            return new PredictionMetrics(0, 0, 0, 0, null, 0, 0, [], 0, flags);
        }

        int[] order = SortedOrder(predicted);
        (List<CalibrationBin> bins, double ece) = Calibrate(predicted, observed, order);
        return new PredictionMetrics(n, positives, sum / n, (double)positives / n, AreaUnderCurve(predicted, observed, order, positives), brier / n, logLoss / n, bins, ece, flags);
    }

    /// <summary>The Mann–Whitney AUC with ties counting ½, from average ranks: (Σ ranks of positives − n₁(n₁ + 1)/2) / (n₁·n₀).</summary>
    private static double? AreaUnderCurve(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed, int[] order, int positives)
    {
        int n = order.Length, negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        double rankSum = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && predicted[order[j + 1]] == predicted[order[i]])
            {
                j++;
            }

            double rank = ((i + 1) + (j + 1)) / 2.0; // average of the 1-based ranks i+1 .. j+1
            for (int k = i; k <= j; k++)
            {
                rankSum += observed[order[k]] ? rank : 0;
            }

            i = j + 1;
        }

        return (rankSum - (positives * (positives + 1.0) / 2)) / ((double)positives * negatives);
    }

    private static (List<CalibrationBin> Bins, double Ece) Calibrate(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> observed, int[] order)
    {
        int n = order.Length;
        var bins = new List<CalibrationBin>(Bins);
        double ece = 0;
        for (int b = 0; b < Bins; b++)
        {
            int from = (int)((long)b * n / Bins), to = (int)((long)(b + 1) * n / Bins);
            if (to == from)
            {
                continue;
            }

            double sum = 0;
            int events = 0;
            for (int k = from; k < to; k++)
            {
                sum += predicted[order[k]];
                events += observed[order[k]] ? 1 : 0;
            }

            int count = to - from;
            var bin = new CalibrationBin(count, predicted[order[from]], predicted[order[to - 1]], sum / count, (double)events / count);
            bins.Add(bin);
            ece += (double)count / n * Math.Abs(bin.MeanPredicted - bin.Observed);
        }

        return (bins, ece);
    }

    /// <summary>Indices sorted by prediction, equal predictions in input order.</summary>
    private static int[] SortedOrder(ReadOnlySpan<double> predicted)
    {
        var keys = predicted.ToArray();
        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return order;
    }
}
