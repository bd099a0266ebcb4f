namespace JourneyKit.Matching;

/// <summary>
/// Why a funnel's chain did not go further: the event and a code. Codes: <c>strict_deduplication</c>,
/// <c>strict_order</c> (an event matching no step, or a step whose previous step was never reached), and for the next
/// step's latest event that did not fit: <c>window</c>, <c>step_min</c>, <c>step_max</c>, <c>strict_increase</c>,
/// <c>no_chain</c> (it fits the chain shown's bounds but no chain fits as a whole).
/// </summary>
/// <param name="Code">The reason code.</param>
/// <param name="Step">The step the event was taken for, 1-based; 0 for an event matching no step.</param>
/// <param name="Touchpoint">The event's touchpoint.</param>
/// <param name="EventId">The event's id, or null.</param>
/// <param name="Timestamp">The event's time (UTC).</param>
/// <param name="Message">The reason in words, e.g. <c>strict_deduplication: a repeated 'cart.add' at 2026-05-01T09:02:10Z stopped the chain at level 2</c>.</param>
public sealed record FunnelStopReason(string Code, int Step, string Touchpoint, string? EventId, DateTimeOffset Timestamp, string Message);
