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
        var explain = new Option<bool>("--explain") { Description = "Give each at-risk customer's top reasons in plain words, from the boosted-tree model (risk of not progressing within --horizon) fitted on the events up to the as-of instant. Reads the whole file into memory (without it, a file grouped by customer is read in batches)." };
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
            double risk = AnalyzeCommand.RiskThreshold(parse.GetValue(threshold));
            TimeSpan h = parse.GetValue(horizon);
            if (h <= TimeSpan.Zero || JourneyKit.Duration.IsUnbounded(h))
            {
                throw new CliUsageException("--horizon must be a positive, bounded duration");
            }

            string eventsPath = parse.GetRequiredValue(events);
            JourneyAnalysis analysis;
            JourneyReportOptions options;
            CompiledJourney journey;
            if (!parse.GetValue(explain) && CliEventStream.CanStream(eventsPath))
            {
                // A file is reported batch by batch in bounded memory, sorted by customer on disk first if need be (docs/cli.md, "Big files").
                journey = AnalyzeCommand.Compile(parse.GetRequiredValue(journeyOption));
                var streamedAnalyzer = new JourneyAnalyzer(journey, new AnalyticsOptions { RiskThreshold = risk });
                (analysis, options) = ReportByCustomer(context, streamedAnalyzer, eventsPath, parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers), h, risk);
                return Write(context, parse, output, journeyOption, events, journey, analysis, options);
            }

            (journey, EventBatch batch, DateTimeOffset when) = AnalyzeCommand.Load(context, parse.GetRequiredValue(journeyOption), eventsPath, parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers));
            var analyzer = new JourneyAnalyzer(journey, new AnalyticsOptions { RiskThreshold = risk });
            analysis = AnalyzeCommand.Analyze(context, analyzer, batch, when);
            ScoreKpiLinkResult? links = batch.EarliestTimestamp is { } first && first < when ? analyzer.LinkScoresToKpis(batch, when) : null;
            BacktestResult? trust = batch.Until(when) is { EarliestTimestamp: { } start, LatestTimestamp: { } last } observed && start < when && TrustOptions(start, last, when, h, risk) is { } trustOptions
                ? Backtest.Run(journey, observed, trustOptions)
                : null;
            options = new() { ScoreLinks = links, Backtest = trust };
            if (parse.GetValue(explain))
            {
                options = Explain(journey, batch, when, h, links, trust);
            }

            return Write(context, parse, output, journeyOption, events, journey, analysis, options);
        });
        return command;
    }

    private static int Write(CliContext context, ParseResult parse, Option<string> output, Option<string> journeyOption, Option<string> events, CompiledJourney journey, JourneyAnalysis analysis, JourneyReportOptions options)
    {
        string path = CliOutputFile.Write(parse.GetRequiredValue(output), "--out", [parse.GetRequiredValue(journeyOption), parse.GetRequiredValue(events)], stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            JourneyReport.WriteHtml(writer, journey, analysis, options);
        });
        context.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {path}: {DisplayFormat.Count(analysis.Customers)} customers, {DisplayFormat.Count(analysis.GoalReached)} reached the goal, {DisplayFormat.Count(analysis.StuckNow.Count)} stuck, {DisplayFormat.Count(analysis.AtRisk.Count)} at risk (as of {DisplayFormat.Instant(analysis.AsOf)})."));
        return CliExitCode.Ok;
    }

    /// <summary>
    /// The report of a file batch by batch (<see cref="CliEventStream"/>): a first pass finds the data's first and last
    /// events (and the as-of instant without <c>--as-of</c>); the second gathers the trust backtest's fitting statistics at
    /// its cut-offs; the third adds every batch to the analysis, the score ↔ KPI link and the fitted baselines' scored
    /// predictions. Memory holds a few batches and the mergeable accumulators of one pass, not the file; the page is the one
    /// the whole file gives. A file not grouped by customer is sorted by customer on disk first (a note on stderr).
    /// </summary>
    private static (JourneyAnalysis Analysis, JourneyReportOptions Options) ReportByCustomer(CliContext context, JourneyAnalyzer analyzer, string eventsPath, string? asOf, CliEventReading reading, string? customersFile, TimeSpan horizon, double risk)
    {
        DateTimeOffset? given = asOf is null ? null : ScoreCommand.ParseAsOf(asOf);
        IReadOnlySet<string>? cohort = customersFile is null ? null : CustomerList.ReadCustomerIds(customersFile);
        return CliEventStream.ByCustomer(context, eventsPath, reading, source =>
        {
            long latest = long.MinValue, first = long.MaxValue, last = long.MinValue;
            CliEventStream.Pass(
                context,
                source,
                batch =>
                {
                    // without --as-of the instant is the file's latest event, so cutting at it keeps every event
                    EventBatch scoped = CliEventStream.Scope(batch, given ?? DateTimeOffset.MaxValue, cohort);
                    return (All: batch.LatestTimestamp?.UtcTicks ?? long.MinValue, First: scoped.EarliestTimestamp?.UtcTicks ?? long.MaxValue, Last: scoped.LatestTimestamp?.UtcTicks ?? long.MinValue);
                },
                bounds => (latest, first, last) = (Math.Max(latest, bounds.All), Math.Min(first, bounds.First), Math.Max(last, bounds.Last)));
            DateTimeOffset when = given ?? (latest == long.MinValue ? DateTimeOffset.UnixEpoch : new DateTimeOffset(latest, TimeSpan.Zero));
            bool spans = first != long.MaxValue && first < when.UtcTicks;
            var start = new DateTimeOffset(spans ? first : 0, TimeSpan.Zero);
            CompiledJourney journey = analyzer.Journey;
            BacktestOptions? trustOptions = spans ? TrustOptions(start, new DateTimeOffset(last, TimeSpan.Zero), when, horizon, risk) : null;
            BacktestPlan? plan = trustOptions is null ? null : Backtest.Plan(journey, trustOptions, start, new DateTimeOffset(last, TimeSpan.Zero));

            DateTimeOffset cutoff = start.AddTicks((long)(Math.Max(0, (when - start).Ticks) * ScoreKpiLinkResult.DefaultCutoffFraction));
            BacktestFit? fitted = null;
            if (plan is not null)
            {
                // the fitting statistics (an analysis per cut-off) alone in memory: released before the last pass
                BacktestFitAccumulator fit = plan.CreateFitAccumulator();
                CliEventStream.Pass(
                    context,
                    source,
                    batch =>
                    {
                        BacktestFitAccumulator part = plan.CreateFitAccumulator();
                        part.Add(CliEventStream.Scope(batch, when, cohort));
                        return part;
                    },
                    fit.Merge);
                fitted = fit.Build();
            }

            JourneyAnalysisAccumulator all = analyzer.CreateAccumulator(when);
            ScoreKpiLinkAccumulator? links = spans ? analyzer.CreateScoreKpiLinkAccumulator(cutoff, when) : null;
            BacktestAccumulator? scored = fitted?.CreateAccumulator();
            CliEventStream.Read(
                context,
                source,
                batch =>
                {
                    batch = CliEventStream.Scope(batch, when, cohort);
                    JourneyAnalysisAccumulator analysisPart = analyzer.CreateAccumulator(when);
                    analysisPart.Add(batch);
                    ScoreKpiLinkAccumulator? linkPart = links is null ? null : analyzer.CreateScoreKpiLinkAccumulator(cutoff, when);
                    linkPart?.Add(batch);
                    BacktestAccumulator? scoredPart = fitted?.CreateAccumulator();
                    scoredPart?.Add(batch);
                    return (analysisPart, linkPart, scoredPart);
                },
                part =>
                {
                    all.Merge(part.analysisPart);
                    links?.Merge(part.linkPart!);
                    scored?.Merge(part.scoredPart!);
                });
            BacktestResult? trust = scored?.Build();
            return (all.Build(), new JourneyReportOptions { ScoreLinks = links?.Build(), Backtest = trust });
        });
    }

    /// <summary>
    /// The options of the report's "Can these predictions be trusted?" backtest: the dependency-free baselines the report's
    /// risk columns come from (the stage's historical rate, Kaplan–Meier) at three cut-offs, half, two thirds and four fifths
    /// of the way from the first event to the as-of instant, each rounded down to the minute — those before the last event
    /// (when the data ends well before the as-of instant, later cut-offs have nothing to score); null when none is.
    /// </summary>
    private static BacktestOptions? TrustOptions(DateTimeOffset first, DateTimeOffset last, DateTimeOffset when, TimeSpan horizon, double threshold)
    {
        TimeSpan span = when - first;
        static DateTimeOffset Minute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var cutoffs = new List<DateTimeOffset>(3);
        foreach (DateTimeOffset t in (ReadOnlySpan<DateTimeOffset>)[Minute(first + (span / 2)), Minute(first + (span * 2 / 3)), Minute(first + (span * 4 / 5))])
        {
            if (t >= first && t < last)
            {
                cutoffs.Add(t);
            }
        }

        return cutoffs.Count == 0 ? null : new BacktestOptions { Cutoffs = cutoffs, Horizon = horizon, RiskThreshold = threshold };
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
