namespace JourneyKit.Analytics;

/// <summary>One step of a <see cref="ProductFunnelResult"/>.</summary>
/// <param name="Touchpoint">The step's touchpoint.</param>
/// <param name="Customers">Customers who reached this step.</param>
/// <param name="P50">Median time from the previous step to this one (nearest rank; null for the first step or without customers).</param>
/// <param name="P90">90th percentile of the time from the previous step.</param>
/// <param name="P99">99th percentile of the time from the previous step.</param>
/// <param name="InProgress">
/// Customers who reached the previous step but not this one and may still reach it as of <see cref="ProductFunnelResult.AsOf"/>
/// (their window has not ended; see <c>ProductFunnelMatches</c>): not dropped yet. Always 0 for the first step.
/// </param>
public sealed record ProductFunnelStep(string Touchpoint, int Customers, TimeSpan? P50, TimeSpan? P90, TimeSpan? P99, int InProgress = 0);
