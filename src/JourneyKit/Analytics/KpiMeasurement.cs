using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>
/// A KPI as measured from the events, against its target. Conversion KPIs are measured both over decided runs and as a
/// censoring-aware estimate at the KPI's <see cref="Kpi.Horizon"/>; time-to-complete KPIs as the median hours from a
/// run's first event to the goal over converted runs; KPIs events cannot measure (NPS, CSAT, …) are listed unmeasured.
/// </summary>
/// <param name="KpiId">The KPI id.</param>
/// <param name="Name">The KPI name.</param>
/// <param name="Kind">The KPI kind.</param>
/// <param name="Target">The target, or null.</param>
/// <param name="Horizon">The horizon, or null.</param>
/// <param name="DecidedValue">The value over decided runs (a share for conversion, hours for time to complete), or null when not measured.</param>
/// <param name="Estimate">The censoring-aware estimate (conversion only), or null.</param>
/// <param name="Decided">Runs the decided value is over.</param>
/// <param name="Open">Runs left out because their outcome is not known yet.</param>
public sealed record KpiMeasurement(string KpiId, string Name, KpiKind Kind, double? Target, TimeSpan? Horizon, double? DecidedValue, double? Estimate, int Decided, int Open)
{
    /// <summary>Gets a value indicating whether the events measure this KPI.</summary>
    public bool Measured => DecidedValue is not null || Estimate is not null;

    /// <summary>
    /// Gets whether the KPI meets its target — by <see cref="Estimate"/> when there is one, else by
    /// <see cref="DecidedValue"/>; at or above for conversion, at or below for time to complete — or null when there is no
    /// target or no measurement.
    /// </summary>
    public bool? OnTarget => Target is not { } target || (Estimate ?? DecidedValue) is not { } value
        ? null
        : Kind == KpiKind.TimeToComplete ? value <= target : value >= target;
}
