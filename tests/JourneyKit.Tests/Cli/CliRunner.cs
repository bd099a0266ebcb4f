using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

/// <summary>Runs the CLI entry point with captured writers.</summary>
internal static class CliRunner
{
    public static CliRun Run(params string[] args) => Run(false, args);

    public static CliRun Run(bool stderrIsTerminal, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = JourneyKitCli.Run(args, stdout, stderr, stderrIsTerminal);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }
}

internal sealed record CliRun(int Exit, string Out, string Err);
