using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace JourneyKit.Cli;

/// <summary>Adds an "Examples:" section to the built-in help of every command.</summary>
internal static class CliHelp
{
    private static readonly ConditionalWeakTable<Command, string[]> Examples = [];

    /// <summary>Registers example command lines shown under <c>--help</c> of <paramref name="command"/>.</summary>
    public static T AddExamples<T>(T command, params string[] examples)
        where T : Command
    {
        Examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The example command lines registered for <paramref name="command"/> (empty if none).</summary>
    internal static IReadOnlyList<string> ExamplesOf(Command command) =>
        Examples.TryGetValue(command, out string[]? examples) ? examples : [];

    /// <summary>Wraps the root's help action so that help output ends with the command's examples.</summary>
    public static void Install(RootCommand root)
    {
        foreach (Option option in root.Options)
        {
            if (option is HelpOption help && help.Action is CommandLineAction inner)
            {
                help.Action = new ExamplesHelpAction(inner);
            }
        }
    }

    private sealed class ExamplesHelpAction(CommandLineAction inner) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int exit = inner is SynchronousCommandLineAction sync ? sync.Invoke(parseResult) : 0;
            if (Examples.TryGetValue(parseResult.CommandResult.Command, out string[]? examples) && examples.Length > 0)
            {
                TextWriter output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (string example in examples)
                {
                    output.WriteLine("  " + example);
                }

                output.WriteLine();
            }

            return exit;
        }
    }
}
