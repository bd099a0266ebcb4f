using JourneyKit.Events.Internal;

namespace JourneyKit.Events;

/// <summary>One problem found while reading an event file: where (file, line, column) and what.</summary>
/// <remarks>
/// <para><see cref="Message"/> reads like a compiler diagnostic:
/// <c>events.csv:12: column 'timestamp': '2026-13-01' is not an ISO-8601 timestamp with offset or Unix seconds</c>.</para>
/// <threadsafety>Instances are immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class EventReadError
{
    /// <summary>Creates an error.</summary>
    /// <param name="code">The kind of problem.</param>
    /// <param name="fileName">The file name, or null when reading a stream without one.</param>
    /// <param name="line">The 1-based line number (lines counted by <c>'\n'</c>), or 0 when not tied to a line.</param>
    /// <param name="column">The column (CSV) or field (JSON Lines) name, or null.</param>
    /// <param name="columnNumber">The 1-based CSV field number, or 0 when unknown or not applicable.</param>
    /// <param name="reason">What is wrong, without the location.</param>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="line"/> or <paramref name="columnNumber"/> is negative.</exception>
    public EventReadError(EventReadErrorCode code, string? fileName, long line, string? column, int columnNumber, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentOutOfRangeException.ThrowIfNegative(line);
        ArgumentOutOfRangeException.ThrowIfNegative(columnNumber);
        Code = code;
        FileName = fileName;
        Line = line;
        Column = column;
        ColumnNumber = columnNumber;
        Reason = reason;
        Message = EventReaderMessages.Locate(fileName, line, column, reason);
    }

    /// <summary>Creates an error whose message is already located (XES: <c>file:line:position: reason</c>).</summary>
    internal EventReadError(EventReadErrorCode code, string? fileName, long line, string? column, int columnNumber, string reason, string message)
    {
        Code = code;
        FileName = fileName;
        Line = line;
        Column = column;
        ColumnNumber = columnNumber;
        Reason = reason;
        Message = message;
    }

    /// <summary>Gets the kind of problem.</summary>
    public EventReadErrorCode Code { get; }

    /// <summary>Gets the file name given to the reader, or null.</summary>
    public string? FileName { get; }

    /// <summary>Gets the 1-based line the problem is on (where its record starts), or 0 when it is not tied to a line.</summary>
    public long Line { get; }

    /// <summary>Gets the column (CSV), field (JSON Lines) or attribute key (XES) name, or null when the problem is not tied to one.</summary>
    public string? Column { get; }

    /// <summary>
    /// Gets the 1-based CSV field number of <see cref="Column"/>; for XES, the 1-based character position in
    /// <see cref="Line"/> (of the element's <c>&lt;</c>); 0 when unknown or not applicable.
    /// </summary>
    public int ColumnNumber { get; }

    /// <summary>Gets what is wrong, without the location (for example <c>'abc' is not a number</c>).</summary>
    public string Reason { get; }

    /// <summary>Gets the full message: location, then <see cref="Reason"/>.</summary>
    public string Message { get; }

    /// <summary>Returns <see cref="Message"/>.</summary>
    /// <returns>The message.</returns>
    public override string ToString() => Message;
}
