namespace JourneyKit.Events;

/// <summary>
/// The exception thrown when an event file cannot be read: it says where (<see cref="FileName"/>, <see cref="Line"/>,
/// <see cref="Column"/>) and what (<see cref="Code"/>, <see cref="Reason"/>).
/// </summary>
public sealed class EventFormatException : FormatException
{
    /// <summary>Creates an exception for <paramref name="error"/>.</summary>
    /// <param name="error">The error.</param>
    /// <param name="innerException">The cause, or null.</param>
    public EventFormatException(EventReadError error, Exception? innerException = null)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message, innerException)
    {
        Error = error;
    }

    /// <summary>Gets the error, with its location.</summary>
    public EventReadError Error { get; }

    /// <summary>Gets the kind of problem.</summary>
    public EventReadErrorCode Code => Error.Code;

    /// <summary>Gets the file name given to the reader, or null.</summary>
    public string? FileName => Error.FileName;

    /// <summary>Gets the 1-based line of the problem, or 0 when it is not tied to a line.</summary>
    public long Line => Error.Line;

    /// <summary>Gets the column (CSV) or field (JSON Lines) name, or null.</summary>
    public string? Column => Error.Column;

    /// <summary>Gets the 1-based CSV field number, or 0 when unknown or not applicable.</summary>
    public int ColumnNumber => Error.ColumnNumber;

    /// <summary>Gets what is wrong, without the location.</summary>
    public string Reason => Error.Reason;
}
