using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>One channel's or touchpoint's share of conversions.</summary>
/// <param name="State">The channel or touchpoint.</param>
/// <param name="Visits">Path steps in this state.</param>
/// <param name="RemovalEffect">1 − P(conversion without the state) / P(conversion): the share of conversions lost if it were removed.</param>
/// <param name="AttributedConversions">Conversions attributed: removal effect normalised over all states × conversions.</param>
public sealed record StateAttribution(string State, int Visits, double RemovalEffect, double AttributedConversions);
