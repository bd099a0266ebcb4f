namespace JourneyKit.Model.Patterns;

/// <summary>
/// A pattern could not be compiled: <see cref="Offset"/> is the 0-based position in the pattern and the message ends
/// with the pattern and a caret under that position.
/// </summary>
public sealed class PatternSyntaxException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What is wrong.</param>
    /// <param name="offset">Where, 0-based.</param>
    /// <param name="detail">The explanation.</param>
    /// <param name="pattern">The pattern text.</param>
    public PatternSyntaxException(PatternError error, int offset, string detail, string pattern)
        : base($"{detail} at column {offset + 1}:{Environment.NewLine}  {pattern}{Environment.NewLine}  {new string(' ', Math.Clamp(offset, 0, pattern.Length))}^")
    {
        Error = error;
        Offset = offset;
        Pattern = pattern;
        Detail = detail;
    }

    /// <summary>Creates the exception.</summary>
    public PatternSyntaxException()
        : this(PatternError.UnexpectedToken, 0, "invalid pattern", string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public PatternSyntaxException(string message)
        : base(message) => Pattern = Detail = string.Empty;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PatternSyntaxException(string message, Exception innerException)
        : base(message, innerException) => Pattern = Detail = string.Empty;

    /// <summary>Gets what is wrong.</summary>
    public PatternError Error { get; }

    /// <summary>Gets the 0-based position in the pattern.</summary>
    public int Offset { get; }

    /// <summary>Gets the pattern text.</summary>
    public string Pattern { get; }

    /// <summary>Gets the explanation without the location.</summary>
    public string Detail { get; }
}
