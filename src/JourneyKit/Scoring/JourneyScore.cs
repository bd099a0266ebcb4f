namespace JourneyKit.Scoring;

/// <summary>A customer's journey score: 0–100 with the breakdown per component.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Value">The score, 0..100: the sum of the contributions' points.</param>
/// <param name="Breakdown">The contributions, in model order.</param>
public sealed record JourneyScore(string CustomerId, double Value, IReadOnlyList<ScoreContribution> Breakdown);
