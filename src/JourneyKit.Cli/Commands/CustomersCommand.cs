using System.CommandLine;
using System.Text.Json;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit customers --journey J --events E [--as-of T] [--state S] [--stage X] [--furthest X] [--segment dim=value]
/// [--last-touchpoint tp] [--at-risk] [--format table|json|csv]</c>: the runs behind any count of <c>analyze</c>; the CSV
/// goes back into <c>score</c>, <c>analyze</c> and <c>report</c> as <c>--customers FILE</c>.
/// </summary>
internal static class CustomersCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> journeyOption = CliOptions.JourneyOption();
        Option<string> events = CliOptions.EventsOption();
        Option<string> asOf = CliOptions.AsOf("states are judged at");
        var state = new Option<string>("--state") { Description = "Only runs in this lifecycle state: in_progress, stuck, dormant, converted or failed.", HelpName = "state" };
        var stage = new Option<string>("--stage") { Description = "Only runs whose current stage is this (stage id).", HelpName = "stage" };
        var furthest = new Option<string>("--furthest") { Description = "Only runs whose furthest designed stage is this (with --state dormant: the runs that dropped there).", HelpName = "stage" };
        var segment = new Option<string>("--segment") { Description = "Only runs of a segment: persona=ID, channel=NAME, first_channel=NAME or cohort=2026-W05.", HelpName = "dim=value" };
        var last = new Option<string>("--last-touchpoint") { Description = "Only runs whose last touchpoint is this (with --state dormant: a dead-end hotspot).", HelpName = "touchpoint" };
        var atRisk = new Option<bool>("--at-risk") { Description = "Only runs flagged at risk of not progressing before their standard time." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: table, json or csv (the csv is accepted back by --customers).", DefaultValueFactory = _ => "table", HelpName = "format" };
        Option<string> customers = CliOptions.CustomersFilter();
        var input = new CliEventOptions();
        var command = new Command("customers", "List the customers behind a count: stuck in a stage, dropped at a step, a dead-end hotspot, a segment, at risk. Export them as CSV for --customers.")
        {
            journeyOption, events, asOf, state, stage, furthest, segment, last, atRisk, format, customers,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit customers --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv --state stuck",
            "journeykit customers -j journey.json -e events.csv --state dormant --furthest verify --format csv > dropped-at-verify.csv");
        command.SetAction(parse =>
        {
            (CompiledJourney journey, EventBatch batch, DateTimeOffset when) = AnalyzeCommand.Load(context, parse.GetRequiredValue(journeyOption), parse.GetRequiredValue(events), parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers));
            LifecycleState? wanted = parse.GetValue(state) is { } name ? ParseState(name) : null;
            (string? dimension, string? value) = (null, null);
            if (parse.GetValue(segment) is { } seg)
            {
                int eq = seg.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new CliUsageException($"--segment: '{seg}' is not DIMENSION=VALUE, e.g. persona=switcher or cohort=2026-W05");
                }

                (dimension, value) = (seg[..eq], seg[(eq + 1)..]);
            }

            var filter = new CustomerFilter
            {
                State = wanted,
                Stage = parse.GetValue(stage),
                FurthestStage = parse.GetValue(furthest),
                SegmentDimension = dimension,
                SegmentValue = value,
                LastTouchpoint = parse.GetValue(last),
                AtRisk = parse.GetValue(atRisk),
            };
            IReadOnlyList<CustomerRow> rows;
            try
            {
                rows = new JourneyAnalyzer(journey).ListCustomers(batch, when, filter);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message);
            }

            switch (parse.GetValue(format))
            {
                case "csv":
                    CustomerList.Write(context.Stdout, rows);
                    break;
                case "json":
                    CliOutput.WriteJson(context.Stdout, json => WriteJson(json, journey, when, rows));
                    break;
                case "table":
                    var table = new List<IReadOnlyList<string>>(rows.Count);
                    foreach (CustomerRow r in rows)
                    {
                        table.Add([r.Run == 1 ? r.CustomerId : $"{r.CustomerId} (run {r.Run})", CustomerList.StateName(r.State), r.StageId ?? "-", AnalyzeCommand.D(r.TimeInStage), r.OverdueBy > TimeSpan.Zero ? AnalyzeCommand.D(r.OverdueBy) : DisplayFormat.Missing, r.Persona ?? "-", r.LastTouchpoint ?? "-"]);
                    }

                    CliOutput.WriteTable(context.Stdout, ["customer", "state", "stage", "in stage", "overdue", "persona", "last touchpoint"], table);
                    context.Stdout.WriteLine($"{DisplayFormat.Count(rows.Count)} customers as of {DisplayFormat.Instant(when)}");
                    break;
                default:
                    throw new CliUsageException($"--format: '{parse.GetValue(format)}' is not table, json or csv");
            }

            return CliExitCode.Ok;
        });
        return command;
    }

    private static LifecycleState ParseState(string name) => name switch
    {
        "in_progress" => LifecycleState.InProgress,
        "stuck" => LifecycleState.Stuck,
        "dormant" => LifecycleState.Dormant,
        "converted" => LifecycleState.Converted,
        "failed" => LifecycleState.Failed,
        _ => throw new CliUsageException($"--state: '{name}' is not a lifecycle state; expected in_progress, stuck, dormant, converted or failed"),
    };

    private static void WriteJson(Utf8JsonWriter json, CompiledJourney journey, DateTimeOffset asOf, IReadOnlyList<CustomerRow> rows)
    {
        json.WriteStartObject();
        json.WriteString("journey_id", journey.Journey.Id);
        CliJson.WriteInstant(json, "as_of", asOf);
        json.WriteNumber("count", rows.Count);
        json.WriteStartArray("customers");
        foreach (CustomerRow r in rows)
        {
            json.WriteStartObject();
            json.WriteString("customer_id", r.CustomerId);
            json.WriteNumber("run", r.Run);
            json.WriteString("state", CustomerList.StateName(r.State));
            json.WriteString("stage_id", r.StageId);
            json.WriteString("furthest_stage_id", r.FurthestStageId);
            CliJson.WriteSeconds(json, "time_in_stage_seconds", r.TimeInStage);
            CliJson.WriteSeconds(json, "overdue_by_seconds", r.OverdueBy);
            json.WriteString("persona", r.Persona);
            json.WriteString("first_channel", r.FirstChannel);
            json.WriteString("cohort", r.Cohort);
            json.WriteString("last_touchpoint", r.LastTouchpoint);
            json.WriteString("last_channel", r.LastChannel);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
