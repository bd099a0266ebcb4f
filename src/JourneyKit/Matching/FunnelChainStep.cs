namespace JourneyKit.Matching;

/// <summary>One step of the chain an explanation shows (<see cref="WindowFunnel.WindowFunnelExplanation"/>).</summary>
/// <param name="Step">The step, 1-based.</param>
/// <param name="Touchpoint">The event's touchpoint.</param>
/// <param name="EventId">The event's id, or null when it has none.</param>
/// <param name="Timestamp">The event's time (UTC).</param>
/// <param name="SinceStart">The time since the chain's step-1 event (zero for step 1).</param>
/// <param name="SincePrevious">The time since the chain's previous step, or null for step 1.</param>
public sealed record FunnelChainStep(int Step, string Touchpoint, string? EventId, DateTimeOffset Timestamp, TimeSpan SinceStart, TimeSpan? SincePrevious);
