using JourneyKit.Matching.Internal;

namespace JourneyKit.Tests.Matching;

/// <summary>Runs batch evaluations on the parallel path however small the batch.</summary>
internal static class ParallelPath
{
    /// <summary>The degree of parallelism the properties ask for: 3 × 8 chunks, so most chunks of a small batch hold one
    /// customer or none.</summary>
    public const int Degree = 3;

    /// <summary>Calls <paramref name="evaluate"/> with <see cref="CustomerRanges"/>' threshold lowered to one customer on
    /// this thread, so a batch evaluated with more than one degree of parallelism takes the chunked Parallel.For path.</summary>
    public static T Run<T>(Func<T> evaluate)
    {
        using (CustomerRanges.LowerThreshold(1))
        {
            return evaluate();
        }
    }
}
