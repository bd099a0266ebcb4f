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

    /// <summary>
    /// Gets the event attribute to hold constant (<c>order_id</c>): every step of an attempt carries the value of its
    /// first step. Each distinct value is its own funnel over the customer's events that carry it; events without the
    /// attribute are ignored; the customer's level is the highest over its values.
    /// </summary>
    /// <value>The default value is null: nothing held.</value>
    public string? HoldAttribute { get; init; }

    /// <summary>Gets the most distinct held values one customer may have; past it matching throws <see cref="InvalidOperationException"/>.</summary>
    /// <value>The default value is 1,024.</value>
    public int MaxHeldValues { get; init; } = ProductFunnel.DefaultMaxHeldValues;
}
