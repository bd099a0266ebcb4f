using JourneyKit.Events;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// The result of a <see cref="WindowFunnel"/> over a batch: the level of each customer (0 = step 1 never occurred),
/// customers reaching each step, and conversion times.
/// </summary>
/// <remarks>
/// Customers are indexed by their run in the batch (<see cref="EventBatch.CustomerStarts"/>).
/// The conversion time to step k of a customer is the time from the step-1 event to the step-k event of the chain the
/// engine kept for level k: the latest start that reached level k within the window, at its latest step-k event.
/// <threadsafety>Immutable and thread-safe (the step-time members bind the steps lazily; a race binds twice, harmlessly).</threadsafety>
/// </remarks>
public sealed class WindowFunnelResult
{
    private readonly byte[] _levels;
    private readonly long[] _conversionTicks;
    private readonly EventBatch _batch;
    private Internal.BoundConditions? _bound;

    internal WindowFunnelResult(WindowFunnel funnel, EventBatch batch, byte[] levels, long[] conversionTicks)
    {
        Funnel = funnel;
        _batch = batch;
        _levels = levels;
        _conversionTicks = conversionTicks;
        var reached = new int[funnel.StepCount];
        foreach (byte level in levels)
        {
            for (int k = 0; k < level; k++)
            {
                reached[k]++;
            }
        }

        Reached = reached;
    }

    /// <summary>Gets the funnel.</summary>
    public WindowFunnel Funnel { get; }

    /// <summary>Gets the number of customers.</summary>
    public int CustomerCount => _levels.Length;

    /// <summary>Gets the level of each customer run, 0 to the step count.</summary>
    public ReadOnlySpan<byte> Levels => _levels;

    /// <summary>Gets, for each step k (0-based), the number of customers whose level is at least k + 1.</summary>
    public IReadOnlyList<int> Reached { get; }

    /// <summary>Gets the customer id of a run.</summary>
    /// <param name="run">The customer run.</param>
    /// <returns>The customer id.</returns>
    public string CustomerId(int run) => _batch.Customers[_batch.CustomerOfRun(run)];

    /// <summary>Gets the time from step 1 to step <paramref name="step"/> for a customer, or null when it was not reached.</summary>
    /// <param name="run">The customer run.</param>
    /// <param name="step">The step, 1-based.</param>
    /// <returns>The conversion time; zero for step 1.</returns>
    public TimeSpan? ConversionTime(int run, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(step, Funnel.StepCount);
        long ticks = _conversionTicks[(run * Funnel.StepCount) + step - 1];
        return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
    }

    /// <summary>
    /// Gets the time from step <paramref name="fromStep"/> to step <paramref name="toStep"/> of the chain kept for level
    /// <paramref name="toStep"/> (the chain <see cref="ConversionTime"/> measures: <c>TimeBetween(run, 1, k)</c> equals
    /// <c>ConversionTime(run, k)</c>). Replays the customer (allocates; not for hot loops).
    /// </summary>
    /// <param name="run">The customer run.</param>
    /// <param name="fromStep">The earlier step, 1-based.</param>
    /// <param name="toStep">The later step, 1-based, at least <paramref name="fromStep"/>.</param>
    /// <returns>The time, or null when the customer did not reach <paramref name="toStep"/>.</returns>
    public TimeSpan? TimeBetween(int run, int fromStep, int toStep)
    {
        CheckSteps(fromStep, toStep, allowEqual: true);
        if (_levels[run] < toStep)
        {
            return null;
        }

        long[] chain = Funnel.ChainTicks(_batch, Bound, run, toStep)!;
        return TimeSpan.FromTicks(chain[toStep - 1] - chain[fromStep - 1]);
    }

    /// <summary>
    /// Gets the time-to-convert percentiles from step <paramref name="fromStep"/> to step <paramref name="toStep"/> over
    /// the customers who reached <paramref name="toStep"/> (<see cref="TimeBetween"/> of each). Replays those customers.
    /// </summary>
    /// <param name="fromStep">The earlier step, 1-based.</param>
    /// <param name="toStep">The later step, 1-based, after <paramref name="fromStep"/>.</param>
    /// <returns>The percentiles.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A step out of range, or <paramref name="toStep"/> not after <paramref name="fromStep"/>.</exception>
    public FunnelTimes TimeToConvert(int fromStep, int toStep)
    {
        CheckSteps(fromStep, toStep, allowEqual: false);
        var times = new List<long>();
        for (int run = 0; run < _levels.Length; run++)
        {
            if (_levels[run] >= toStep)
            {
                long[] chain = Funnel.ChainTicks(_batch, Bound, run, toStep)!;
                times.Add(chain[toStep - 1] - chain[fromStep - 1]);
            }
        }

        return FunnelTimes.Of(fromStep, toStep, [.. times]);
    }

    private Internal.BoundConditions Bound => _bound ??= Funnel.Bind(_batch);

    private void CheckSteps(int fromStep, int toStep, bool allowEqual)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromStep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(toStep, Funnel.StepCount);
        if (allowEqual)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(toStep, fromStep);
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(toStep, fromStep);
        }
    }
}
