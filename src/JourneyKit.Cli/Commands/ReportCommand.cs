using System.CommandLine;
using System.Globalization;
using System.Text;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Reporting;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit report --journey JOURNEY.json --events FILE --out report.html [--as-of T]</c>: the journey analytics as one
/// self-contained HTML page (<see cref="JourneyReport"/>).
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> journeyOption = CliOptions.JourneyOption();
        Option<string> events = CliOptions.EventsOption();
        var output = new Option<string>("--out", "-o") { Description = "The HTML file to write: replaced atomically if it exists (never a device, a directory or an input).", Required = true, HelpName = "report.html" };
        Option<string> asOf = CliOptions.AsOf("stuck, dead ends and risk are judged at; later events are ignored");
        var threshold = new Option<double>("--risk-threshold") { Description = "Flag customers whose risk of not progressing is at least this (0..1).", DefaultValueFactory = _ => 0.5 };
        Option<string> customers = CliOptions.CustomersFilter();
        var input = new CliEventOptions();
        var command = new Command("report", "Write the journey report: one self-contained HTML file with the journey map, funnel, flow, time in stage, stuck and dead ends, channel switches, attribution, scores and customers at risk.")
        {
            journeyOption, events, output, asOf, threshold, customers,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit report --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv --as-of 2026-01-20T00:00:00Z --out report.html");
        command.SetAction(parse =>
        {
            (CompiledJourney journey, EventBatch batch, DateTimeOffset when) = AnalyzeCommand.Load(context, parse.GetRequiredValue(journeyOption), parse.GetRequiredValue(events), parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers));
            double risk = parse.GetValue(threshold);
            if (!(risk is >= 0 and <= 1))
            {
                throw new CliUsageException($"--risk-threshold must be between 0 and 1; got {risk.ToString(CultureInfo.InvariantCulture)}");
            }

            JourneyAnalysis analysis = AnalyzeCommand.Analyze(context, new JourneyAnalyzer(journey, new AnalyticsOptions { RiskThreshold = risk }), batch, when);
            string path = CliOutputFile.Write(parse.GetRequiredValue(output), "--out", [parse.GetRequiredValue(journeyOption), parse.GetRequiredValue(events)], stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                JourneyReport.WriteHtml(writer, journey, analysis);
            });
            context.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {path}: {analysis.Customers} customers, {analysis.GoalReached} reached the goal, {analysis.StuckNow.Count} stuck, {analysis.AtRisk.Count} at risk (as of {analysis.AsOf:O})."));
            return CliExitCode.Ok;
        });
        return command;
    }
}
