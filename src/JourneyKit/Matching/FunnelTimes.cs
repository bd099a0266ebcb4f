namespace JourneyKit.Matching;

/// <summary>Time-to-convert percentiles between two steps of a funnel, over the customers who reached the later step.</summary>
/// <param name="FromStep">The earlier step, 1-based.</param>
/// <param name="ToStep">The later step, 1-based.</param>
/// <param name="Customers">Customers who reached <paramref name="ToStep"/> (each contributes the time between its two steps).</param>
/// <param name="P50">Median (nearest rank: the value at rank ⌈p·n/100⌉ of the n sorted times), or null without customers.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
public sealed record FunnelTimes(int FromStep, int ToStep, int Customers, TimeSpan? P50, TimeSpan? P90, TimeSpan? P99)
{
    /// <summary>Computes the percentiles of times in ticks (sorted in place).</summary>
    internal static FunnelTimes Of(int fromStep, int toStep, long[] ticks)
    {
        Array.Sort(ticks);
        return new FunnelTimes(fromStep, toStep, ticks.Length, NearestRank(ticks, 50), NearestRank(ticks, 90), NearestRank(ticks, 99));
    }

    private static TimeSpan? NearestRank(long[] sorted, int percent)
    {
        if (sorted.Length == 0)
        {
            return null;
        }

        int rank = (int)((((long)percent * sorted.Length) + 99) / 100);
        return TimeSpan.FromTicks(sorted[Math.Clamp(rank, 1, sorted.Length) - 1]);
    }
}
