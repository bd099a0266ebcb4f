using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>
/// A KPI as measured from the events, against its target. Conversion KPIs are measured both over decided runs and as a
/// censoring-aware estimate at the KPI's <see cref="Kpi.Horizon"/>; time-to-complete KPIs (hours from a run's first event to
/// the goal) as the median over converted runs and as a censoring-aware median (open runs may still convert, later); KPIs
/// from outside the journey (NPS, CSAT, …) from the events of their <see cref="Kpi.Touchpoint"/>, whose value is the
/// response — without a touchpoint they are listed unmeasured. How the score predicts each KPI:
/// <see cref="JourneyAnalyzer.LinkScoresToKpis(Events.EventBatch, DateTimeOffset, DateTimeOffset)"/>.
/// </summary>
/// <param name="KpiId">The KPI id.</param>
/// <param name="Name">The KPI name.</param>
/// <param name="Kind">The KPI kind.</param>
/// <param name="Target">The target, or null.</param>
/// <param name="Horizon">The horizon, or null.</param>
/// <param name="DecidedValue">The value over decided runs (a share for conversion, hours for time to complete; for a KPI
/// with a touchpoint the value over the responding runs: NPS −100..100 from 0–10 answers, otherwise the mean of each run's
/// latest response, revenue the mean of each run's sum), or null when not measured.</param>
/// <param name="Estimate">The censoring-aware estimate (conversion: the cumulative incidence at the horizon; time to
/// complete: the first time at which the cumulative incidence of the goal reaches half its final value, in hours), or null.</param>
/// <param name="Decided">Runs the decided value is over (for a KPI with a touchpoint: the responding runs).</param>
/// <param name="Open">Runs left out because their outcome is not known yet (0 for a KPI with a touchpoint).</param>
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
