namespace JourneyKit.Matching.ProductFunnel;

/// <summary>An exclusion: an event of <paramref name="Touchpoint"/> after step <paramref name="AfterStep"/> and before step
/// <paramref name="AfterStep"/> + 1 stops an attempt at step <paramref name="AfterStep"/>.</summary>
/// <param name="Touchpoint">The excluded touchpoint.</param>
/// <param name="AfterStep">The 1-based step after which the exclusion applies (1 ≤ step &lt; number of steps).</param>
public sealed record FunnelExclusion(string Touchpoint, int AfterStep);
