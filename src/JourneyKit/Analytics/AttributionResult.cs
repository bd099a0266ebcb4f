using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>First-order Markov attribution (paths start → states → conversion or null). At most 64 states are solved: beyond
/// that the least visited share the state <see cref="AnalyticsNames.Other"/>.</summary>
/// <param name="ConversionProbability">The probability of conversion from the start state.</param>
/// <param name="Conversions">Paths ending in conversion.</param>
/// <param name="Paths">Paths (customers).</param>
/// <param name="States">Each state's removal effect and attributed conversions, highest removal effect first.</param>
public sealed record AttributionResult(double ConversionProbability, int Conversions, int Paths, IReadOnlyList<StateAttribution> States);
