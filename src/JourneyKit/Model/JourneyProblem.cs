namespace JourneyKit.Model;

/// <summary>One problem in a journey definition: a stable code, where (a JSON-path-like location) and what.</summary>
/// <param name="Code">The code, e.g. <c>JK0107</c>; see docs/journey-definitions.md.</param>
/// <param name="Path">The location, e.g. <c>stages[2].touchpoints[0]</c>; empty for the whole journey.</param>
/// <param name="Message">What is wrong.</param>
public sealed record JourneyProblem(string Code, string Path, string Message)
{
    /// <summary>Formats the problem as <c>path: message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Path.Length == 0 ? Message : Path + ": " + Message;
}

/// <summary>Thrown when a journey definition is invalid: carries every problem found, not just the first.</summary>
public sealed class JourneyValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">The problems; at least one.</param>
    public JourneyValidationException(IReadOnlyList<JourneyProblem> problems)
        : base(Format(problems)) => Problems = problems;

    /// <summary>Creates the exception with a single message (prefer the problem list).</summary>
    public JourneyValidationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a single message (prefer the problem list).</summary>
    /// <param name="message">The message.</param>
    public JourneyValidationException(string message)
        : this([new JourneyProblem(JourneyProblemCodes.General, string.Empty, message)])
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JourneyValidationException(string message, Exception innerException)
        : base(message, innerException) => Problems = [new JourneyProblem(JourneyProblemCodes.General, string.Empty, message)];

    /// <summary>Gets the problems, in document order.</summary>
    public IReadOnlyList<JourneyProblem> Problems { get; }

    private static string Format(IReadOnlyList<JourneyProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 0
            ? "The journey definition is invalid."
            : $"The journey definition has {problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems);
    }
}
