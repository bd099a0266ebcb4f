using System.CommandLine;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit funnel --events FILE --steps a,b,c --window 1h [--mode …] [--format json|table]</c>: the ClickHouse
/// window funnel level of every customer. The JSON shape is a fixed contract (docs/funnels.md).
/// </summary>
internal static class FunnelCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> events = CliOptions.EventsOption();
        var steps = new Option<string>("--steps", "-s")
        {
            Description = "The funnel steps, comma-separated touchpoints: step i matches events whose touchpoint is the i-th name (1 to 32 steps).",
            Required = true,
            HelpName = "a,b,c",
        };
        Option<TimeSpan> window = CliOptions.Duration("--window", "The window from step 1 within which later steps must occur (inclusive).");
        window.Required = true;
        var mode = new Option<string>("--mode", "-m")
        {
            Description = "Zero or more modes, comma-separated: strict_order, strict_deduplication, strict_increase, allow_reentry (only with strict_order).",
            HelpName = "modes",
        };
        Option<OutputFormat> format = CliOptions.Format();
        Option<bool> skip = CliOptions.SkipBadRows();
        var command = new Command("funnel", "Compute the furthest window-funnel step each customer reached (ClickHouse windowFunnel semantics).")
        {
            events, steps, window, mode, format, skip,
        };
        CliHelp.AddExamples(
            command,
            "journeykit funnel --events samples/data/ecommerce-purchase.events.csv --steps web.browse,cart.add,checkout.start,order.placed --window 2d",
            "journeykit funnel --events events.csv --steps a,b,c --window 1h --mode strict_order,allow_reentry --format json");
        command.SetAction(parse =>
        {
            string[] names = parse.GetRequiredValue(steps).Split(',', StringSplitOptions.TrimEntries);
            if (Array.Exists(names, n => n.Length == 0) || names.Length > WindowFunnel.MaxSteps)
            {
                throw new CliUsageException($"--steps takes 1 to {WindowFunnel.MaxSteps} non-empty touchpoint names separated by commas");
            }

            WindowFunnelMode modes;
            WindowFunnel funnel;
            try
            {
                modes = WindowFunnel.ParseModes(parse.GetValue(mode));
                funnel = WindowFunnel.Create(names, parse.GetValue(window), modes);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new CliUsageException(e.Message);
            }

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), parse.GetValue(skip));
            WindowFunnelResult result = funnel.Evaluate(batch, Environment.ProcessorCount);
            Write(context.Stdout, parse.GetValue(format), funnel, result);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void Write(TextWriter output, OutputFormat format, WindowFunnel funnel, WindowFunnelResult result)
    {
        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(output, json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("steps");
                foreach (var step in funnel.Steps)
                {
                    json.WriteStringValue(step.TouchpointSet[0]);
                }

                json.WriteEndArray();
                json.WriteNumber("window_seconds", (long)funnel.Window.TotalSeconds);
                json.WriteStartArray("modes");
                foreach (string name in WindowFunnel.ModeNames(funnel.Mode))
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
                json.WriteStartObject("customers");
                for (int run = 0; run < result.CustomerCount; run++)
                {
                    json.WriteNumber(result.CustomerId(run), result.Levels[run]);
                }

                json.WriteEndObject();
                json.WriteStartArray("reached");
                foreach (int count in result.Reached)
                {
                    json.WriteNumberValue(count);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            return;
        }

        CultureInfo inv = CultureInfo.InvariantCulture;
        var rows = new List<IReadOnlyList<string>>();
        int total = result.CustomerCount;
        for (int k = 0; k < funnel.StepCount; k++)
        {
            int reached = result.Reached[k];
            string share = total == 0 ? "-" : (reached / (double)total).ToString("P1", inv);
            rows.Add([(k + 1).ToString(inv), funnel.Steps[k].TouchpointSet[0], reached.ToString("N0", inv), share]);
        }

        output.WriteLine($"{total.ToString("N0", inv)} customers; window {JourneyKit.Duration.Format(funnel.Window)}; modes: {string.Join(", ", WindowFunnel.ModeNames(funnel.Mode)) switch { "" => "none", var m => m }}");
        CliOutput.WriteTable(output, ["step", "touchpoint", "customers", "share"], rows);
    }
}
