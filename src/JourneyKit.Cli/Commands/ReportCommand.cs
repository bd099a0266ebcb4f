using System.CommandLine;
using System.Globalization;
using System.Text;
using JourneyKit.Analytics;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Prediction;
using JourneyKit.Reporting;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit report --journey JOURNEY.json --events FILE --out report.html [--as-of T] [--explain [--horizon 14d]]</c>: the
/// journey analytics as one self-contained HTML page (<see cref="JourneyReport"/>), with the score's predictive link to the
/// KPIs (cut-off halfway through the data) and, with <c>--explain</c>, each at-risk customer's top reasons from the boosted
/// trees fitted at the as-of instant.
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
        var explain = new Option<bool>("--explain") { Description = "Give each at-risk customer's top reasons in plain words, from the boosted-tree model (risk of not progressing within --horizon) fitted on the events up to the as-of instant." };
        Option<TimeSpan> horizon = CliOptions.Duration("--horizon", "How far ahead 'not progressing' looks, in the report's backtest and with --explain.", BacktestOptions.DefaultHorizon);
        var input = new CliEventOptions();
        var command = new Command("report", "Write the journey report: one self-contained HTML file with the journey map, funnel, flow, time in stage, stuck and dead ends, channel switches, attribution, scores and customers at risk.")
        {
            journeyOption, events, output, asOf, threshold, customers, explain, horizon,
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

            var analyzer = new JourneyAnalyzer(journey, new AnalyticsOptions { RiskThreshold = risk });
            JourneyAnalysis analysis = AnalyzeCommand.Analyze(context, analyzer, batch, when);
            ScoreKpiLinkResult? links = batch.EarliestTimestamp is { } first && first < when ? analyzer.LinkScoresToKpis(batch, when) : null;
            TimeSpan h = parse.GetValue(horizon);
            if (h <= TimeSpan.Zero || JourneyKit.Duration.IsUnbounded(h))
            {
                throw new CliUsageException("--horizon must be a positive, bounded duration");
            }

            BacktestResult? trust = TrustBacktest(journey, batch, when, h, risk);
            JourneyReportOptions options = new() { ScoreLinks = links, Backtest = trust };
            if (parse.GetValue(explain))
            {
                options = Explain(journey, batch, when, h, links, trust);
            }

            string path = CliOutputFile.Write(parse.GetRequiredValue(output), "--out", [parse.GetRequiredValue(journeyOption), parse.GetRequiredValue(events)], stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                JourneyReport.WriteHtml(writer, journey, analysis, options);
            });
            context.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {path}: {DisplayFormat.Count(analysis.Customers)} customers, {DisplayFormat.Count(analysis.GoalReached)} reached the goal, {DisplayFormat.Count(analysis.StuckNow.Count)} stuck, {DisplayFormat.Count(analysis.AtRisk.Count)} at risk (as of {DisplayFormat.Instant(analysis.AsOf)})."));
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>
    /// The report's "Can these predictions be trusted?" backtest: the dependency-free baselines the report's risk columns
    /// come from (the stage's historical rate, Kaplan–Meier) at three cut-offs, half, two thirds and four fifths of the way
    /// from the first event to the as-of instant; null when the data spans no time.
    /// </summary>
    private static BacktestResult? TrustBacktest(CompiledJourney journey, EventBatch batch, DateTimeOffset when, TimeSpan horizon, double threshold)
    {
        if (batch.EarliestTimestamp is not { } first || first >= when)
        {
            return null;
        }

        TimeSpan span = when - first;
        static DateTimeOffset Minute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        DateTimeOffset[] cutoffs = [Minute(first + (span / 2)), Minute(first + (span * 2 / 3)), Minute(first + (span * 4 / 5))];
        return Backtest.Run(journey, batch.Until(when), new BacktestOptions { Cutoffs = cutoffs, Horizon = horizon, RiskThreshold = threshold });
    }

    /// <summary>The report options with each at-risk customer's top three reasons for not progressing, from the boosted trees fitted at the as-of instant.</summary>
    private static JourneyReportOptions Explain(CompiledJourney journey, EventBatch batch, DateTimeOffset when, TimeSpan horizon, ScoreKpiLinkResult? links, BacktestResult? trust)
    {
        var evaluator = new JourneyEvaluator(journey);
        batch = batch.Until(when);
        RiskPredictionModel model = new BoostedTreeRiskTrainer().FitModel(new RiskTrainingSet(evaluator, batch, when, horizon, seed: 1));
        var latest = new Dictionary<string, JourneyInstance>(StringComparer.Ordinal);
        foreach (JourneyInstance run in evaluator.Evaluate(batch))
        {
            latest[run.CustomerId] = run; // runs come in order: the last is the open one
        }

        return new JourneyReportOptions
        {
            ScoreLinks = links,
            Backtest = trust,
            AtRiskReasons = customer =>
            {
                if (!latest.TryGetValue(customer.CustomerId, out JourneyInstance? run))
                {
                    return [];
                }

                IReadOnlyList<RiskFactor> factors = model.Explain(evaluator, run, when, RiskTarget.NotProgressing, 8);
                var words = new List<string>(3);
                foreach (RiskFactor f in factors)
                {
                    if (f.Contribution > 0 && words.Count < 3)
                    {
                        words.Add(f.Description); // only what raises the risk is a reason for it
                    }
                }

                return words;
            },
            AtRiskReasonsSource = string.Create(CultureInfo.InvariantCulture, $"Reasons: the features that raise each customer's risk of not progressing within {JourneyKit.Duration.Format(horizon)} most, from the boosted-tree model fitted on the events up to {DisplayFormat.Instant(when)} (model {model.Fingerprint}, {DisplayFormat.Count(model.TrainingRows)} training rows; docs/prediction.md). The risk columns are the Kaplan–Meier estimate the table is ranked by."),
        };
    }
}
