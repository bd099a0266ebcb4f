using JourneyKit.Events;

namespace JourneyKit.Matching.ProductFunnel;

/// <summary>
/// Per customer of a batch: the level a <see cref="ProductFunnel"/> reached, the times of the counted attempt's steps,
/// and whether the customer is still in progress as of <see cref="AsOf"/>.
/// </summary>
/// <remarks>
/// Customers are indexed by their run in the batch (<see cref="EventBatch.CustomerStarts"/>). A customer is <em>in
/// progress</em> when it reached step k (1 ≤ k &lt; steps) but not step k + 1 and could still reach it after
/// <see cref="AsOf"/>: some attempt (with step constraints: some chain) at step k is not stopped (by an exclusion, or by
/// another event in a strict funnel), its window ends after <see cref="AsOf"/>, and with a maximum on the next transition,
/// that maximum too. Such a customer has not dropped at step k + 1 yet.
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class ProductFunnelMatches
{
    private readonly EventBatch _batch;
    private readonly byte[] _levels;
    private readonly bool[] _inProgress;
    private readonly long[] _times;

    internal ProductFunnelMatches(ProductFunnel funnel, EventBatch batch, DateTimeOffset asOf, byte[] levels, bool[] inProgress, long[] times)
    {
        Funnel = funnel;
        _batch = batch;
        AsOf = asOf;
        _levels = levels;
        _inProgress = inProgress;
        _times = times;
    }

    /// <summary>Gets the funnel.</summary>
    public ProductFunnel Funnel { get; }

    /// <summary>Gets the instant "in progress" was judged at.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Gets the number of customers.</summary>
    public int CustomerCount => _levels.Length;

    /// <summary>Gets the level of each customer run: 0 (not even the first step) to the step count.</summary>
    public ReadOnlySpan<byte> Levels => _levels;

    /// <summary>Gets the customer id of a run.</summary>
    /// <param name="run">The customer run.</param>
    /// <returns>The id.</returns>
    public string CustomerId(int run) => _batch.Customers[_batch.CustomerOfRun(run)];

    /// <summary>Gets whether a customer is still in progress towards its next step (see remarks).</summary>
    /// <param name="run">The customer run.</param>
    /// <returns><see langword="true"/> when it may still reach the next step.</returns>
    public bool IsInProgress(int run) => _inProgress[run];

    /// <summary>Gets when a customer did a step in the counted attempt, or null when it did not reach it.</summary>
    /// <param name="run">The customer run.</param>
    /// <param name="step">The step, 1-based.</param>
    /// <returns>The instant (UTC).</returns>
    public DateTimeOffset? StepTime(int run, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(step, Funnel.Steps.Count);
        long ticks = _times[(run * Funnel.Steps.Count) + step - 1];
        return ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Gets the time from step <paramref name="fromStep"/> to step <paramref name="toStep"/> of a customer's counted attempt.</summary>
    /// <param name="run">The customer run.</param>
    /// <param name="fromStep">The earlier step, 1-based.</param>
    /// <param name="toStep">The later step, 1-based, at least <paramref name="fromStep"/>.</param>
    /// <returns>The time; null when the customer did not reach <paramref name="toStep"/>.</returns>
    public TimeSpan? TimeBetween(int run, int fromStep, int toStep)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromStep, toStep);
        DateTimeOffset? from = StepTime(run, fromStep);
        DateTimeOffset? to = StepTime(run, toStep);
        return from is { } f && to is { } t ? t - f : null;
    }

    /// <summary>Gets the raw step ticks of a run (-1 past the level), for aggregation.</summary>
    internal ReadOnlySpan<long> StepTicks(int run) => _times.AsSpan(run * Funnel.Steps.Count, Funnel.Steps.Count);
}
