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

    /// <summary>Calls <paramref name="range"/> with [from, to) ranges that cover 0..<paramref name="customers"/> once.</summary>
    public static void Run(int customers, int maxDegreeOfParallelism, Action<int, int> range)
    {
        if (maxDegreeOfParallelism == 1 || customers < ParallelThreshold)
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
}
