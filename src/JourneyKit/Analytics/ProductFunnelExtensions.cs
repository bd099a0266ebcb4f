using JourneyKit.Events;
using JourneyKit.Matching.ProductFunnel;

namespace JourneyKit.Analytics;

/// <summary>The analytics of a <see cref="ProductFunnel"/>: customers per step, in progress, time-to-convert percentiles.</summary>
public static class ProductFunnelExtensions
{
    /// <summary>Evaluates every customer of a batch.</summary>
    /// <param name="funnel">The funnel.</param>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant "in progress" is judged at; null for the batch's latest event.</param>
    /// <returns>The result.</returns>
    public static ProductFunnelResult Evaluate(this ProductFunnel funnel, EventBatch batch, DateTimeOffset? asOf = null)
    {
        ProductFunnelAccumulator accumulator = funnel.CreateAccumulator(asOf);
        accumulator.Add(batch);
        return accumulator.Build();
    }

    /// <summary>Creates an empty mergeable accumulator (one per partition of customers).</summary>
    /// <param name="funnel">The funnel.</param>
    /// <param name="asOf">The instant "in progress" is judged at; null for each batch's latest event (give one instant when merging partitions).</param>
    /// <returns>The accumulator.</returns>
    public static ProductFunnelAccumulator CreateAccumulator(this ProductFunnel funnel, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(funnel);
        return new(funnel, asOf);
    }
}
