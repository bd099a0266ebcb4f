namespace JourneyKit.Cli;

/// <summary>Problems found in the input, one line each (<c>path: message</c>): exit code 1.</summary>
internal sealed class CliProblemsException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
