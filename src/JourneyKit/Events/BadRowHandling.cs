namespace JourneyKit.Events;

/// <summary>What an event reader does with a row it cannot turn into an event.</summary>
public enum BadRowHandling
{
    /// <summary>Stop at the first bad row and throw an <see cref="EventFormatException"/> saying where and what. The default.</summary>
    Fail = 0,

    /// <summary>
    /// Skip bad rows, count them (<see cref="EventReadResult.Skipped"/>) and report the first
    /// <see cref="EventReaderOptions.MaxReportedErrors"/> of them (<see cref="EventReadResult.Errors"/>). Errors that make the
    /// rest of the file untrustworthy (a missing header column, malformed CSV quoting, a record over
    /// <see cref="EventReaderOptions.MaxRecordLength"/>) still throw.
    /// </summary>
    Skip = 1,
}
