namespace JourneyKit.Analytics.Prediction;

/// <summary>One metric over the cut-offs of a rolling-origin backtest: its mean and spread over the cut-offs where it is defined.</summary>
/// <param name="Count">The cut-offs where the metric is defined.</param>
/// <param name="Mean">The mean (null when <paramref name="Count"/> is 0).</param>
/// <param name="StandardDeviation">The sample standard deviation, with n − 1 (null when <paramref name="Count"/> &lt; 2).</param>
/// <param name="Min">The smallest value (null when <paramref name="Count"/> is 0).</param>
/// <param name="Max">The largest value (null when <paramref name="Count"/> is 0).</param>
public readonly record struct MetricSummary(int Count, double? Mean, double? StandardDeviation, double? Min, double? Max)
{
    /// <summary>Summarises values, skipping the null ones.</summary>
    /// <param name="values">The values, one per cut-off.</param>
    /// <returns>The summary.</returns>
    public static MetricSummary Of(IEnumerable<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<double>();
        foreach (double? v in values)
        {
            if (v is { } x)
            {
                list.Add(x);
            }
        }

        if (list.Count == 0)
        {
            return new MetricSummary(0, null, null, null, null);
        }

        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double x in list)
        {
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        double mean = sum / list.Count;
        double? sd = null;
        if (list.Count > 1)
        {
            double squares = 0;
            foreach (double x in list)
            {
                squares += (x - mean) * (x - mean);
            }

            sd = Math.Sqrt(squares / (list.Count - 1));
        }

        return new MetricSummary(list.Count, mean, sd, min, max);
    }
}
