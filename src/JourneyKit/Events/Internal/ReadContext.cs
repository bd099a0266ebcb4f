using System.Diagnostics.CodeAnalysis;

namespace JourneyKit.Events.Internal;

/// <summary>The state one read shares between the format parser and the bad-row policy: counts, errors, progress.</summary>
internal sealed class ReadContext
{
    private readonly EventReaderOptions _options;
    private readonly IProgress<EventReadProgress>? _progress;
    private readonly Func<long>? _bytesRead;
    private readonly long? _totalBytes;
    private readonly int _duplicatesBefore;
    private List<EventReadError>? _errors;
    private long _lastReportedBytes;
    private long _added;

    public ReadContext(string? fileName, EventReaderOptions options, EventBatchBuilder builder, Func<long>? bytesRead, long? totalBytes)
    {
        FileName = fileName;
        _options = options;
        Builder = builder;
        _progress = options.Progress;
        _bytesRead = bytesRead;
        _totalBytes = totalBytes;
        _duplicatesBefore = builder.DuplicateCount;
    }

    public string? FileName { get; }

    /// <summary>Gets the size of the input in bytes when known (compressed size for gzip), for capacity estimates.</summary>
    public long? TotalBytes => _totalBytes;

    /// <summary>Gets the options of the read (column mapping, timestamp format and zone).</summary>
    public EventReaderOptions Options => _options;

    public EventBatchBuilder Builder { get; }

    public long Rows { get; set; }

    /// <summary>Gets or sets the file being read when it is a regular file read as is (not compressed, not a pipe): the
    /// CSV reader may then parse it by chunks on several threads (<see cref="CsvEventReader"/>, chunked path).</summary>
    public FileStream? SeekableFile { get; init; }

    /// <summary>Gets or sets bytes read outside the counted stream (a chunked read of a mapped file), for progress.</summary>
    public long UncountedBytes { get; set; }

    /// <summary>Gets the events added by this read; setting past <see cref="EventReaderOptions.MaxEvents"/> stops it.</summary>
    public long Added
    {
        get => _added;
        set
        {
            if (value > _options.MaxEvents)
            {
                Fatal(EventReadErrorCode.LimitExceeded, Line, null, 0, EventReaderMessages.TooManyEvents(_options.MaxEvents));
            }

            _added = value;
        }
    }

    /// <summary>Gets or sets the line of the record being read (0 when the format has none), for limit errors.</summary>
    public long Line { get; set; }

    /// <summary>Stops the read on a builder limit (<see cref="EventLimits"/>), located at <see cref="Line"/>.</summary>
    [DoesNotReturn]
    public void LimitExceeded(EventLimitExceededException e) =>
        Fatal(EventReadErrorCode.LimitExceeded, Line, null, 0, Line > 0 ? e.Message : EventReaderMessages.AtRow(e.Message, Rows), e);

    public long Skipped { get; private set; }

    /// <summary>Gets a value indicating whether the next bad row needs a description (it will be thrown or listed).</summary>
    public bool WantsDetails => _options.BadRows == BadRowHandling.Fail || (_errors?.Count ?? 0) < _options.MaxReportedErrors;

    /// <summary>Handles a bad row: throws (Fail) or counts and maybe records it (Skip).</summary>
    public void BadRow(EventReadErrorCode code, long line, string? column, int columnNumber, string reason)
    {
        if (_options.BadRows == BadRowHandling.Fail)
        {
            Fatal(code, line, column, columnNumber, reason);
        }

        Skipped++;
        if ((_errors?.Count ?? 0) < _options.MaxReportedErrors)
        {
            (_errors ??= []).Add(new EventReadError(code, FileName, line, column, columnNumber, reason));
        }
    }

    /// <summary>Handles a bad row described by a ready-made error (XES, with a position in the line).</summary>
    public void BadRow(EventReadError error)
    {
        if (_options.BadRows == BadRowHandling.Fail)
        {
            throw new EventFormatException(error);
        }

        Skipped++;
        if ((_errors?.Count ?? 0) < _options.MaxReportedErrors)
        {
            (_errors ??= []).Add(error);
        }
    }

    /// <summary>Counts a bad row without describing it (Skip, past <see cref="EventReaderOptions.MaxReportedErrors"/>).</summary>
    public void BadRowUndescribed() => Skipped++;

    [DoesNotReturn]
    public void Fatal(EventReadErrorCode code, long line, string? column, int columnNumber, string reason, Exception? inner = null) =>
        throw new EventFormatException(new EventReadError(code, FileName, line, column, columnNumber, reason), inner);

    /// <summary>Reports progress when enough bytes were read since the last report; call every few thousand rows.</summary>
    public void MaybeReport()
    {
        if (_progress is null)
        {
            return;
        }

        long bytes = (_bytesRead?.Invoke() ?? 0) + UncountedBytes;
        if (bytes - _lastReportedBytes >= EventReaderConstants.ProgressIntervalBytes)
        {
            _lastReportedBytes = bytes;
            _progress.Report(new EventReadProgress(bytes, _totalBytes, Rows));
        }
    }

    public EventReadSummary Finish()
    {
        _progress?.Report(new EventReadProgress((_bytesRead?.Invoke() ?? 0) + UncountedBytes, _totalBytes, Rows));
        long duplicates = Builder.DuplicateCount - _duplicatesBefore;
        return new EventReadSummary(Rows, Added, Skipped, duplicates, _errors is null ? [] : _errors.AsReadOnly());
    }
}
