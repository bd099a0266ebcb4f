namespace JourneyKit.Analytics.Internal;

/// <summary>Exact percentiles by the nearest-rank method: the p-th percentile of n sorted values is the value at rank ⌈p·n/100⌉ (1-based).</summary>
internal static class Percentiles
{
    public static TimeSpan? NearestRank(long[] sortedTicks, int percent)
    {
        if (sortedTicks.Length == 0)
        {
            return null;
        }

        int rank = (int)(((long)percent * sortedTicks.Length + 99) / 100);
        return TimeSpan.FromTicks(sortedTicks[Math.Clamp(rank, 1, sortedTicks.Length) - 1]);
    }

    /// <summary>The same rank over values grouped by time (<see cref="DurationSamples.Groups"/>): the group holding it. From a sketch, within its relative accuracy of the exact percentile.</summary>
    public static TimeSpan? NearestRank(List<TimeGroup> groups, int count, int percent)
    {
        if (count == 0)
        {
            return null;
        }

        long rank = Math.Clamp(((long)percent * count + 99) / 100, 1, count);
        long seen = 0;
        foreach (TimeGroup g in groups)
        {
            seen += g.All;
            if (seen >= rank)
            {
                return TimeSpan.FromTicks(g.Time);
            }
        }

        return TimeSpan.FromTicks(groups[^1].Time);
    }
}
