namespace JourneyKit.Matching.Pattern;

/// <summary>One event of an explained chain (<see cref="PatternExplanation.Chain"/>).</summary>
/// <param name="Index">The event's position among the customer's events (0-based, time order).</param>
/// <param name="Item">The pattern atom the event matched, e.g. <c>cart.add order_id=$o</c>.</param>
/// <param name="EventId">The event's id, or null.</param>
/// <param name="Timestamp">The event's time.</param>
/// <param name="Touchpoint">The event's touchpoint.</param>
/// <param name="SincePrevious">The time since the chain's previous event (zero for the first).</param>
public sealed record PatternChainStep(int Index, string Item, string? EventId, DateTimeOffset Timestamp, string Touchpoint, TimeSpan SincePrevious);
