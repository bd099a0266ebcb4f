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
}
