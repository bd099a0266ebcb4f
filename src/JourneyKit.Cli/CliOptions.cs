using System.CommandLine;
using System.CommandLine.Parsing;
using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>Options and arguments shared by several commands, so they are spelled and parsed the same everywhere.</summary>
internal static class CliOptions
{
    /// <summary><c>--format table|json</c>; default table.</summary>
    public static Option<OutputFormat> Format() => new("--format", "-f")
    {
        Description = "Output format: 'table' (aligned columns) or 'json' (one document, for scripts).",
        HelpName = "table|json",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = ParseFormat,
    };

    /// <summary>A duration option (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>2d</c>, a plain number of seconds).</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan? defaultValue = null)
    {
        var option = new Option<TimeSpan>(name)
        {
            Description = description + " Durations: 90s, 30m, 1h, 2d, 1h30m; a plain number is seconds; 'unbounded' (or anything beyond ~29,000 years) is no limit.",
            HelpName = "duration",
            CustomParser = ParseDuration,
        };
        if (defaultValue is TimeSpan value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    /// <summary><c>--journey|-j JOURNEY.json</c>, required.</summary>
    public static Option<string> JourneyOption() => new("--journey", "-j") { Description = "The journey definition (.json).", Required = true, HelpName = "JOURNEY.json" };

    /// <summary><c>--events|-e FILE</c>, required.</summary>
    public static Option<string> EventsOption() => new("--events", "-e") { Description = "The events file: .csv, .jsonl, .ndjson or .xes, optionally gzip-compressed (.xes.gz); '-' reads standard input (format and gzip told from the content).", Required = true, HelpName = "FILE", Validators = { r => ValidateEventsFileName(r) } };

    /// <summary><c>--as-of TIMESTAMP</c>: the instant of the analysis; later events are ignored where the command says so.</summary>
    public static Option<string> AsOf(string judged) => new("--as-of")
    {
        Description = $"The instant {judged} (ISO-8601 with offset, or Unix seconds); events after it are ignored. Default: the latest event in the file.",
        HelpName = "TIMESTAMP",
    };

    /// <summary><c>--customers FILE</c>: a cohort filter, the <c>customer_id</c> column of a CSV (e.g. <c>journeykit customers --format csv</c>).</summary>
    public static Option<string> CustomersFilter() => new("--customers")
    {
        Description = "Only these customers: a CSV with a customer_id column, such as the output of 'journeykit customers --format csv'.",
        HelpName = "FILE",
    };

    /// <summary><c>--skip-bad-rows</c>: skip and count bad event rows instead of stopping at the first.</summary>
    public static Option<bool> SkipBadRows() => new("--skip-bad-rows")
    {
        Description = "Skip rows that cannot be read (count them and show the first 10) instead of stopping at the first.",
    };

    /// <summary>An events file argument (<c>.csv</c>, <c>.jsonl</c>, <c>.ndjson</c>, <c>.xes</c>, optionally <c>.gz</c>).</summary>
    public static Argument<string> EventsFile(string name = "EVENTS") => new(name)
    {
        Description = "The events file: .csv, .jsonl, .ndjson or .xes, optionally gzip-compressed (.csv.gz, .xes.gz); '-' reads standard input.",
        Validators = { ValidateEventsFileName },
    };

    internal static OutputFormat ParseFormat(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (text.Equals("table", StringComparison.OrdinalIgnoreCase))
        {
            return OutputFormat.Table;
        }

        if (text.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            return OutputFormat.Json;
        }

        result.AddError(CliMessages.BadFormat(text));
        return OutputFormat.Table;
    }

    internal static TimeSpan ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (JourneyKit.Duration.TryParse(text, DurationStyles.PlainSeconds, out TimeSpan duration, out DurationParseError error))
        {
            return duration;
        }

        result.AddError(JourneyKit.Duration.ErrorMessage(text, error, DurationStyles.PlainSeconds));
        return TimeSpan.Zero;
    }

    private static void ValidateEventsFileName(SymbolResult result)
    {
        string? path = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (path is not null && !EventFile.TryDetectFormat(path, out _) && !CliEventInput.IsStreamPath(path))
        {
            result.AddError(CliMessages.UnknownEventFile(path));
        }
    }
}
