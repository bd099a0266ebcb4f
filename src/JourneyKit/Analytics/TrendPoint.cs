namespace JourneyKit.Analytics;

/// <summary>
/// One calendar period of a trend (<see cref="JourneyAnalyzer.Trends(Events.EventBatch, RetentionPeriod, DateTimeOffset)"/>):
/// conversion of the runs that started in it (decided and censoring-aware, as of the analysis instant) and the share of
/// open runs that were stuck at its end.
/// </summary>
/// <param name="Period">The period: <c>2026-02-01</c>, <c>2026-W05</c> or <c>2026-02</c>.</param>
/// <param name="Start">Its first instant (inclusive).</param>
/// <param name="End">Its end (exclusive).</param>
/// <param name="Started">Runs whose first event is in the period.</param>
/// <param name="Converted">Of those, runs converted by the analysis instant.</param>
/// <param name="Decided">Of those, runs decided (converted, failed, dormant) by the analysis instant.</param>
/// <param name="ConversionEstimate">The cumulative incidence of the goal for those runs (open ones censored), or null without runs.</param>
/// <param name="OpenAtEnd">All runs open (in progress or stuck) at the period's end, or at the analysis instant for the current period.</param>
/// <param name="StuckAtEnd">Of those, runs stuck.</param>
public sealed record TrendPoint(string Period, DateTimeOffset Start, DateTimeOffset End, int Started, int Converted, int Decided, double? ConversionEstimate, int OpenAtEnd, int StuckAtEnd)
{
    /// <summary>Gets the decided conversion rate of the period's starters, or null when none is decided.</summary>
    public double? DecidedRate => Decided == 0 ? null : (double)Converted / Decided;

    /// <summary>Gets a value indicating whether every run that started in the period is decided.</summary>
    public bool IsComplete => Decided == Started;

    /// <summary>Gets the share of open runs that were stuck at the period's end, or null when none was open.</summary>
    public double? StuckShare => OpenAtEnd == 0 ? null : (double)StuckAtEnd / OpenAtEnd;
}
