namespace JourneyKit.Analytics;

/// <summary>
/// Conversion to the goal with censoring: the rate over decided runs only, and a time-to-event estimate that treats
/// open runs as censored and failure or dormancy as competing outcomes (Aalen–Johansen cumulative incidence, measured
/// from each run's first event; docs/analytics.md).
/// </summary>
/// <param name="Runs">Runs analysed.</param>
/// <param name="Converted">Runs that reached the goal (within <paramref name="Horizon"/> when one is set).</param>
/// <param name="Decided">Runs whose outcome (at the horizon, when set) is known; open runs followed for less than the horizon are left out.</param>
/// <param name="Open">Runs still open at the analysis instant.</param>
/// <param name="Estimate">The cumulative incidence of the goal at <paramref name="Horizon"/> (or at the longest follow-up without one), or null without runs.</param>
/// <param name="Horizon">The horizon, or null.</param>
public sealed record ConversionSummary(int Runs, int Converted, int Decided, int Open, double? Estimate, TimeSpan? Horizon)
{
    /// <summary>Gets the share of decided runs that converted, or null when none is decided.</summary>
    public double? DecidedRate => Decided == 0 ? null : (double)Converted / Decided;
}
