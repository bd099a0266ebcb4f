using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Synthetic;

namespace JourneyKit.Cli.Commands;

/// <summary><c>journeykit generate</c>: writes realistic synthetic events for a journey.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var journeyOption = new Option<string>("--journey", "-j") { Description = "The journey definition (.json).", Required = true, HelpName = "file" };
        var customers = new Option<int>("--customers", "-n")
        {
            Description = "How many customers to generate (about 5 events each).",
            DefaultValueFactory = _ => 1000,
            Validators = { r => NotNegative(r) },
        };
        var seed = new Option<ulong>("--seed", "-s") { Description = "The seed: the same seed gives the same file, on every machine.", DefaultValueFactory = _ => 1UL };
        var output = new Option<string>("--out", "-o")
        {
            Description = "The events file to write: .csv, .jsonl or .ndjson, optionally .gz; replaced atomically when complete (never a device, a directory or an input).",
            Required = true,
            HelpName = "file",
            Validators = { ValidateOutputName },
        };
        var start = new Option<DateTimeOffset>("--start")
        {
            Description = "The earliest start of a customer's journey, ISO-8601 (UTC when no offset is given).",
            HelpName = "time",
            DefaultValueFactory = _ => new SyntheticEventOptions().Start,
            CustomParser = ParseStart,
        };
        Option<TimeSpan> arrival = CliOptions.Duration("--arrival-window", "Customers start at --start plus a random part of this window.", new SyntheticEventOptions().ArrivalWindow);
        Option<OutputFormat> format = CliOptions.Format();
        var command = new Command("generate", "Generate realistic, reproducible events for a journey: personas, channel switches, stuck customers, drop-outs, failures, backtracks, equal timestamps, duplicated and out-of-order events. Prints a summary.")
        {
            journeyOption,
            customers,
            seed,
            output,
            start,
            arrival,
            format,
        };
        CliHelp.AddExamples(
            command,
            "journeykit generate --journey samples/data/retail-bank-account-opening.journey.json --customers 2000 --seed 1 --out events.csv",
            "journeykit generate -j shop.journey.json -n 2000000 -o big.csv.gz --start 2026-03-01T00:00:00Z --arrival-window 60d");
        command.SetAction(parse =>
        {
            Journey journey = JourneyJson.LoadFile(parse.GetRequiredValue(journeyOption));
            var options = new SyntheticEventOptions
            {
                Customers = parse.GetValue(customers),
                Seed = parse.GetValue(seed),
                Start = parse.GetValue(start),
                ArrivalWindow = parse.GetValue(arrival),
            };
            var generator = new SyntheticEventGenerator(journey, options);
            string path = parse.GetRequiredValue(output);
            SyntheticEventSummary summary = default!;
            CliOutputFile.Write(path, "--out", [parse.GetRequiredValue(journeyOption)], stream =>
            {
                using EventWriter writer = CreateWriter(stream, path, generator.AttributeKeys);
                summary = generator.Generate(writer);
            });
            Write(context.Stdout, parse.GetValue(format), summary);
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>An event writer on <paramref name="stream"/> for the format of <paramref name="path"/>; disposing it
    /// finishes the gzip data, if any, and leaves the stream open.</summary>
    private static EventWriter CreateWriter(Stream stream, string path, IReadOnlyList<string> keys)
    {
        EventFileFormat format = EventFile.DetectFormat(path);
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        Stream target = gzip ? new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true) : stream;
        return format == EventFileFormat.Csv
            ? new CsvEventWriter(new StreamWriter(target, new UTF8Encoding(false), 1 << 16, leaveOpen: !gzip), keys, leaveOpen: false)
            : new JsonLinesEventWriter(target, keys, leaveOpen: !gzip);
    }

    private static void Write(TextWriter stdout, OutputFormat format, SyntheticEventSummary s)
    {
        (string Name, long Value)[] rows =
        [
            ("customers", s.Customers),
            ("events", s.Events),
            ("duplicates", s.Duplicates),
            ("out_of_order", s.OutOfOrder),
            ("converted", s.Converted),
            ("dropped_out", s.DroppedOut),
            ("failed", s.Failed),
            ("stuck_stages", s.StuckStages),
            ("backtracks", s.Backtracks),
            ("channel_switches", s.ChannelSwitches),
        ];
        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(stdout, json =>
            {
                json.WriteStartObject();
                foreach ((string name, long value) in rows)
                {
                    json.WriteNumber(name, value);
                }

                json.WriteEndObject();
            });
            return;
        }

        CliOutput.WriteTable(stdout, ["measure", "value"], rows.Select(r => (IReadOnlyList<string>)[r.Name, DisplayFormat.Count(r.Value)]).ToList());
    }

    private static void NotNegative(OptionResult result)
    {
        if (result.GetValueOrDefault<int>() < 0)
        {
            result.AddError("--customers must be 0 or more");
        }
    }

    private static void ValidateOutputName(OptionResult result)
    {
        string? path = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (path is not null && !EventFile.TryDetectFormat(path, out _))
        {
            result.AddError(CliMessages.UnknownEventFile(path));
        }
    }

    private static DateTimeOffset ParseStart(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a date-time; use ISO-8601 such as 2026-01-01T00:00:00Z");
        return default;
    }
}
