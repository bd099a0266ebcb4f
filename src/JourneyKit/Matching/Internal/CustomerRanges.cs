namespace JourneyKit.Matching.Internal;

/// <summary>
/// Runs a batch's customers in ranges: the whole batch on the calling thread when it is small or one degree of
/// parallelism is asked for, otherwise eight ranges a degree in parallel. Customers are independent and each range
/// writes only its own customers' slots, so the ranges need no locks.
/// </summary>
internal static class CustomerRanges
{
    /// <summary>Batches with fewer customers than this run on the calling thread.</summary>
    internal const int ParallelThreshold = 1024;

    /// <summary>A lower threshold for batches evaluated on this thread (0: none); set only by tests, through <see cref="LowerThreshold"/>.</summary>
    [ThreadStatic]
    private static int t_threshold;

    /// <summary>Gets the threshold that applies on the calling thread.</summary>
    internal static int Threshold => t_threshold > 0 ? t_threshold : ParallelThreshold;

    /// <summary>
    /// For tests (JourneyKit.Tests sees internals): batches evaluated on the calling thread go parallel from
    /// <paramref name="customers"/> customers until the returned scope is disposed, so small property-test batches take
    /// the parallel path. Thread-static, so tests running at the same time on other threads are not affected.
    /// </summary>
    internal static ThresholdScope LowerThreshold(int customers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(customers, 1);
        int previous = t_threshold;
        t_threshold = customers;
        return new ThresholdScope(previous);
    }

    /// <summary>Calls <paramref name="range"/> with [from, to) ranges that cover 0..<paramref name="customers"/> once.</summary>
    public static void Run(int customers, int maxDegreeOfParallelism, Action<int, int> range)
    {
        if (maxDegreeOfParallelism == 1 || customers < Threshold)
        {
            range(0, customers);
            return;
        }

        int chunks = maxDegreeOfParallelism * 8;
        int per = (customers + chunks - 1) / chunks;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, c =>
        {
            int from = c * per;
            int to = Math.Min(customers, from + per);
            if (from < to)
            {
                range(from, to);
            }
        });
    }

    /// <summary>Restores the previous threshold of the thread that lowered it.</summary>
    internal readonly struct ThresholdScope(int previous) : IDisposable
    {
        public void Dispose() => t_threshold = previous;
    }
}
