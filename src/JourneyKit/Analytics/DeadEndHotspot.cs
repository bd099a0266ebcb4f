using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>A place where runs went dormant (dead ends: no event for the inactivity period before a terminal stage).</summary>
/// <param name="StageId">The last stage, or <c>(none)</c>.</param>
/// <param name="LastTouchpoint">The last touchpoint.</param>
/// <param name="LastChannel">The last channel (<c>(none)</c> when unknown).</param>
/// <param name="Customers">Customers who ended there.</param>
public sealed record DeadEndHotspot(string StageId, string LastTouchpoint, string LastChannel, int Customers);
