namespace JourneyKit.Analytics;

/// <summary>The length of a retention period and of a cohort.</summary>
public enum RetentionPeriod
{
    /// <summary>A day (cohorts by UTC date, <c>2026-02-01</c>).</summary>
    Day = 0,

    /// <summary>Seven days (cohorts by ISO week, <c>2026-W05</c>).</summary>
    Week = 1,

    /// <summary>A calendar month from the start instant (cohorts by UTC month, <c>2026-02</c>).</summary>
    Month = 2,
}
