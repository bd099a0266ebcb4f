using System.CommandLine;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit match --events FILE --pattern "PATTERN" [--format json|table]</c>: whether each customer matches a
/// pattern and how many non-overlapping matches. The JSON shape is a fixed contract (docs/patterns.md).
/// </summary>
internal static class MatchCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> events = CliOptions.EventsOption();
        var pattern = new Option<string>("--pattern", "-p") { Description = "The pattern (docs/patterns.md), e.g. \"cart.add .* (checkout.start | payment.failed) within 1h\".", Required = true, HelpName = "PATTERN" };
        Option<OutputFormat> format = CliOptions.Format();
        var input = new CliEventOptions();
        var command = new Command("match", "Match a pattern against each customer's events: matched or not, and the number of non-overlapping matches.")
        {
            events, pattern, format,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit match --events samples/data/ecommerce-purchase.events.csv --pattern \"payment.failed .* chat.question within 1h\"",
            "journeykit match -e events.csv -p \"^ web.browse [cart.add cart.view]+ checkout.start\" --format json");
        command.SetAction(parse =>
        {
            string text = parse.GetRequiredValue(pattern);
            CompiledPattern compiled;
            try
            {
                compiled = CompiledPattern.Compile(text);
            }
            catch (PatternSyntaxException e)
            {
                throw new CliProblemsException([$"--pattern: {e.Message}"]);
            }

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), input.Get(parse));
            PatternMatch[] results = compiled.Evaluate(batch, Environment.ProcessorCount);
            Write(context.Stdout, parse.GetValue(format), text, batch, results);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void Write(TextWriter output, OutputFormat format, string pattern, EventBatch batch, PatternMatch[] results)
    {
        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("pattern", pattern);
                json.WriteStartObject("customers");
                for (int run = 0; run < results.Length; run++)
                {
                    json.WriteStartObject(batch.Customers[batch.CustomerOfRun(run)]);
                    json.WriteBoolean("matched", results[run].Matched);
                    json.WriteNumber("count", results[run].Count);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
                json.WriteEndObject();
            });
            return;
        }

        CultureInfo inv = CultureInfo.InvariantCulture;
        int matched = results.Count(r => r.Matched);
        long total = results.Sum(r => (long)r.Count);
        output.WriteLine($"pattern: {pattern}");
        CliOutput.WriteTable(output, ["customers", "matched", "share", "matches"],
        [
            [results.Length.ToString("N0", inv), matched.ToString("N0", inv), results.Length == 0 ? "-" : (matched / (double)results.Length).ToString("P1", inv), total.ToString("N0", inv)],
        ]);
    }
}
