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

    /// <summary>
    /// Rewrites the built-in help's defaults the way the tool writes values: <c>[default: table]</c> (snake_case enum
    /// values, as <c>--format</c> accepts them), <c>[default: 14d]</c> (the duration syntax) and
    /// <c>[default: 2026-01-01T00:00:00Z]</c> (ISO-8601 UTC), not .NET's <c>Table</c>, <c>14.00:00:00</c> and
    /// culture-dependent dates.
    /// </summary>
    internal static string DefaultsInOutputStyle(string help, Command command)
    {
        foreach (Option option in command.Options)
        {
            if (!option.HasDefaultValue)
            {
                continue;
            }

            object? value = option.GetDefaultValue();
            string? text = value switch
            {
                Enum e => CliJson.Name(e),
                TimeSpan t => JourneyKit.Duration.Format(t),
                DateTimeOffset d => DisplayFormat.Instant(d),
                _ => null,
            };
            if (text is not null && Convert.ToString(value, System.Globalization.CultureInfo.CurrentCulture) is { } dotnet)
            {
                help = help.Replace("[default: " + dotnet + "]", "[default: " + text + "]", StringComparison.Ordinal);
            }
        }

        return help;
    }

    private sealed class ExamplesHelpAction(CommandLineAction inner) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            var builtIn = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            int exit;
            parseResult.InvocationConfiguration.Output = builtIn;
            try
            {
                exit = inner is SynchronousCommandLineAction sync ? sync.Invoke(parseResult) : 0;
            }
            finally
            {
                parseResult.InvocationConfiguration.Output = output;
            }

            output.Write(DefaultsInOutputStyle(builtIn.ToString(), parseResult.CommandResult.Command));
            if (Examples.TryGetValue(parseResult.CommandResult.Command, out string[]? examples) && examples.Length > 0)
            {
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
