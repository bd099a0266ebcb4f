using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Matching.ProductFunnel;

namespace JourneyKit.Analytics;

/// <summary>Mergeable state of a <see cref="ProductFunnel"/> over partitions of customers.</summary>
/// <remarks>Keeps each converting customer's step times (one long per step), so memory grows with customers.</remarks>
/// <threadsafety>Not thread-safe: one accumulator per partition, merged at the end.</threadsafety>
public sealed class ProductFunnelAccumulator
{
    private readonly ProductFunnel _funnel;
    private readonly long? _asOfTicks;
    private readonly int[] _reached;
    private readonly int[] _inProgress;
    private readonly List<long> _times = [];
    private long _latestAsOf = long.MinValue;
    private int _customers;

    internal ProductFunnelAccumulator(ProductFunnel funnel, DateTimeOffset? asOf)
    {
        _funnel = funnel;
        _asOfTicks = asOf?.UtcTicks;
        _reached = new int[funnel.Steps.Count];
        _inProgress = new int[funnel.Steps.Count];
    }

    /// <summary>Adds every customer of a batch.</summary>
    /// <param name="batch">The events.</param>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ProductFunnelMatches matches = _funnel.Match(batch, _asOfTicks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null);
        _latestAsOf = Math.Max(_latestAsOf, matches.AsOf.UtcTicks);
        for (int run = 0; run < matches.CustomerCount; run++)
        {
            _customers++;
            int level = matches.Levels[run];
            for (int s = 0; s < level; s++)
            {
                _reached[s]++;
            }

            if (matches.IsInProgress(run))
            {
                _inProgress[level]++;
            }

            if (level > 0)
            {
                foreach (long ticks in matches.StepTicks(run))
                {
                    _times.Add(ticks);
                }
            }
        }
    }

    /// <summary>Adds another partition's counts.</summary>
    /// <param name="other">An accumulator of the same funnel.</param>
    public void Merge(ProductFunnelAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._funnel != _funnel)
        {
            throw new ArgumentException("Only accumulators of the same funnel can be merged.", nameof(other));
        }

        _customers += other._customers;
        _latestAsOf = Math.Max(_latestAsOf, other._latestAsOf);
        for (int s = 0; s < _reached.Length; s++)
        {
            _reached[s] += other._reached[s];
            _inProgress[s] += other._inProgress[s];
        }

        _times.AddRange(other._times);
    }

    /// <summary>Builds the result.</summary>
    /// <returns>The result; <see cref="ProductFunnelResult.AsOf"/> is the instant given at creation, or the latest of the batches' latest events.</returns>
    public ProductFunnelResult Build()
    {
        int n = _reached.Length;
        var steps = new ProductFunnelStep[n];
        long[] times = [.. _times];
        for (int s = 0; s < n; s++)
        {
            var gaps = new List<long>();
            if (s > 0)
            {
                for (int row = 0; row < times.Length; row += n)
                {
                    if (times[row + s] >= 0)
                    {
                        gaps.Add(times[row + s] - times[row + s - 1]);
                    }
                }
            }

            long[] sorted = [.. gaps];
            Array.Sort(sorted);
            steps[s] = new ProductFunnelStep(_funnel.Steps[s], _reached[s], Percentiles.NearestRank(sorted, 50), Percentiles.NearestRank(sorted, 90), Percentiles.NearestRank(sorted, 99), _inProgress[s]);
        }

        long asOf = _asOfTicks ?? (_latestAsOf == long.MinValue ? DateTimeOffset.MinValue.UtcTicks : _latestAsOf);
        return new ProductFunnelResult(_funnel, new DateTimeOffset(asOf, TimeSpan.Zero), _customers, steps, times);
    }
}
