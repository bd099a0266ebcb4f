using System.CommandLine;
using JourneyKit.Events;

namespace JourneyKit.Cli.Commands;

/// <summary><c>journeykit events EVENTS</c>: reads an events file and prints what is in it.</summary>
internal static class EventsCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> file = CliOptions.EventsFile();
        Option<OutputFormat> format = CliOptions.Format();
        var input = new CliEventOptions();
        var command = new Command("events", "Read an events file and summarize it: rows, events, customers, touchpoints, channels, time range, duplicates and bad rows. Exit 1 when a row cannot be read.")
        {
            file,
            format,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit events samples/data/ecommerce-purchase.events.csv",
            "journeykit events events.jsonl.gz --format json",
            "journeykit events export.csv --skip-bad-rows");
        command.SetAction(parse =>
        {
            (EventBatch batch, EventReadSummary summary) = CliEventInput.Read(context, parse.GetRequiredValue(file), input.Get(parse));
            Write(context.Stdout, parse.GetValue(format), batch, summary);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void Write(TextWriter output, OutputFormat format, EventBatch batch, EventReadSummary summary)
    {
        long min = long.MaxValue, max = long.MinValue;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        for (int i = 0; i < ticks.Length; i++)
        {
            min = Math.Min(min, ticks[i]);
            max = Math.Max(max, ticks[i]);
        }

        DateTimeOffset? first = batch.Count > 0 ? new DateTimeOffset(min, TimeSpan.Zero) : null;
        DateTimeOffset? last = batch.Count > 0 ? new DateTimeOffset(max, TimeSpan.Zero) : null;
        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(output, json =>
            {
                json.WriteStartObject();
                json.WriteNumber("rows", summary.Rows);
                json.WriteNumber("events", batch.Count);
                json.WriteNumber("duplicates", summary.Duplicates);
                json.WriteNumber("skipped", summary.Skipped);
                json.WriteNumber("customers", batch.CustomerCount);
                json.WriteNumber("touchpoints", batch.Touchpoints.Count);
                json.WriteStartArray("channels");
                foreach (string channel in batch.Channels.ToList())
                {
                    json.WriteStringValue(channel);
                }

                json.WriteEndArray();
                json.WriteStartArray("attributes");
                foreach (string key in batch.AttributeKeys.ToList())
                {
                    json.WriteStringValue(key);
                }

                json.WriteEndArray();
                if (first is { } from && last is { } to)
                {
                    CliJson.WriteInstant(json, "first", from);
                    CliJson.WriteInstant(json, "last", to);
                }

                json.WriteEndObject();
            });
            return;
        }

        CliOutput.WriteTable(output, ["measure", "value"],
        [
            ["rows", DisplayFormat.Count(summary.Rows)],
            ["events", DisplayFormat.Count(batch.Count)],
            ["duplicates", DisplayFormat.Count(summary.Duplicates)],
            ["skipped", DisplayFormat.Count(summary.Skipped)],
            ["customers", DisplayFormat.Count(batch.CustomerCount)],
            ["touchpoints", DisplayFormat.Count(batch.Touchpoints.Count)],
            ["channels", string.Join(", ", batch.Channels.ToList())],
            ["attributes", string.Join(", ", batch.AttributeKeys.ToList())],
            ["first", DisplayFormat.Instant(first)],
            ["last", DisplayFormat.Instant(last)],
        ]);
    }
}
