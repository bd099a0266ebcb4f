namespace JourneyKit.Cli;

/// <summary>What every command needs from its surroundings: the output writers and whether stderr is a terminal.</summary>
/// <param name="Stdout">Where data goes (tables, JSON).</param>
/// <param name="Stderr">Where messages, problems and progress go.</param>
/// <param name="StderrIsTerminal">Whether to draw progress bars on stderr.</param>
/// <param name="Stdin">Opens standard input (read for an events file given as <c>-</c>); null: the console's.</param>
internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, bool StderrIsTerminal, Func<Stream>? Stdin = null)
{
    /// <summary>Opens standard input.</summary>
    public Stream OpenStdin() => Stdin?.Invoke() ?? Console.OpenStandardInput();
}
