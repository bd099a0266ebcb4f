using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Which runs <see cref="JourneyAnalyzer.ListCustomers(Events.EventBatch, DateTimeOffset, CustomerFilter?)"/> lists: every
/// condition that is set must hold. Each count of a <see cref="JourneyAnalysis"/> has a filter that lists exactly the runs
/// behind it (docs/analytics.md).
/// </summary>
public sealed record CustomerFilter
{
    /// <summary>Gets the lifecycle state, or null for any.</summary>
    public LifecycleState? State { get; init; }

    /// <summary>Gets the current stage id, or null for any.</summary>
    public string? Stage { get; init; }

    /// <summary>Gets the furthest designed (non-failure) stage id, as the stage funnel counts it, or null for any.</summary>
    public string? FurthestStage { get; init; }

    /// <summary>Gets the segment dimension (<c>persona</c>, <c>channel</c>, <c>first_channel</c>, <c>cohort</c>), or null; needs <see cref="SegmentValue"/>.</summary>
    public string? SegmentDimension { get; init; }

    /// <summary>Gets the segment value (<c>(none)</c> for unknown), or null.</summary>
    public string? SegmentValue { get; init; }

    /// <summary>Gets the last touchpoint (with <see cref="State"/> dormant: a dead-end hotspot), or null for any.</summary>
    public string? LastTouchpoint { get; init; }

    /// <summary>Gets a value indicating whether only runs flagged at risk (<see cref="JourneyAnalysis.AtRisk"/>) are listed.</summary>
    public bool AtRisk { get; init; }
}
