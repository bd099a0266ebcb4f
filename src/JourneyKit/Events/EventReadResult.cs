namespace JourneyKit.Events;

/// <summary>The outcome of reading an event file into a new <see cref="EventBatch"/>.</summary>
/// <remarks>
/// <para><see cref="Rows"/> = events in <see cref="Batch"/> + <see cref="Skipped"/> + <see cref="Duplicates"/>.</para>
/// <threadsafety>Instances are immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class EventReadResult
{
    internal EventReadResult(EventBatch batch, EventReadSummary summary)
    {
        Batch = batch;
        Summary = summary;
    }

    /// <summary>Gets the events read, sorted by (customer, timestamp) and de-duplicated by event id.</summary>
    public EventBatch Batch { get; }

    /// <summary>Gets the counts and errors of the read.</summary>
    public EventReadSummary Summary { get; }

    /// <summary>Gets the data rows read (CSV records or JSON Lines lines, not counting the header and blank lines).</summary>
    public long Rows => Summary.Rows;

    /// <summary>Gets the bad rows skipped (only with <see cref="BadRowHandling.Skip"/>).</summary>
    public long Skipped => Summary.Skipped;

    /// <summary>Gets the rows dropped because their event id was seen before.</summary>
    public long Duplicates => Summary.Duplicates;

    /// <summary>Gets the first <see cref="EventReaderOptions.MaxReportedErrors"/> bad rows skipped, in file order.</summary>
    public IReadOnlyList<EventReadError> Errors => Summary.Errors;
}
