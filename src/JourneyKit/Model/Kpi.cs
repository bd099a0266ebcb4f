namespace JourneyKit.Model;

/// <summary>A key performance indicator a journey is measured by, with an optional target.</summary>
public sealed record Kpi
{
    /// <summary>Gets the id; unique within the journey.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the human-readable name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets the kind, which decides the valid range of <see cref="Target"/>.</summary>
    public KpiKind Kind { get; init; }

    /// <summary>Gets the target value, or null.</summary>
    public double? Target { get; init; }

    /// <summary>
    /// Gets the horizon the KPI is measured at, from the start of a run, or null for none. A conversion KPI with a horizon
    /// is the share of runs reaching the goal within that time of their first event (estimated with censoring: see
    /// docs/analytics.md); without one, the share eventually reaching it.
    /// </summary>
    /// <value>Positive, or null. The default value is null.</value>
    public TimeSpan? Horizon { get; init; }

    /// <summary>
    /// Gets the touchpoint whose events carry this KPI's responses in their value (for example <c>survey.nps</c> with the
    /// 0–10 answer), or null. KPIs that come from outside the journey (NPS, CSAT, CES, revenue, custom) are measured from these
    /// events: each run's latest response at or before the analysis instant (revenue: the sum of the run's values), and their
    /// link to the journey score is measured predictively (<see cref="Analytics.JourneyAnalyzer.LinkScoresToKpis(Events.EventBatch, DateTimeOffset, DateTimeOffset)"/>).
    /// </summary>
    /// <value>A touchpoint of the journey's catalog, or null; not allowed for conversion, retention and time-to-complete KPIs
    /// (the stages measure those). The default value is null.</value>
    public string? Touchpoint { get; init; }

    /// <summary>Gets an optional description.</summary>
    public string? Description { get; init; }
}
