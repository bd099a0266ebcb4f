namespace JourneyKit.Model;

/// <summary>
/// A defining moment of a journey: a pattern over a customer's events (see docs/patterns.md), with a weight and an outcome.
/// </summary>
public sealed record MomentOfTruth
{
    /// <summary>Gets the id; unique within the journey.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the human-readable name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the pattern over events, e.g. <c>payment.failed call.centre.enquiry</c>.</summary>
    public required string Pattern { get; init; }

    /// <summary>Gets the weight (&gt; 0) used by scoring. The default value is 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Gets the outcome.</summary>
    public MomentOfTruthOutcome Outcome { get; init; }
}
