using System.Globalization;
using System.Text.Json;

namespace JourneyKit.Cli;

/// <summary>Every message text of the tool that is not a command or option description.</summary>
internal static class CliMessages
{
    public const string ToolName = "journeykit";

    public const string UsagePrefix = "journeykit: ";

    public const string RootDescription =
        "JourneyKit: model customer journeys, feed them events from every channel, and find where customers are, who is stuck and why.";

    public static readonly string[] RootExamples =
    [
        "journeykit validate samples/data/retail-bank-account-opening.journey.json",
        "journeykit generate --journey samples/data/retail-bank-account-opening.journey.json --customers 2000 --seed 1 --out events.csv",
        "journeykit events events.csv --format json",
    ];

    public static string NotGrouped(string path, string customer, string tempDirectory) =>
        $"note: {Path.GetFileName(path)} is not grouped by customer (customer '{customer}' comes back after other customers): sorting it by customer in a temporary file in {tempDirectory} (set TMPDIR to use another directory); a file sorted by customer reads faster";

    public static string SeeHelp(string commandPath) => $"Run '{commandPath} --help' for usage.";

    public static string FileNotFound(string? path, string message) =>
        path is null ? UsagePrefix + message : $"{UsagePrefix}file not found: {path}";

    public static string IoError(string message) => UsagePrefix + message;

    public static string InvalidJson(JsonException e)
    {
        string where = e.LineNumber is long line ? $"line {(line + 1).ToString(CultureInfo.InvariantCulture)}" : string.Empty;
        string path = string.IsNullOrEmpty(e.Path) ? string.Empty : (where.Length > 0 ? ", " : string.Empty) + e.Path;
        return where.Length + path.Length > 0 ? $"{where}{path}: {e.Message}" : e.Message;
    }

    public const string Cancelled = UsagePrefix + "cancelled";

    public static string Internal(Exception e) =>
        $"{UsagePrefix}unexpected error (a bug; please report it with this text):{Environment.NewLine}{e}";

    public static string BadFormat(string text) => $"'{text}' is not an output format; use 'table' or 'json'";

    public static string UnknownEventFile(string path) =>
        $"cannot tell the format of '{path}'; the file name must end in .csv, .jsonl, .ndjson or .xes (optionally followed by .gz), or be '-' for standard input";

    public static string OutputIsInput(string option, string output, string input) =>
        $"{option} '{output}' is the input '{input}'; write the output to another file";

    public static string OutputNotRegular(string option, string output, string kind) =>
        $"{option} '{output}' is {kind}; journeykit writes only regular files";

    public static string UnknownTimeZone(string zone) =>
        $"--time-zone '{zone}' is not a time zone known here; use an IANA name such as Europe/Amsterdam, America/New_York or UTC";

    public static string FormatNeedsTimeZone(string format) =>
        $"--timestamp-format '{format}' has no UTC offset, so the times are local; add --time-zone (for example --time-zone Europe/Amsterdam, or --time-zone UTC if they are UTC)";

    public static string BadLifecycle(string value) => $"--lifecycle '{value}': use ignore, complete or append";

    public static string Summary(string what, long count) => $"{what}: {DisplayFormat.Count(count)}";
}
