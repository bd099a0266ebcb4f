namespace JourneyKit.Analytics;

/// <summary>
/// A cohort × period retention table, censoring-aware: period k of a run is [start + k·period, start + (k + 1)·period);
/// it counts only when it has fully passed at the analysis instant, so periods not yet observable are blank, not 0.
/// </summary>
/// <param name="AsOf">The analysis instant.</param>
/// <param name="Period">The period length.</param>
/// <param name="StartStage">The stage that starts the clock, or null for the first event.</param>
/// <param name="ActiveStage">The stage that counts as retained, or null for any event.</param>
/// <param name="Cohorts">The cohorts in calendar order.</param>
public sealed record RetentionTable(DateTimeOffset AsOf, RetentionPeriod Period, string? StartStage, string? ActiveStage, IReadOnlyList<RetentionCohort> Cohorts);
