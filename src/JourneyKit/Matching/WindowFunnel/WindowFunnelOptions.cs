namespace JourneyKit.Matching.WindowFunnel;

/// <summary>The options of a <see cref="WindowFunnel"/>.</summary>
public sealed class WindowFunnelOptions
{
    /// <summary>
    /// Gets the window: a chain's steps must all happen at most this long after its step-1 event. The window is
    /// inclusive: an event at exactly <c>start + Window</c> counts.
    /// </summary>
    /// <value>Required; zero or positive. <see cref="TimeSpan.Zero"/> means every step at the same instant.</value>
    public required TimeSpan Window { get; init; }

    /// <summary>Gets the modes.</summary>
    /// <value>The default value is <see cref="WindowFunnelMode.None"/>.</value>
    public WindowFunnelMode Mode { get; init; }

    /// <summary>
    /// Gets time bounds between consecutive matched steps, besides <see cref="Window"/>: step k at least
    /// <see cref="FunnelStepConstraint.MinTime"/> and at most <see cref="FunnelStepConstraint.MaxTime"/> after the
    /// chain's step k − 1, whatever events lie between. Several constraints on one transition intersect.
    /// </summary>
    /// <value>
    /// The default value is empty: the ClickHouse algorithm, bit for bit. With a constraint that restricts something,
    /// a level counts when <em>some</em> chain reaches it (see docs/funnels.md, "Step constraints"); the modes stop the
    /// search under the same rules.
    /// </value>
    public IReadOnlyList<FunnelStepConstraint> StepConstraints { get; init; } = [];

    /// <summary>
    /// Gets the event attribute to hold constant (<c>order_id</c>): the value on a chain's step-1 event must be on every
    /// later step of the chain. Each distinct value runs its own funnel over the customer's events that carry it; events
    /// without the attribute are ignored; the customer's level is the highest over its values. See docs/funnels.md.
    /// </summary>
    /// <value>The default value is null: nothing held.</value>
    public string? HoldAttribute { get; init; }

    /// <summary>Gets the most distinct held values one customer may have; past it evaluation throws <see cref="InvalidOperationException"/>.</summary>
    /// <value>The default value is 1,024 (state is one small funnel state per value, so memory per customer stays bounded).</value>
    public int MaxHeldValues { get; init; } = WindowFunnel.DefaultMaxHeldValues;
}
