using System.CommandLine;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit match --events FILE (--pattern "PATTERN" | --clickhouse "(?1).*(?2)" --cond A --cond B) [--format json|table]</c>:
/// whether each customer matches a pattern and how many non-overlapping matches. The JSON shape is a fixed contract
/// (docs/patterns.md).
/// </summary>
internal static class MatchCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> events = CliOptions.EventsOption();
        var pattern = new Option<string>("--pattern", "-p") { Description = "The pattern (docs/patterns.md), e.g. \"cart.add .* (checkout.start | payment.failed) within 1h\".", HelpName = "PATTERN" };
        var clickhouse = new Option<string>("--clickhouse")
        {
            Description = "A ClickHouse sequenceMatch pattern instead of --pattern, e.g. \"(?1).*(?t>3600)(?2)\" (time in seconds); (?N) is the N-th --cond. Only events satisfying some condition count, as in ClickHouse.",
            HelpName = "PATTERN",
        };
        var conditions = new Option<string[]>("--cond")
        {
            Description = "With --clickhouse, a condition in order (repeat the option): a touchpoint or an event with predicates, e.g. cart.add or \"pay{value>100}\".",
            HelpName = "condition",
            AllowMultipleArgumentsPerToken = false,
        };
        var explain = new Option<string>("--explain")
        {
            Description = "Explain one customer instead (JSON): matched or not, the number of matches, and the event (id, timestamp, touchpoint) at which the pattern first completed, replaying the streaming state event by event.",
            HelpName = "CUSTOMER",
        };
        Option<OutputFormat> format = CliOptions.Format();
        var input = new CliEventOptions();
        var command = new Command("match", "Match a pattern against each customer's events: matched or not, and the number of non-overlapping matches.")
        {
            events, pattern, clickhouse, conditions, explain, format,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit match --events samples/data/ecommerce-purchase.events.csv --pattern \"payment.failed .* chat.question within 1h\"",
            "journeykit match -e events.csv -p \"^ web.browse [cart.add cart.view]+ checkout.start\" --format json",
            "journeykit match -e events.csv -p \"cart.add ~~(..1d) checkout.start ~~(7d..) cart.add\"",
            "journeykit match -e events.csv --clickhouse \"(?1).*(?t>3600)(?2)\" --cond cart.add --cond checkout.start",
            "journeykit match -e events.csv -p \"cart.add .* checkout.start within 1h\" --explain c0042");
        command.SetAction(parse =>
        {
            string? native = parse.GetValue(pattern);
            string? ch = parse.GetValue(clickhouse);
            string[] conds = parse.GetValue(conditions) ?? [];
            if ((native is null) == (ch is null))
            {
                throw new CliUsageException("give either --pattern or --clickhouse (with --cond for each condition)");
            }

            if (ch is not null && conds.Length == 0)
            {
                throw new CliUsageException("--clickhouse needs its conditions: --cond A --cond B … ((?1) is the first)");
            }

            if (native is not null && conds.Length > 0)
            {
                throw new CliUsageException("--cond goes with --clickhouse; a --pattern names its events itself");
            }

            string text = native ?? ch!;
            CompiledPattern compiled;
            try
            {
                compiled = native is not null ? CompiledPattern.Compile(native) : ClickHousePattern.Compile(ch!, conds);
            }
            catch (PatternSyntaxException e)
            {
                throw new CliProblemsException([$"{(native is not null ? "--pattern" : e.Pattern == ch ? "--clickhouse" : "--cond")}: {e.Message}"]);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--cond: " + e.Message);
            }

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), input.Get(parse));
            if (parse.GetValue(explain) is { } customer)
            {
                Explain(context.Stdout, text, compiled, batch, customer, parse.GetRequiredValue(events));
                return CliExitCode.Ok;
            }

            PatternMatch[] results = compiled.Evaluate(batch, Environment.ProcessorCount);
            Write(context.Stdout, parse.GetValue(format), text, batch, results);
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>--explain CUSTOMER</c>: replays the customer's events through the pattern's streaming state (allocating) and
    /// reports the first event after which the state says "matched".
    /// </summary>
    private static void Explain(TextWriter output, string pattern, CompiledPattern compiled, EventBatch batch, string customer, string eventsPath)
    {
        int found = -1;
        for (int run = 0; run < batch.CustomerCount && found < 0; run++)
        {
            found = batch.Customers[batch.CustomerOfRun(run)] == customer ? run : -1;
        }

        if (found < 0)
        {
            throw new CliUsageException($"--explain: customer '{customer}' has no events in {eventsPath}");
        }

        PatternState state = compiled.CreateState();
        var customerEvents = new List<JourneyEvent>();
        JourneyEvent? completed = null;
        int completedIndex = -1;
        int start = batch.CustomerStarts[found];
        int end = batch.CustomerStarts[found + 1];
        for (int row = start; row < end; row++)
        {
            JourneyEvent e = batch.GetEvent(row);
            customerEvents.Add(e);
            compiled.Advance(state, e);
            if (completed is null && compiled.GetResult(state).Matched)
            {
                completed = e;
                completedIndex = row - start;
            }
        }

        PatternMatch result = compiled.GetResult(state);
        PatternExplanation explanation = compiled.Explain(customerEvents);
        CliOutput.WriteJson(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("customer_id", customer);
            json.WriteString("pattern", pattern);
            json.WriteBoolean("matched", result.Matched);
            json.WriteNumber("count", result.Count);
            json.WriteNumber("events", end - start);
            if (completed is null)
            {
                json.WriteNull("completed_at");
            }
            else
            {
                json.WriteStartObject("completed_at");
                json.WriteNumber("index", completedIndex);
                json.WriteString("event_id", completed.EventId);
                CliJson.WriteInstant(json, "timestamp", completed.Timestamp);
                json.WriteString("touchpoint", completed.Touchpoint);
                json.WriteEndObject();
            }

            // The chain: for each matched pattern atom the event, and the time since the previous step.
            json.WriteNumber("items", explanation.Items);
            json.WriteNumber("items_matched", explanation.ItemsMatched);
            json.WriteStartArray("chain");
            foreach (PatternChainStep step in explanation.Chain)
            {
                json.WriteStartObject();
                json.WriteString("item", step.Item);
                json.WriteNumber("index", step.Index);
                json.WriteString("event_id", step.EventId);
                CliJson.WriteInstant(json, "timestamp", step.Timestamp);
                json.WriteString("touchpoint", step.Touchpoint);
                CliJson.WriteSeconds(json, "since_previous_seconds", step.SincePrevious);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (explanation.StoppedBecause is { } why)
            {
                json.WriteString("stopped_because", why);
            }
            else
            {
                json.WriteNull("stopped_because");
            }

            json.WriteEndObject();
        });
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
            [DisplayFormat.Count(results.Length), DisplayFormat.Count(matched), DisplayFormat.Share(matched, results.Length), DisplayFormat.Count(total)],
        ]);
    }
}
