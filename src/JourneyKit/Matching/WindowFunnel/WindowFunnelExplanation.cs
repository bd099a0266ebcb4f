namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// Why one customer reached the level it did (<see cref="WindowFunnel.Explain(Events.EventBatch, string)"/>): the chain kept for that level, what
/// stopped the search (a mode), and the latest event for the next step that did not fit (the window or a step constraint).
/// </summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Level">The level reached, as <see cref="WindowFunnel.Evaluate"/> answers.</param>
/// <param name="Chain">The chain kept for the level: one event per step, 1 to <paramref name="Level"/>.</param>
/// <param name="Stopped">The event that stopped the search under a mode, or null.</param>
/// <param name="NextStep">The latest event for step <paramref name="Level"/> + 1 that could not extend the chain, and why; or null.</param>
public sealed record WindowFunnelExplanation(string CustomerId, int Level, IReadOnlyList<FunnelChainStep> Chain, FunnelStopReason? Stopped, FunnelStopReason? NextStep)
{
    /// <summary>Gets the held attribute's value of the chain shown, when the funnel holds one (<see cref="WindowFunnelOptions.HoldAttribute"/>); else null.</summary>
    public string? HeldValue { get; init; }
}
