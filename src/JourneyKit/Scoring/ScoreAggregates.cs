namespace JourneyKit.Scoring;

/// <summary>Aggregates journey scores over many customers.</summary>
public static class ScoreAggregates
{
    /// <summary>Distributions of scores per group, groups in ordinal order.</summary>
    /// <param name="scores">The scores.</param>
    /// <param name="groupOf">The group of each score (e.g. the current stage's name).</param>
    /// <returns>One distribution per group.</returns>
    public static IReadOnlyList<ScoreDistribution> Distribution(IReadOnlyList<JourneyScore> scores, Func<int, string> groupOf)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(groupOf);
        var groups = new SortedDictionary<string, (int Count, double Sum, int[] Histogram)>(StringComparer.Ordinal);
        for (int i = 0; i < scores.Count; i++)
        {
            string key = groupOf(i);
            if (!groups.TryGetValue(key, out var g))
            {
                g = (0, 0, new int[10]);
            }

            double value = scores[i].Value;
            g.Histogram[Math.Min(9, (int)(value / 10))]++;
            groups[key] = (g.Count + 1, g.Sum + value, g.Histogram);
        }

        var result = new List<ScoreDistribution>(groups.Count);
        foreach (var (key, g) in groups)
        {
            result.Add(new ScoreDistribution(key, g.Count, g.Count == 0 ? 0 : g.Sum / g.Count, g.Histogram));
        }

        return result;
    }

    /// <summary>
    /// The Pearson correlation of scores with a yes/no KPI outcome (point-biserial): near +1 when high scores go with
    /// the outcome. Null when either side has no variance or fewer than two customers.
    /// </summary>
    /// <param name="scores">The scores.</param>
    /// <param name="outcome">The outcome of each customer (e.g. converted).</param>
    /// <returns>The correlation in -1..1, or null.</returns>
    public static double? Correlation(IReadOnlyList<double> scores, IReadOnlyList<bool> outcome)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(outcome);
        if (scores.Count != outcome.Count)
        {
            throw new ArgumentException("Give one outcome per score.", nameof(outcome));
        }

        int n = scores.Count;
        if (n < 2)
        {
            return null;
        }

        double meanX = 0, meanY = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += scores[i];
            meanY += outcome[i] ? 1 : 0;
        }

        meanX /= n;
        meanY /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = scores[i] - meanX;
            double dy = (outcome[i] ? 1 : 0) - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? null : sxy / Math.Sqrt(sxx * syy);
    }
}
