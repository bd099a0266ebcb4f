using JourneyKit.Events;

namespace JourneyKit.Matching.ProductFunnel;

/// <summary>
/// A product-analytics funnel over touchpoints: ordered, strict or unordered, with a conversion window, exclusion steps
/// and optional time bounds between consecutive steps; per customer the level reached, the step times of the counted
/// attempt and whether the customer is still in progress. Aggregates (customers per step, percentiles) are in
/// <c>JourneyKit.Analytics</c> (<c>funnel.Evaluate(batch)</c>). See docs/analytics.md.
/// </summary>
/// <remarks>
/// <para>Per customer (events in timestamp order; equal timestamps in input order), every event of the first step (for
/// <see cref="ProductFunnelType.Unordered"/>: of any step) starts an <em>attempt</em>. An attempt takes, after each step, the
/// next event that completes the next step (strict: that must be the very next event; unordered: any step not done yet)
/// within the window from the attempt's start. An exclusion event seen after step k and before step k + 1 stops the
/// attempt at step k. The customer's level is the highest over attempts; the earliest attempt reaching it gives the
/// step times.</para>
/// <para>With step constraints (<see cref="ProductFunnelOptions.StepConstraints"/>) an ordered funnel counts a level when
/// some chain of events reaches it — each step within its bounds of the previous one, the whole within the window, no
/// exclusion event between a chain's step k and step k + 1 — found in linear time; the first chain to reach the
/// customer's level gives the step times. A strict funnel checks every gap of its forced chain.</para>
/// <para>Cost per customer is O(attempts × events within the window) without constraints; attempts stop at the first
/// full conversion, and once an attempt runs to the customer's last event (a later one could only tie).</para>
/// <threadsafety>The funnel is immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class ProductFunnel
{
    /// <summary>The most steps a product funnel may have.</summary>
    public const int MaxSteps = 32;

    /// <summary>The default of <see cref="ProductFunnelOptions.MaxHeldValues"/>.</summary>
    public const int DefaultMaxHeldValues = 1024;

    private readonly string[] _steps;
    private readonly FunnelExclusion[] _exclusions;
    private readonly FunnelStepConstraint[] _constraints;

    /// <summary>Creates a funnel.</summary>
    /// <param name="steps">The steps' touchpoints, 1 to 32.</param>
    /// <param name="type">The funnel type.</param>
    /// <param name="window">The conversion window from the first step; positive.</param>
    /// <param name="exclusions">Exclusion steps, or null.</param>
    /// <exception cref="ArgumentException">No steps, more than 32, an empty step, or an exclusion out of range.</exception>
    public ProductFunnel(IReadOnlyList<string> steps, ProductFunnelType type, TimeSpan window, IReadOnlyList<FunnelExclusion>? exclusions = null)
        : this(steps, new ProductFunnelOptions { Type = type, Window = window, Exclusions = exclusions ?? [] })
    {
    }

    /// <summary>Creates a funnel.</summary>
    /// <param name="steps">The steps' touchpoints, 1 to 32.</param>
    /// <param name="options">The type, window, exclusions and step constraints.</param>
    /// <exception cref="ArgumentException">No steps, more than 32, an empty step, an exclusion or step constraint out of
    /// range, step constraints on an unordered funnel, an empty held attribute or a cap below 1.</exception>
    public ProductFunnel(IReadOnlyList<string> steps, ProductFunnelOptions options)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(options);
        if (steps.Count is 0 or > MaxSteps)
        {
            throw new ArgumentException($"A funnel needs 1 to {MaxSteps} steps; got {steps.Count}.", nameof(steps));
        }

        for (int i = 0; i < steps.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(steps[i]))
            {
                throw new ArgumentException($"Step {i + 1} is empty.", nameof(steps));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Window, TimeSpan.Zero, nameof(options));
        if (!Enum.IsDefined(options.Type))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Type, "Unknown funnel type.");
        }

        _exclusions = options.Exclusions is null ? [] : [.. options.Exclusions];
        foreach (FunnelExclusion e in _exclusions)
        {
            if (e is null || string.IsNullOrWhiteSpace(e.Touchpoint) || e.AfterStep < 1 || e.AfterStep >= steps.Count)
            {
                throw new ArgumentException($"An exclusion must name a touchpoint and a step from 1 to {steps.Count - 1}; got {e}.", nameof(options));
            }
        }

        _constraints = options.StepConstraints is null ? [] : [.. options.StepConstraints];
        (long[] Min, long[] Max)? bounds = FunnelStepConstraint.Resolve(_constraints, steps.Count, nameof(options));
        if (bounds is not null && options.Type == ProductFunnelType.Unordered)
        {
            throw new ArgumentException("Step constraints apply to ordered and strict product funnels: an unordered funnel has no fixed previous step.", nameof(options));
        }

        if (options.HoldAttribute is { } hold && string.IsNullOrWhiteSpace(hold))
        {
            throw new ArgumentException("The held attribute must not be empty.", nameof(options));
        }

        if (options.MaxHeldValues < 1)
        {
            throw new ArgumentException($"MaxHeldValues must be at least 1; got {options.MaxHeldValues}.", nameof(options));
        }

        HoldAttribute = options.HoldAttribute;
        MaxHeldValues = options.MaxHeldValues;
        MinTicks = bounds?.Min;
        MaxTicks = bounds?.Max;
        _steps = [.. steps];
        Type = options.Type;
        Window = options.Window;
    }

    /// <summary>Gets the steps' touchpoints.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary>Gets the funnel type.</summary>
    public ProductFunnelType Type { get; }

    /// <summary>Gets the conversion window.</summary>
    public TimeSpan Window { get; }

    /// <summary>Gets the exclusions.</summary>
    public IReadOnlyList<FunnelExclusion> Exclusions => _exclusions;

    /// <summary>Gets the time bounds between consecutive steps.</summary>
    public IReadOnlyList<FunnelStepConstraint> StepConstraints => _constraints;

    /// <summary>Gets the attribute held constant, or null (<see cref="ProductFunnelOptions.HoldAttribute"/>).</summary>
    public string? HoldAttribute { get; }

    /// <summary>Gets the most distinct held values per customer.</summary>
    public int MaxHeldValues { get; }

    /// <summary>The error past <see cref="MaxHeldValues"/>.</summary>
    internal static InvalidOperationException TooManyHeldValues(string customerId, string attribute, int max) =>
        new($"Customer '{customerId}' has more than {max} distinct '{attribute}' values held constant; raise ProductFunnelOptions.MaxHeldValues (CLI: --max-held-values) or hold a coarser attribute.");

    /// <summary>Gets whether some transition has a time bound that restricts something.</summary>
    public bool HasStepConstraints => MinTicks is not null;

    /// <summary>Gets the least time into each 0-based step (index 0 unused), or null.</summary>
    internal long[]? MinTicks { get; }

    /// <summary>Gets the most time into each 0-based step (index 0 unused), or null.</summary>
    internal long[]? MaxTicks { get; }

    /// <summary>Matches every customer of a batch.</summary>
    /// <param name="batch">The events (events after <paramref name="asOf"/> should be cut first, <see cref="EventBatch.Until"/>).</param>
    /// <param name="asOf">The instant "in progress" is judged at; null for the batch's latest event.</param>
    /// <returns>Each customer's level, step times and whether it is in progress.</returns>
    public ProductFunnelMatches Match(EventBatch batch, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long asOfTicks = (asOf ?? batch.LatestTimestamp ?? DateTimeOffset.MinValue).UtcTicks;
        int n = _steps.Length;
        var levels = new byte[batch.CustomerCount];
        var inProgress = new bool[batch.CustomerCount];
        var times = new long[batch.CustomerCount * n];
        var runner = new ProductFunnelRunner(this, batch);
        var stepTimes = new long[n];
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            int level = runner.Run(run, asOfTicks, stepTimes, out bool open);
            levels[run] = (byte)level;
            inProgress[run] = open;
            Span<long> row = times.AsSpan(run * n, n);
            for (int k = 0; k < n; k++)
            {
                row[k] = k < level ? stepTimes[k] : -1;
            }
        }

        return new ProductFunnelMatches(this, batch, new DateTimeOffset(asOfTicks, TimeSpan.Zero), levels, inProgress, times);
    }
}
