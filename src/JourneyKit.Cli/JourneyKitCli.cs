using System.CommandLine;
using System.CommandLine.Invocation;
using JourneyKit.Cli.Commands;

namespace JourneyKit.Cli;

/// <summary>
/// The testable entry point of the <c>journeykit</c> tool: builds the command tree, parses, runs, and maps failures to
/// exit codes (<see cref="CliExitCode"/>). Data goes to stdout, messages to stderr.
/// </summary>
/// <remarks>
/// To add a command: write <c>Commands/XCommand.cs</c> with <c>internal static Command Create(CliContext context)</c>
/// and add one line to <see cref="CreateRootCommand"/>. Actions return an exit code and let library exceptions
/// propagate; <see cref="CliErrors"/> turns them into messages and exit codes.
/// </remarks>
internal static class JourneyKitCli
{
    /// <summary>Runs the tool.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Where data and help go.</param>
    /// <param name="stderr">Where messages, problems and the progress bar go.</param>
    /// <param name="stderrIsTerminal">Whether stderr is an interactive terminal (progress bars are drawn only then);
    /// null: ask the console (<see cref="Console.IsErrorRedirected"/>).</param>
    /// <param name="stdin">Opens standard input (for <c>--events -</c>); null: the console's.</param>
    /// <returns>The exit code: 0 ok, 1 problems found or bad input, 2 usage or I/O error.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool? stderrIsTerminal = null, Func<Stream>? stdin = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(stdout, stderr, stderrIsTerminal ?? !Console.IsErrorRedirected, stdin);
        RootCommand root = CreateRootCommand(context);
        ParseResult parse = root.Parse(args);
        if (parse.Action is ParseErrorAction || (parse.Errors.Count > 0 && parse.Action is null))
        {
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                stderr.WriteLine(CliMessages.UsagePrefix + error.Message);
            }

            stderr.WriteLine(CliMessages.SeeHelp(CommandPath(parse.CommandResult.Command)));
            return CliExitCode.UsageOrIoError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return parse.Invoke(configuration);
        }
        catch (Exception e) when (CliErrors.IsHandled(e))
        {
            return CliErrors.Report(e, context);
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    /// <summary>Builds the command tree.</summary>
    /// <param name="context">The writers and terminal facts the commands use.</param>
    /// <returns>The root command.</returns>
    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(CliMessages.RootDescription);
        root.Add(ValidateCommand.Create(context));
        root.Add(GenerateCommand.Create(context));
        root.Add(EventsCommand.Create(context));
        root.Add(FunnelCommand.Create(context));
        root.Add(AnalyzeCommand.Create(context));
        root.Add(ReportCommand.Create(context));
        root.Add(MatchCommand.Create(context));
        root.Add(ScoreCommand.Create(context));
        root.Add(CustomersCommand.Create(context));
        root.Add(PathsCommand.Create(context));
        root.Add(BacktestCommand.Create(context));
        root.Add(EraseCommand.Create(context));
        CliHelp.AddExamples(root, CliMessages.RootExamples);
        CliHelp.Install(root);
        return root;
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = s.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? CliMessages.ToolName : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
