using System.CommandLine;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model.Patterns;

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
        Option<string[]> stepWithin = CliStepConstraints.Within();
        Option<string[]> stepAfter = CliStepConstraints.After();
        var hold = new Option<string>("--hold")
        {
            Description = "Hold an event attribute constant: a chain's later steps must carry the value its step 1 has (each value is its own funnel; events without the attribute are ignored; a customer's level is its best value's).",
            HelpName = "ATTRIBUTE",
        };
        var maxHeld = new Option<int>("--max-held-values")
        {
            Description = "With --hold: the most distinct values per customer; past it the command fails with a message naming the customer.",
            DefaultValueFactory = _ => WindowFunnel.DefaultMaxHeldValues,
            HelpName = "N",
        };
        var explain = new Option<string>("--explain")
        {
            Description = "Explain one customer instead (JSON): the chain kept for its level (event id, timestamp, touchpoint and times per step), the event that stopped the search under a mode, and the latest next-step event that did not fit, with the reason.",
            HelpName = "CUSTOMER",
        };
        Option<OutputFormat> format = CliOptions.Format();
        var input = new CliEventOptions();
        var command = new Command("funnel", "Compute the furthest window-funnel step each customer reached (ClickHouse windowFunnel semantics).")
        {
            events, steps, window, mode, stepWithin, stepAfter, hold, maxHeld, explain, format,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit funnel --events samples/data/ecommerce-purchase.events.csv --steps web.browse,cart.add,checkout.start,order.placed --window 2d",
            "journeykit funnel --events events.csv --steps a,b,c --window 1h --mode strict_order,allow_reentry --format json",
            "journeykit funnel --events events.csv --steps s1,s2,s3 --window 30d --step-within 1-2:1d --step-after 2-3:7d",
            "journeykit funnel --events events.csv --steps view,cart.add,checkout --window 1h --mode strict_deduplication --explain c0042",
            "journeykit funnel --events events.jsonl --steps cart.add,checkout,pay --window 1d --hold order_id");
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
                List<FunnelStepConstraint> constraints = CliStepConstraints.Parse(parse.GetValue(stepWithin), parse.GetValue(stepAfter), names.Length);
                funnel = WindowFunnel.Create(
                    Array.ConvertAll(names, EventCondition.Touchpoint),
                    new WindowFunnelOptions
                    {
                        Window = parse.GetValue(window),
                        Mode = modes,
                        StepConstraints = constraints,
                        HoldAttribute = parse.GetValue(hold),
                        MaxHeldValues = parse.GetValue(maxHeld),
                    });
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new CliUsageException(e.Message);
            }

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), input.Get(parse));
            if (parse.GetValue(explain) is { } customer)
            {
                WindowFunnelExplanation? found;
                try
                {
                    found = funnel.Explain(batch, customer);
                }
                catch (InvalidOperationException e) when (funnel.HoldAttribute is not null)
                {
                    throw new CliProblemsException([e.Message]);
                }

                WindowFunnelExplanation explanation = found
                    ?? throw new CliUsageException($"--explain: customer '{customer}' has no events in {parse.GetRequiredValue(events)}");
                WriteExplanation(context.Stdout, funnel, explanation);
                return CliExitCode.Ok;
            }

            WindowFunnelResult result;
            try
            {
                result = funnel.Evaluate(batch, Environment.ProcessorCount);
            }
            catch (InvalidOperationException e) when (funnel.HoldAttribute is not null)
            {
                throw new CliProblemsException([e.Message]);
            }

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
                CliJson.WriteSeconds(json, "window_seconds", funnel.Window);
                json.WriteStartArray("modes");
                foreach (string name in WindowFunnel.ModeNames(funnel.Mode))
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
                if (funnel.HoldAttribute is { } held)
                {
                    json.WriteString("hold", held);
                }

                json.WriteStartArray("step_constraints");
                foreach (FunnelStepConstraint c in funnel.StepConstraints)
                {
                    json.WriteStartObject();
                    json.WriteNumber("from_step", c.ToStep - 1);
                    json.WriteNumber("to_step", c.ToStep);
                    CliJson.WriteSeconds(json, "min_seconds", c.MinTime);
                    if (Duration.IsUnbounded(c.MaxTime))
                    {
                        json.WriteNull("max_seconds");
                    }
                    else
                    {
                        CliJson.WriteSeconds(json, "max_seconds", c.MaxTime);
                    }

                    json.WriteEndObject();
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
            string share = DisplayFormat.Share(reached, total);
            rows.Add([(k + 1).ToString(inv), funnel.Steps[k].TouchpointSet[0], DisplayFormat.Count(reached), share]);
        }

        string constraints = string.Join(", ", funnel.StepConstraints.Select(Describe));
        output.WriteLine($"{DisplayFormat.Count(total)} customers; window {JourneyKit.Duration.Format(funnel.Window)}; modes: {string.Join(", ", WindowFunnel.ModeNames(funnel.Mode)) switch { "" => "none", var m => m }}{(constraints.Length == 0 ? string.Empty : "; steps " + constraints)}");
        CliOutput.WriteTable(output, ["step", "touchpoint", "customers", "share"], rows);
    }

    /// <summary>Writes a window funnel explanation as JSON (the shape of <c>funnel --explain</c>; also <c>analyze --funnel … --explain</c>).</summary>
    internal static void WriteExplanation(TextWriter output, WindowFunnel funnel, WindowFunnelExplanation x) => CliOutput.WriteJson(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("customer_id", x.CustomerId);
        json.WriteNumber("level", x.Level);
        json.WriteNumber("step_count", funnel.StepCount);
        if (funnel.HoldAttribute is { } held)
        {
            json.WriteString("hold", held);
            json.WriteString("held_value", x.HeldValue);
        }

        json.WriteStartArray("modes");
        foreach (string name in WindowFunnel.ModeNames(funnel.Mode))
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteStartArray("chain");
        foreach (FunnelChainStep s in x.Chain)
        {
            json.WriteStartObject();
            json.WriteNumber("step", s.Step);
            json.WriteString("touchpoint", s.Touchpoint);
            json.WriteString("event_id", s.EventId);
            CliJson.WriteInstant(json, "timestamp", s.Timestamp);
            CliJson.WriteSeconds(json, "since_start_seconds", s.SinceStart);
            if (s.SincePrevious is { } previous)
            {
                CliJson.WriteSeconds(json, "since_previous_seconds", previous);
            }
            else
            {
                json.WriteNull("since_previous_seconds");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        Reason(json, "stopped", x.Stopped);
        Reason(json, "next_step", x.NextStep);
        json.WriteEndObject();
    });

    private static void Reason(System.Text.Json.Utf8JsonWriter json, string name, FunnelStopReason? reason)
    {
        if (reason is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("code", reason.Code);
        json.WriteNumber("step", reason.Step);
        json.WriteString("touchpoint", reason.Touchpoint);
        json.WriteString("event_id", reason.EventId);
        CliJson.WriteInstant(json, "timestamp", reason.Timestamp);
        json.WriteString("message", reason.Message);
        json.WriteEndObject();
    }


    /// <summary>A constraint in words: <c>2-3 after 7d within 20d</c>.</summary>
    internal static string Describe(FunnelStepConstraint c)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{c.ToStep - 1}-{c.ToStep}");
        if (c.MinTime > TimeSpan.Zero)
        {
            text += " after " + JourneyKit.Duration.Format(c.MinTime);
        }

        if (!JourneyKit.Duration.IsUnbounded(c.MaxTime))
        {
            text += " within " + JourneyKit.Duration.Format(c.MaxTime);
        }

        return text;
    }
}
