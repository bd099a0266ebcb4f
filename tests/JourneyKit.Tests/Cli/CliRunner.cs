using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

/// <summary>Runs the CLI entry point with captured writers.</summary>
internal static class CliRunner
{
    public static CliRun Run(params string[] args) => Run(false, args);

    public static CliRun Run(bool stderrIsTerminal, params string[] args) => Run(stderrIsTerminal, null, args);

    /// <summary>Runs with <paramref name="stdin"/> as standard input.</summary>
    public static CliRun RunWithStdin(byte[] stdin, params string[] args) => Run(false, stdin, args);

    private static CliRun Run(bool stderrIsTerminal, byte[]? stdin, string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = JourneyKitCli.Run(args, stdout, stderr, stderrIsTerminal, stdin is null ? () => Stream.Null : () => new MemoryStream(stdin, writable: false));
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }
}

internal sealed record CliRun(int Exit, string Out, string Err);
