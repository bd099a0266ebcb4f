namespace JourneyKit.Matching.ProductFunnel;

/// <summary>The options of a <see cref="ProductFunnel"/>.</summary>
public sealed class ProductFunnelOptions
{
    /// <summary>Gets how steps are matched.</summary>
    /// <value>The default value is <see cref="ProductFunnelType.Ordered"/>.</value>
    public ProductFunnelType Type { get; init; }

    /// <summary>Gets the conversion window: every step within this time of the attempt's first step (inclusive).</summary>
    /// <value>Required; positive. <see cref="Duration.Unbounded"/> for no limit.</value>
    public required TimeSpan Window { get; init; }

    /// <summary>Gets the exclusion steps.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<FunnelExclusion> Exclusions { get; init; } = [];

    /// <summary>
    /// Gets time bounds between consecutive matched steps, besides <see cref="Window"/> (ordered and strict funnels).
    /// </summary>
    /// <value>
    /// The default value is empty: the attempt algorithm, unchanged. With a constraint that restricts something an
    /// ordered funnel counts a level when <em>some</em> chain reaches it (see docs/analytics.md); a strict funnel checks
    /// each gap of its forced chain; an unordered funnel refuses constraints.
    /// </value>
    public IReadOnlyList<FunnelStepConstraint> StepConstraints { get; init; } = [];
}
