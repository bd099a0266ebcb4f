using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.ProductFunnel;

namespace JourneyKit.Analytics;

/// <summary>Mergeable state of a <see cref="ProductFunnel"/> over partitions of customers.</summary>
/// <remarks>Keeps, per pair of steps, the times between them of the customers who reached the later one: exact up to
/// 2²⁰ per pair (fewer with more than 4 steps: 2²³ shared by the pairs, at least 2¹⁴ each), beyond it a log-bucket sketch within ±0.5 %
/// (<see cref="ProductFunnelResult.Approximation"/> says so), so memory does not grow with customers.</remarks>
/// <threadsafety>Not thread-safe: one accumulator per partition, merged at the end.</threadsafety>
public sealed class ProductFunnelAccumulator
{
    private readonly ProductFunnel _funnel;
    private readonly long? _asOfTicks;
    private readonly int[] _reached;
    private readonly int[] _inProgress;
    private readonly int _exactSamples;
    private readonly DurationSamples[] _pairs; // [pair (from, to), 0-based from < to, in row order]: t(to) − t(from)
    private long _latestAsOf = long.MinValue;
    private int _customers;

    internal ProductFunnelAccumulator(ProductFunnel funnel, DateTimeOffset? asOf, int? exactSamples = null)
    {
        _funnel = funnel;
        _asOfTicks = asOf?.UtcTicks;
        _reached = new int[funnel.Steps.Count];
        _inProgress = new int[funnel.Steps.Count];
        int n = funnel.Steps.Count;
        _pairs = new DurationSamples[n * (n - 1) / 2];
        _exactSamples = exactSamples ?? ExactSamples(_pairs.Length);
        for (int p = 0; p < _pairs.Length; p++)
        {
            _pairs[p] = new DurationSamples(_exactSamples);
        }
    }

    /// <summary>Exact samples per pair of steps: 2²³ (64 MB) shared by the pairs, between 2¹⁴ and 2²⁰ each (2²⁰ up to 4 steps).</summary>
    internal static int ExactSamples(int pairs) => Math.Clamp((1 << 23) / Math.Max(1, pairs), 1 << 14, DurationSamples.DefaultExactSamples);

    /// <summary>The index of the pair of 0-based steps <paramref name="from"/> &lt; <paramref name="to"/> of <paramref name="n"/>.</summary>
    internal static int Pair(int n, int from, int to) => (from * ((2 * n) - from - 1) / 2) + (to - from - 1);

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

            ReadOnlySpan<long> ticks = matches.StepTicks(run);
            for (int to = 1; to < level; to++)
            {
                for (int from = 0; from < to; from++)
                {
                    _pairs[Pair(ticks.Length, from, to)].Add(ticks[to] - ticks[from]);
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

        for (int p = 0; p < _pairs.Length; p++)
        {
            _pairs[p].Merge(other._pairs[p]);
        }
    }

    /// <summary>Builds the result.</summary>
    /// <returns>The result; <see cref="ProductFunnelResult.AsOf"/> is the instant given at creation, or the latest of the batches' latest events.</returns>
    public ProductFunnelResult Build()
    {
        int n = _reached.Length;
        var steps = new ProductFunnelStep[n];
        var times = new FunnelTimes[_pairs.Length];
        bool approximate = false;
        for (int from = 0; from < n; from++)
        {
            for (int to = from + 1; to < n; to++)
            {
                DurationSamples samples = _pairs[Pair(n, from, to)];
                List<TimeGroup> sorted = samples.Groups();
                times[Pair(n, from, to)] = new FunnelTimes(from + 1, to + 1, samples.Count, Percentiles.NearestRank(sorted, samples.Count, 50), Percentiles.NearestRank(sorted, samples.Count, 90), Percentiles.NearestRank(sorted, samples.Count, 99));
                approximate |= samples.IsApproximate;
            }
        }

        for (int s = 0; s < n; s++)
        {
            FunnelTimes? gap = s == 0 ? null : times[Pair(n, s - 1, s)];
            steps[s] = new ProductFunnelStep(_funnel.Steps[s], _reached[s], gap?.P50, gap?.P90, gap?.P99, _inProgress[s]);
        }

        long asOf = _asOfTicks ?? (_latestAsOf == long.MinValue ? DateTimeOffset.MinValue.UtcTicks : _latestAsOf);
        AnalysisApproximation? approximation = approximate ? new AnalysisApproximation(DurationSamples.RelativeAccuracy, _exactSamples, ["times"]) : null;
        return new ProductFunnelResult(_funnel, new DateTimeOffset(asOf, TimeSpan.Zero), _customers, steps, times, approximation);
    }
}
