namespace JourneyKit.Model.Patterns;

/// <summary>What is wrong with a pattern.</summary>
public enum PatternError
{
    /// <summary>An unexpected character or token.</summary>
    UnexpectedToken,

    /// <summary>A bracket, brace or parenthesis is not closed.</summary>
    Unclosed,

    /// <summary>A quantifier has bad bounds (<c>{3,1}</c>, too large) or follows nothing.</summary>
    InvalidQuantifier,

    /// <summary>A duration (in <c>within</c> or a gap) is not valid.</summary>
    InvalidDuration,

    /// <summary>A predicate inside <c>{…}</c> is not valid.</summary>
    InvalidPredicate,

    /// <summary>The pattern can match no events at all (e.g. <c>a*</c>), which has no meaning for a match count.</summary>
    MatchesEmpty,

    /// <summary>The pattern is longer than <see cref="PatternOptions.MaxLength"/>.</summary>
    TooLong,

    /// <summary>Groups nest deeper than <see cref="PatternOptions.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>The automaton would exceed <see cref="PatternOptions.MaxStates"/> states.</summary>
    TooManyStates,

    /// <summary>The pattern has more distinct atoms than the engine supports (64).</summary>
    TooManyAtoms,

    /// <summary>An anchor is somewhere other than the very start (<c>^</c>) or end (<c>$</c>).</summary>
    MisplacedAnchor,

    /// <summary>The automaton would exceed <see cref="PatternOptions.MaxEdges"/> edges (the work done per event).</summary>
    TooManyEdges,

    /// <summary>More than 16 time gaps <c>~~(…)</c> and groups with <c>within</c> (each is a time kept per partial match).</summary>
    TooManyTimeConstraints,
}

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
