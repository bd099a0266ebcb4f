namespace JourneyKit.Model;

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
