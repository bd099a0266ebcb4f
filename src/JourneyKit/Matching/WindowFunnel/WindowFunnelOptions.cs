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
}
