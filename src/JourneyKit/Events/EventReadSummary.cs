namespace JourneyKit.Events;

/// <summary>The counts and errors of one read into an <see cref="EventBatchBuilder"/>.</summary>
/// <remarks>
/// <para><see cref="Rows"/> = <see cref="Added"/> + <see cref="Skipped"/> + <see cref="Duplicates"/>.</para>
/// <threadsafety>Instances are immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class EventReadSummary
{
    internal EventReadSummary(long rows, long added, long skipped, long duplicates, IReadOnlyList<EventReadError> errors)
    {
        Rows = rows;
        Added = added;
        Skipped = skipped;
        Duplicates = duplicates;
        Errors = errors;
    }

    /// <summary>Gets the data rows read (CSV records or JSON Lines lines, not counting the header and blank lines).</summary>
    public long Rows { get; }

    /// <summary>Gets the events added to the builder.</summary>
    public long Added { get; }

    /// <summary>Gets the bad rows skipped (only with <see cref="BadRowHandling.Skip"/>).</summary>
    public long Skipped { get; }

    /// <summary>Gets the rows dropped because their event id was already in the builder (from this read or an earlier one).</summary>
    public long Duplicates { get; }

    /// <summary>Gets the first <see cref="EventReaderOptions.MaxReportedErrors"/> bad rows skipped, in file order.</summary>
    public IReadOnlyList<EventReadError> Errors { get; }
}
