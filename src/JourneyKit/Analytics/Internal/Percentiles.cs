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
}
