using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>Customers moving directly from one stage to another.</summary>
/// <param name="From">The stage left.</param>
/// <param name="To">The stage entered.</param>
/// <param name="Count">How many times (a customer can count more than once).</param>
/// <param name="MedianTime">The median time between entering <paramref name="From"/> and entering <paramref name="To"/>.</param>
/// <param name="Allowed">Whether the design allows the transition.</param>
public sealed record StageTransition(string From, string To, int Count, TimeSpan MedianTime, bool Allowed);
