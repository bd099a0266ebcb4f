using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>Options for <see cref="CsvEventReader"/>, <see cref="JsonLinesEventReader"/>, <see cref="XesEventReader"/> and <see cref="EventFile"/>.</summary>
/// <remarks>
/// <para>The default options (also used when null is passed) fail on the first bad row.</para>
/// <threadsafety>Instances are immutable once created and may be shared by concurrent reads; the
/// <see cref="Progress"/> callback is called on the reading thread.</threadsafety>
/// </remarks>
public sealed class EventReaderOptions
{
    /// <summary>Gets the default options.</summary>
    public static EventReaderOptions Default { get; } = new();

    /// <summary>Gets what to do with a row that cannot be read (a bad timestamp, an empty customer id, …).</summary>
    /// <value>The default value is <see cref="BadRowHandling.Fail"/>: throw an <see cref="EventFormatException"/>.</value>
    public BadRowHandling BadRows { get; init; } = EventReaderConstants.DefaultBadRows;

    /// <summary>
    /// Gets how many bad rows are described in <see cref="EventReadResult.Errors"/> when <see cref="BadRows"/> is
    /// <see cref="BadRowHandling.Skip"/>; later ones are only counted in <see cref="EventReadResult.Skipped"/>.
    /// </summary>
    /// <value>The default value is 10. Must be zero or more.</value>
    public int MaxReportedErrors { get; init; } = EventReaderConstants.DefaultMaxReportedErrors;

    /// <summary>
    /// Gets the longest record accepted: characters per CSV record (all fields with separators and quotes) or bytes per
    /// JSON Lines line. A longer record stops reading with <see cref="EventReadErrorCode.RecordTooLarge"/>, even with
    /// <see cref="BadRowHandling.Skip"/>, instead of growing memory without bound on a corrupt file.
    /// </summary>
    /// <value>The default value is 1,048,576 (1 Mi). Must be at least 1,024. The reader's buffer grows up to this size
    /// only when a record needs it.</value>
    public int MaxRecordLength { get; init; } = EventReaderConstants.DefaultMaxRecordLength;

    /// <summary>Gets which columns (CSV), fields (JSON Lines) or keys (XES) hold the standard fields, or null for the
    /// standard names; see <see cref="EventColumnMapping"/>.</summary>
    /// <value>The default value is null.</value>
    public EventColumnMapping? Columns { get; init; }

    /// <summary>Gets how timestamp texts are read (CSV and JSON Lines; XES dates are always ISO 8601).</summary>
    /// <value>The default value is <see cref="EventTimestampFormat.Default"/>: ISO 8601 with an offset, or Unix seconds.
    /// A format without an offset (<see cref="EventTimestampFormat.HasOffset"/> false) needs <see cref="TimeZone"/>.</value>
    public EventTimestampFormat TimestampFormat { get; init; } = EventTimestampFormat.Default;

    /// <summary>
    /// Gets the time zone of local timestamps (texts without an offset), or null to reject them as ambiguous. Texts with
    /// an offset and Unix times are instants and ignore it.
    /// </summary>
    /// <value>The default value is null. For IANA names use <see cref="TimeZoneInfo.FindSystemTimeZoneById(string)"/>
    /// (<c>Europe/Amsterdam</c>); <see cref="TimeZoneInfo.Utc"/> when local times are UTC.</value>
    /// <remarks>At a daylight-saving change, a local time the clocks skip (<c>02:30</c> on the spring-forward night in
    /// Europe) is a bad row (<see cref="EventReadErrorCode.NonexistentLocalTime"/>); a local time that occurs twice
    /// (the autumn hour repeated) is read as the earlier of the two instants (still daylight-saving time).</remarks>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>Gets what the XES reader does with <c>lifecycle:transition</c>; ignored by the other formats.</summary>
    /// <value>The default value is <see cref="LifecycleTransitionHandling.Ignore"/>: every event, named by its
    /// <c>concept:name</c> alone.</value>
    public LifecycleTransitionHandling LifecycleTransitions { get; init; } = EventReaderConstants.DefaultLifecycleTransitions;

    /// <summary>
    /// Gets the most events one read may add (duplicates dropped by event id do not count). Past it the read stops with
    /// <see cref="EventReadErrorCode.LimitExceeded"/>, even with <see cref="BadRowHandling.Skip"/>, so that a huge or
    /// endless input (a 2 GB gzip of one repeated row) cannot exhaust memory; the builder's own
    /// <see cref="EventLimits.MaxEvents"/> bounds a batch filled by several reads.
    /// </summary>
    /// <value>The default value is 100,000,000. Must be at least 0.</value>
    public long MaxEvents { get; init; } = EventLimitConstants.DefaultMaxEventsPerRead;

    /// <summary>Gets the callback told about progress (bytes read, total bytes, rows), or null for none.</summary>
    /// <value>The default value is null.</value>
    public IProgress<EventReadProgress>? Progress { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public void Validate()
    {
        List<string>? problems = null;
        if (!Enum.IsDefined(BadRows))
        {
            (problems ??= []).Add(EventReaderMessages.OptionBadRows(BadRows));
        }

        if (!Enum.IsDefined(LifecycleTransitions))
        {
            (problems ??= []).Add(EventReaderMessages.OptionLifecycle(LifecycleTransitions));
        }

        if (Columns?.Problem() is string mapping)
        {
            (problems ??= []).Add("Columns: " + mapping);
        }

        if (TimestampFormat is null)
        {
            (problems ??= []).Add(EventReaderMessages.OptionTimestampFormatNull);
        }
        else if (!TimestampFormat.HasOffset && TimeZone is null)
        {
            (problems ??= []).Add(EventReaderMessages.OptionNeedsTimeZone(TimestampFormat));
        }

        if (MaxReportedErrors < 0)
        {
            (problems ??= []).Add(EventReaderMessages.OptionMaxReportedErrors(MaxReportedErrors));
        }

        if (MaxRecordLength < EventReaderConstants.MinMaxRecordLength)
        {
            (problems ??= []).Add(EventReaderMessages.OptionMaxRecordLength(MaxRecordLength));
        }

        if (MaxEvents < 0)
        {
            (problems ??= []).Add(EventReaderMessages.OptionMaxEvents(MaxEvents));
        }

        if (problems is not null)
        {
            throw new ArgumentException(EventReaderMessages.InvalidOptions(problems));
        }
    }
}
