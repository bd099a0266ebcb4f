using JourneyKit.Analytics.Internal;
using JourneyKit.Events;

namespace JourneyKit.Analytics;

/// <summary>How a <see cref="ProductFunnel"/> matches its steps.</summary>
public enum ProductFunnelType
{
    /// <summary>Steps in order; other events may come between them.</summary>
    Ordered,

    /// <summary>Steps in order with no other event of the customer between them.</summary>
    Strict,

    /// <summary>Steps in any order: reaching step k means k distinct steps were done.</summary>
    Unordered,
}

/// <summary>An exclusion: an event of <paramref name="Touchpoint"/> after step <paramref name="AfterStep"/> and before step
/// <paramref name="AfterStep"/> + 1 stops an attempt at step <paramref name="AfterStep"/>.</summary>
/// <param name="Touchpoint">The excluded touchpoint.</param>
/// <param name="AfterStep">The 1-based step after which the exclusion applies (1 ≤ step &lt; number of steps).</param>
public sealed record FunnelExclusion(string Touchpoint, int AfterStep);

/// <summary>One step of a <see cref="ProductFunnelResult"/>.</summary>
/// <param name="Touchpoint">The step's touchpoint.</param>
/// <param name="Customers">Customers who reached this step.</param>
/// <param name="P50">Median time from the previous step to this one (nearest rank; null for the first step or without customers).</param>
/// <param name="P90">90th percentile of the time from the previous step.</param>
/// <param name="P99">99th percentile of the time from the previous step.</param>
public sealed record ProductFunnelStep(string Touchpoint, int Customers, TimeSpan? P50, TimeSpan? P90, TimeSpan? P99);

/// <summary>A product-analytics funnel's result.</summary>
/// <param name="Type">The funnel type.</param>
/// <param name="Window">The conversion window.</param>
/// <param name="Customers">Customers evaluated.</param>
/// <param name="Steps">The steps, in order; counts never increase.</param>
public sealed record ProductFunnelResult(ProductFunnelType Type, TimeSpan Window, int Customers, IReadOnlyList<ProductFunnelStep> Steps)
{
    /// <summary>Gets the share of customers reaching step <paramref name="step"/> (0-based) among those reaching the previous step (the first step: among all customers), or null when the base is 0.</summary>
    /// <param name="step">The 0-based step.</param>
    /// <returns>The conversion rate.</returns>
    public double? ConversionRate(int step)
    {
        int baseCount = step == 0 ? Customers : Steps[step - 1].Customers;
        return baseCount == 0 ? null : (double)Steps[step].Customers / baseCount;
    }
}

/// <summary>
/// A product-analytics funnel over touchpoints: ordered, strict or unordered, with a conversion window and exclusion steps;
/// per step the customers reaching it and time-to-convert percentiles. See docs/analytics.md.
/// </summary>
/// <remarks>
/// <para>Per customer (events in timestamp order; equal timestamps in input order), every event of the first step (for
/// <see cref="ProductFunnelType.Unordered"/>: of any step) starts an <em>attempt</em>. An attempt takes, after each step, the
/// next event that completes the next step (strict: that must be the very next event; unordered: any step not done yet)
/// within the window from the attempt's start. An exclusion event seen after step k and before step k + 1 stops the
/// attempt at step k. The customer's level is the highest over attempts; the earliest attempt reaching it gives the
/// step times.</para>
/// <para>Cost per customer is O(attempts × events within the window); attempts stop at the first full conversion, and once an
/// attempt runs to the customer's last event (a later one could only tie).</para>
/// <threadsafety>The funnel is immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class ProductFunnel
{
    private readonly string[] _steps;
    private readonly FunnelExclusion[] _exclusions;

    /// <summary>Creates a funnel.</summary>
    /// <param name="steps">The steps' touchpoints, 1 to 32.</param>
    /// <param name="type">The funnel type.</param>
    /// <param name="window">The conversion window from the first step; positive.</param>
    /// <param name="exclusions">Exclusion steps, or null.</param>
    /// <exception cref="ArgumentException">No steps, more than 32, an empty step, or an exclusion out of range.</exception>
    public ProductFunnel(IReadOnlyList<string> steps, ProductFunnelType type, TimeSpan window, IReadOnlyList<FunnelExclusion>? exclusions = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count is 0 or > 32)
        {
            throw new ArgumentException($"A funnel needs 1 to 32 steps; got {steps.Count}.", nameof(steps));
        }

        for (int i = 0; i < steps.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(steps[i]))
            {
                throw new ArgumentException($"Step {i + 1} is empty.", nameof(steps));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown funnel type.");
        }

        _exclusions = exclusions is null ? [] : [.. exclusions];
        foreach (FunnelExclusion e in _exclusions)
        {
            if (e is null || string.IsNullOrWhiteSpace(e.Touchpoint) || e.AfterStep < 1 || e.AfterStep >= steps.Count)
            {
                throw new ArgumentException($"An exclusion must name a touchpoint and a step from 1 to {steps.Count - 1}; got {e}.", nameof(exclusions));
            }
        }

        _steps = [.. steps];
        Type = type;
        Window = window;
    }

    /// <summary>Gets the steps' touchpoints.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary>Gets the funnel type.</summary>
    public ProductFunnelType Type { get; }

    /// <summary>Gets the conversion window.</summary>
    public TimeSpan Window { get; }

    /// <summary>Gets the exclusions.</summary>
    public IReadOnlyList<FunnelExclusion> Exclusions => _exclusions;

    /// <summary>Evaluates every customer of a batch.</summary>
    /// <param name="batch">The events.</param>
    /// <returns>The result.</returns>
    public ProductFunnelResult Evaluate(EventBatch batch)
    {
        ProductFunnelAccumulator accumulator = CreateAccumulator();
        accumulator.Add(batch);
        return accumulator.Build();
    }

    /// <summary>Creates an empty mergeable accumulator (one per partition of customers).</summary>
    /// <returns>The accumulator.</returns>
    public ProductFunnelAccumulator CreateAccumulator() => new(this);

    /// <summary>Gets each customer run's level (0 = not even the first step) and step timestamps (ticks; index 0 = start).</summary>
    internal void Match(EventBatch batch, Action<int, long[]?> onCustomer)
    {
        var stepMasks = new uint[batch.Touchpoints.Count];
        var exclusionMasks = new uint[batch.Touchpoints.Count];
        for (int t = 0; t < stepMasks.Length; t++)
        {
            string name = batch.Touchpoints[t];
            for (int s = 0; s < _steps.Length; s++)
            {
                stepMasks[t] |= name == _steps[s] ? 1u << s : 0;
            }

            foreach (FunnelExclusion e in _exclusions)
            {
                // Bit k-1 set: stops an attempt that has done exactly k steps.
                exclusionMasks[t] |= name == e.Touchpoint ? 1u << (e.AfterStep - 1) : 0;
            }
        }

        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        var best = new long[_steps.Length];
        var attempt = new long[_steps.Length];
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            int bestLevel = 0;
            for (int start = starts[run]; start < starts[run + 1] && bestLevel < _steps.Length; start++)
            {
                uint startMask = stepMasks[touchpoints[start]];
                if (Type == ProductFunnelType.Unordered ? startMask == 0 : (startMask & 1) == 0)
                {
                    continue;
                }

                int level = Attempt(start, starts[run + 1], touchpoints, ticks, stepMasks, exclusionMasks, attempt, out bool ranOut);
                if (level > bestLevel)
                {
                    bestLevel = level;
                    Array.Copy(attempt, best, level);
                }

                if (ranOut)
                {
                    // This attempt saw every later event within its window: a later attempt sees a subset, so it can
                    // only tie (and ties keep the earliest attempt). Stopping here keeps a customer O(events) when
                    // windows are long or timestamps equal.
                    break;
                }
            }

            onCustomer(bestLevel, bestLevel == 0 ? null : best);
        }
    }

    private int Attempt(int start, int end, ReadOnlySpan<int> touchpoints, ReadOnlySpan<long> ticks, uint[] stepMasks, uint[] exclusionMasks, long[] times, out bool ranOut)
    {
        ranOut = false;
        long limit = Window.Ticks > long.MaxValue - ticks[start] ? long.MaxValue : ticks[start] + Window.Ticks; // an unbounded window must not wrap
        uint done;
        int level = 1;
        times[0] = ticks[start];
        if (Type == ProductFunnelType.Unordered)
        {
            uint m = stepMasks[touchpoints[start]];
            done = m & (~m + 1); // the lowest step this event completes
        }
        else
        {
            done = 1;
        }

        int i = start + 1;
        for (; i < end && level < _steps.Length && ticks[i] <= limit; i++)
        {
            int tp = touchpoints[i];
            uint m = stepMasks[tp];
            uint next = Type == ProductFunnelType.Unordered ? m & ~done : m & (1u << level);
            if (next != 0)
            {
                done |= next & (~next + 1);
                times[level++] = ticks[i];
                continue;
            }

            if ((exclusionMasks[tp] & (1u << (level - 1))) != 0 || Type == ProductFunnelType.Strict)
            {
                return level;
            }
        }

        ranOut = i == end;
        return level;
    }
}

/// <summary>Mergeable state of a <see cref="ProductFunnel"/> over partitions of customers.</summary>
public sealed class ProductFunnelAccumulator
{
    private readonly ProductFunnel _funnel;
    private readonly int[] _reached;
    private readonly List<long>[] _times;
    private int _customers;

    internal ProductFunnelAccumulator(ProductFunnel funnel)
    {
        _funnel = funnel;
        _reached = new int[funnel.Steps.Count];
        _times = new List<long>[funnel.Steps.Count];
        for (int s = 0; s < _times.Length; s++)
        {
            _times[s] = [];
        }
    }

    /// <summary>Adds every customer of a batch.</summary>
    /// <param name="batch">The events.</param>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _funnel.Match(batch, (level, times) =>
        {
            _customers++;
            for (int s = 0; s < level; s++)
            {
                _reached[s]++;
                if (s > 0)
                {
                    _times[s].Add(times![s] - times[s - 1]);
                }
            }
        });
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
        for (int s = 0; s < _reached.Length; s++)
        {
            _reached[s] += other._reached[s];
            _times[s].AddRange(other._times[s]);
        }
    }

    /// <summary>Builds the result.</summary>
    /// <returns>The result.</returns>
    public ProductFunnelResult Build()
    {
        var steps = new ProductFunnelStep[_reached.Length];
        for (int s = 0; s < steps.Length; s++)
        {
            long[] sorted = [.. _times[s]];
            Array.Sort(sorted);
            steps[s] = new ProductFunnelStep(_funnel.Steps[s], _reached[s], Percentiles.NearestRank(sorted, 50), Percentiles.NearestRank(sorted, 90), Percentiles.NearestRank(sorted, 99));
        }

        return new ProductFunnelResult(_funnel.Type, _funnel.Window, _customers, steps);
    }
}
