using System.Text.Json.Serialization;
using JourneyKit.Matching;
using JourneyKit.Matching.ProductFunnel;

namespace JourneyKit.Analytics;

/// <summary>A product-analytics funnel's result.</summary>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
public sealed class ProductFunnelResult
{
    private readonly FunnelTimes[] _times; // per pair of steps (ProductFunnelAccumulator.Pair)

    internal ProductFunnelResult(ProductFunnel funnel, DateTimeOffset asOf, int customers, IReadOnlyList<ProductFunnelStep> steps, FunnelTimes[] times, AnalysisApproximation? approximation)
    {
        Funnel = funnel;
        AsOf = asOf;
        Customers = customers;
        Steps = steps;
        _times = times;
        Approximation = approximation;
    }

    /// <summary>Gets whether the step times come from a sketch (section <c>times</c>: the per-step percentiles and
    /// <see cref="TimeToConvert(int, int)"/>) because a pair of steps had more than 2²⁰ customers, within ±0.5 %; null when exact.</summary>
    public AnalysisApproximation? Approximation { get; }

    /// <summary>Gets the funnel.</summary>
    [JsonIgnore]
    public ProductFunnel Funnel { get; }

    /// <summary>Gets the funnel type.</summary>
    public ProductFunnelType Type => Funnel.Type;

    /// <summary>Gets the conversion window.</summary>
    public TimeSpan Window => Funnel.Window;

    /// <summary>Gets the instant "in progress" was judged at (by default the latest event of the data).</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Gets the number of customers evaluated.</summary>
    public int Customers { get; }

    /// <summary>Gets the steps, in order; counts never increase.</summary>
    public IReadOnlyList<ProductFunnelStep> Steps { get; }

    /// <summary>Gets the share of customers reaching step <paramref name="step"/> (0-based) among those reaching the previous step (the first step: among all customers), or null when the base is 0.</summary>
    /// <param name="step">The 0-based step.</param>
    /// <returns>The conversion rate.</returns>
    public double? ConversionRate(int step)
    {
        int baseCount = step == 0 ? Customers : Steps[step - 1].Customers;
        return baseCount == 0 ? null : (double)Steps[step].Customers / baseCount;
    }

    /// <summary>
    /// Gets the time-to-convert percentiles from step <paramref name="fromStep"/> to step <paramref name="toStep"/> over the
    /// customers who reached <paramref name="toStep"/>, measured in each customer's counted attempt (so 1 → k is the
    /// time from the start, k − 1 → k the per-step times of <see cref="Steps"/>).
    /// </summary>
    /// <param name="fromStep">The earlier step, 1-based.</param>
    /// <param name="toStep">The later step, 1-based, greater than <paramref name="fromStep"/>.</param>
    /// <returns>The percentiles.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A step out of range, or <paramref name="toStep"/> not after <paramref name="fromStep"/>.</exception>
    public FunnelTimes TimeToConvert(int fromStep, int toStep)
    {
        int n = Steps.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(fromStep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(toStep, n);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(toStep, fromStep);
        return _times[ProductFunnelAccumulator.Pair(n, fromStep - 1, toStep - 1)];
    }
}
