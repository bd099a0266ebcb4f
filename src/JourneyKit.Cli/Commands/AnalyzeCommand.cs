using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.ProductFunnel;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model.Patterns;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit analyze --journey JOURNEY.json --events FILE [--as-of T] [--format json|table] [--funnel a,b,c …]</c>:
/// the journey analytics (docs/analytics.md) as tables or one JSON document.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> journeyOption = CliOptions.JourneyOption();
        Option<string> events = CliOptions.EventsOption();
        Option<string> asOf = CliOptions.AsOf("stuck, dead ends and risk are judged at");
        var funnel = new Option<string>("--funnel") { Description = "Also compute a product funnel over these touchpoints (comma-separated, 1 to 32).", HelpName = "a,b,c" };
        var funnelType = new Option<ProductFunnelType>("--funnel-type") { Description = "The product funnel type: ordered, strict or unordered.", DefaultValueFactory = _ => ProductFunnelType.Ordered, HelpName = "type" };
        Option<TimeSpan> window = CliOptions.Duration("--window", "The product funnel's conversion window.", TimeSpan.FromDays(7));
        var exclude = new Option<string[]>("--exclude") { Description = "An exclusion for the product funnel: TOUCHPOINT@STEP stops an attempt after step STEP (1-based). Repeatable.", HelpName = "tp@step", AllowMultipleArgumentsPerToken = false };
        var funnelHold = new Option<string>("--funnel-hold") { Description = "Hold an event attribute constant across the product funnel's steps (each value its own funnel; events without it ignored).", HelpName = "ATTRIBUTE" };
        Option<string[]> stepWithin = CliStepConstraints.Within();
        Option<string[]> stepAfter = CliStepConstraints.After();
        var threshold = new Option<double>("--risk-threshold") { Description = "Flag customers whose risk of not progressing is at least this (0..1).", DefaultValueFactory = _ => 0.5 };
        var retention = new Option<RetentionPeriod?>("--retention") { Description = "Also compute a retention table by start cohort with periods of a day, week or month (any event counts as active).", HelpName = "period" };
        var compare = new Option<string>("--compare") { Description = "Also compare every pair of segments of a dimension (persona, channel, first_channel, cohort): conversion difference with a 95 % interval, log-rank test of time to convert, Holm-adjusted p-values.", HelpName = "dimension" };
        var trend = new Option<RetentionPeriod?>("--trend") { Description = "Also compute conversion (decided and censoring-aware) and the stuck share per calendar day, week or month.", HelpName = "period" };
        var explain = new Option<string>("--explain")
        {
            Description = "With --funnel (ordered, no --exclude): explain one customer's product funnel level instead (JSON, the shape of funnel --explain): the chain kept (event id, timestamp, touchpoint and times per step) and the latest next-step event that did not fit, with the reason.",
            HelpName = "CUSTOMER",
        };
        Option<string> customers = CliOptions.CustomersFilter();
        Option<OutputFormat> format = CliOptions.Format();
        var input = new CliEventOptions();
        var command = new Command("analyze", "Analyse a journey: stage funnel by segment, time in stage vs standard, stuck now, dead ends, paths and conformance, channel switches, Markov attribution, risk, scores.")
        {
            journeyOption, events, asOf, funnel, funnelType, window, exclude, stepWithin, stepAfter, funnelHold, threshold, retention, compare, trend, explain, customers, format,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit analyze --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv",
            "journeykit analyze -j journey.json -e events.csv --format json --funnel application.start,application.submit,id.upload --window 3d --exclude call.centre.enquiry@1",
            "journeykit analyze -j journey.json -e events.csv --funnel application.start,application.submit,id.upload --window 3d --explain c0042");
        command.SetAction(parse =>
        {
            bool needsWholeBatch = parse.GetValue(explain) is not null || parse.GetValue(retention) is not null || parse.GetValue(trend) is not null || parse.GetValue(compare) is not null;
            if (!needsWholeBatch && CliEventStream.CanStream(parse.GetRequiredValue(events)))
            {
                // A file grouped by customer is analysed batch by batch in bounded memory (docs/cli.md, "Big files").
                CompiledJourney compiledJourney = Compile(parse.GetRequiredValue(journeyOption));
                var streamedAnalyzer = new JourneyAnalyzer(compiledJourney, Options(RiskThreshold(parse.GetValue(threshold))));
                ProductFunnel? streamedFunnel = parse.GetValue(funnel) is { } streamedSteps
                    ? ProductFunnelOf(streamedSteps, parse.GetValue(funnelType), parse.GetValue(window), parse.GetValue(exclude), parse.GetValue(stepWithin), parse.GetValue(stepAfter), parse.GetValue(funnelHold))
                    : null;
                if (AnalyzeByCustomer(context, streamedAnalyzer, parse.GetRequiredValue(events), parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers), streamedFunnel) is { } streamed)
                {
                    Write(context, parse.GetValue(format), streamed.Analysis, streamed.Product, null, null, null);
                    return CliExitCode.Ok;
                }
            }

            (CompiledJourney journey, EventBatch batch, DateTimeOffset when) = Load(context, parse.GetRequiredValue(journeyOption), parse.GetRequiredValue(events), parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers));
            double risk = RiskThreshold(parse.GetValue(threshold));

            if (parse.GetValue(explain) is { } explained)
            {
                ExplainFunnel(context, batch, when, explained, parse.GetValue(funnel), parse.GetValue(funnelType), parse.GetValue(window), parse.GetValue(exclude), parse.GetValue(stepWithin), parse.GetValue(stepAfter), parse.GetValue(funnelHold));
                return CliExitCode.Ok;
            }

            var analyzer = new JourneyAnalyzer(journey, Options(risk));
            JourneyAnalysis analysis = Analyze(context, analyzer, batch, when);
            RetentionTable? retentionTable = parse.GetValue(retention) is { } period ? analyzer.Retention(batch, new RetentionOptions { Period = period }, when) : null;
            IReadOnlyList<TrendPoint>? trends = null;
            if (parse.GetValue(trend) is { } trendPeriod)
            {
                try
                {
                    trends = analyzer.Trends(batch, trendPeriod, when);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new CliUsageException("--trend: " + e.Message);
                }
            }

            IReadOnlyList<SegmentComparison>? comparisons = null;
            if (parse.GetValue(compare) is { } dimension)
            {
                try
                {
                    comparisons = analyzer.CompareSegments(batch, dimension, when);
                }
                catch (ArgumentException e)
                {
                    throw new CliUsageException("--compare: " + e.Message);
                }
            }
            ProductFunnelResult? product = null;
            if (parse.GetValue(funnel) is { } steps)
            {
                ProductFunnel productFunnel = ProductFunnelOf(steps, parse.GetValue(funnelType), parse.GetValue(window), parse.GetValue(exclude), parse.GetValue(stepWithin), parse.GetValue(stepAfter), parse.GetValue(funnelHold));
                try
                {
                    product = productFunnel.Evaluate(batch, when);
                }
                catch (InvalidOperationException e) when (productFunnel.HoldAttribute is not null)
                {
                    throw new CliProblemsException([e.Message]);
                }
            }

            Write(context, parse.GetValue(format), analysis, product, retentionTable, comparisons, trends);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void Write(CliContext context, OutputFormat format, JourneyAnalysis analysis, ProductFunnelResult? product, RetentionTable? retentionTable, IReadOnlyList<SegmentComparison>? comparisons, IReadOnlyList<TrendPoint>? trends)
    {
        if (format == OutputFormat.Json)
        {
            var document = new AnalyzeDocument(analysis, product, retentionTable, comparisons, product is null ? null : AllTimes(product), trends);
            context.Stdout.WriteLine(JsonSerializer.Serialize(document, AnalyzeJson.Options.GetTypeInfo(typeof(AnalyzeDocument))));
        }
        else
        {
            WriteTables(context.Stdout, analysis, product);
        }
    }

    /// <summary>A test hook: the cap on exact samples per distribution for analyses started on this async flow (null: the default).</summary>
    internal static readonly AsyncLocal<int?> ExactSamplesForTests = new();

    /// <summary>The analysis options: the risk threshold, and the default cap on exact samples (or the test hook's).</summary>
    private static AnalyticsOptions Options(double risk) => ExactSamplesForTests.Value is { } cap
        ? new AnalyticsOptions { RiskThreshold = risk, ExactSamples = cap }
        : new AnalyticsOptions { RiskThreshold = risk };

    /// <summary>Checks <c>--risk-threshold</c>.</summary>
    internal static double RiskThreshold(double risk) =>
        risk is >= 0 and <= 1 ? risk : throw new CliUsageException($"--risk-threshold must be between 0 and 1; got {risk.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Loads and compiles the journey (a journey the evaluator cannot run is a problem: exit code 1).</summary>
    internal static CompiledJourney Compile(string journeyPath)
    {
        Journey journey = JourneyJson.LoadFile(journeyPath);
        try
        {
            return journey.Compile();
        }
        catch (NotSupportedException e)
        {
            throw new CliProblemsException([e.Message]);
        }
    }

    /// <summary>
    /// Analyses a file grouped by customer batch by batch (<see cref="CliEventStream"/>: memory holds a few batches and
    /// the mergeable accumulators, not the file), the same analysis as the whole file gives. Without <c>--as-of</c> a first
    /// pass finds the latest event. A file not grouped by customer is sorted by customer on disk first (a note on stderr).
    /// </summary>
    internal static (JourneyAnalysis Analysis, ProductFunnelResult? Product)? AnalyzeByCustomer(CliContext context, JourneyAnalyzer analyzer, string eventsPath, string? asOf, CliEventReading reading, string? customersFile, ProductFunnel? funnel)
    {
        return CliEventStream.ByCustomer(context, eventsPath, reading, source =>
        {
            DateTimeOffset when = asOf is null ? CliEventStream.Latest(context, source) ?? DateTimeOffset.UnixEpoch : ScoreCommand.ParseAsOf(asOf);
            IReadOnlySet<string>? cohort = customersFile is null ? null : CustomerList.ReadCustomerIds(customersFile);
            JourneyAnalysisAccumulator all = analyzer.CreateAccumulator(when);
            ProductFunnelAccumulator? products = funnel?.CreateAccumulator(when);
            long events = 0;
            CliEventStream.Read(
                context,
                source,
                batch =>
                {
                    batch = CliEventStream.Scope(batch, when, cohort);
                    int count = batch.Count;
                    JourneyAnalysisAccumulator part = analyzer.CreateAccumulator(when);
                    part.Add(batch);
                    ProductFunnelAccumulator? productPart = funnel?.CreateAccumulator(when);
                    try
                    {
                        productPart?.Add(batch);
                    }
                    catch (InvalidOperationException e) when (funnel!.HoldAttribute is not null)
                    {
                        throw new CliProblemsException([e.Message]);
                    }

                    return (part, productPart, count);
                },
                part =>
                {
                    events += part.count;
                    all.Merge(part.part);
                    if (part.productPart is not null)
                    {
                        products!.Merge(part.productPart);
                    }
                });
            return WithStatus(context, all.Customers, events, () => (all.Build(), products?.Build()));
        });
    }

    /// <summary>Loads and compiles the journey, reads the events (progress bar on a terminal) and resolves --as-of.</summary>
    internal static (CompiledJourney Journey, EventBatch Batch, DateTimeOffset AsOf) Load(CliContext context, string journeyPath, string eventsPath, string? asOf, CliEventReading reading, string? customersFile = null)
    {
        CompiledJourney compiled = Compile(journeyPath);
        (EventBatch batch, _) = CliEventInput.Read(context, eventsPath, reading);
        (batch, DateTimeOffset when) = ScoreCommand.ApplyAsOf(asOf, batch);
        if (customersFile is not null)
        {
            batch = batch.ForCustomers(CustomerList.ReadCustomerIds(customersFile));
        }

        return (compiled, batch, when);
    }

    /// <summary>Analyses the batch, with a status line on stderr while it runs when stderr is a terminal.</summary>
    internal static JourneyAnalysis Analyze(CliContext context, JourneyAnalyzer analyzer, EventBatch batch, DateTimeOffset asOf) =>
        WithStatus(context, batch.CustomerCount, batch.Count, () => analyzer.Analyze(batch, asOf));

    /// <summary>Runs <paramref name="analyse"/> with a status line on stderr while it runs when stderr is a terminal.</summary>
    private static T WithStatus<T>(CliContext context, long customers, long events, Func<T> analyse)
    {
        string status = string.Create(CultureInfo.InvariantCulture, $"analysing {DisplayFormat.Count(customers)} customers ({DisplayFormat.Count(events)} events)…");
        if (context.StderrIsTerminal)
        {
            context.Stderr.Write(status);
            context.Stderr.Flush();
        }

        T analysis = analyse();
        if (context.StderrIsTerminal)
        {
            context.Stderr.Write('\r' + new string(' ', status.Length) + '\r');
            context.Stderr.Flush();
        }

        return analysis;
    }

    /// <summary>
    /// <c>--explain CUSTOMER</c>: an ordered product funnel without exclusions counts the levels of a window funnel with no
    /// modes (same steps, inclusive window, step constraints, held attribute), so its explanation is that window funnel's
    /// <see cref="WindowFunnel.Explain(EventBatch, string)"/>, written as <c>funnel --explain</c> writes it.
    /// </summary>
    private static void ExplainFunnel(CliContext context, EventBatch batch, DateTimeOffset when, string customer, string? steps, ProductFunnelType type, TimeSpan window, string[]? exclusions, string[]? stepWithin, string[]? stepAfter, string? hold)
    {
        if (steps is null)
        {
            throw new CliUsageException("--explain needs --funnel (it explains one customer's product funnel level)");
        }

        if (type != ProductFunnelType.Ordered || exclusions is { Length: > 0 })
        {
            throw new CliUsageException("--explain supports an ordered --funnel without --exclude (strict, unordered and exclusions are not explained yet)");
        }

        ProductFunnel product = ProductFunnelOf(steps, type, window, exclusions, stepWithin, stepAfter, hold);
        WindowFunnel funnel;
        try
        {
            funnel = WindowFunnel.Create(
                product.Steps.Select(EventCondition.Touchpoint).ToArray(),
                new WindowFunnelOptions { Window = product.Window, StepConstraints = [.. product.StepConstraints], HoldAttribute = product.HoldAttribute, MaxHeldValues = product.MaxHeldValues });
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message);
        }

        WindowFunnelExplanation? found;
        ProductFunnelMatches matches;
        try
        {
            found = funnel.Explain(batch, customer);
            matches = product.Match(batch, when);
        }
        catch (InvalidOperationException e) when (hold is not null)
        {
            throw new CliProblemsException([e.Message]);
        }

        WindowFunnelExplanation explanation = found
            ?? throw new CliUsageException($"--explain: customer '{customer}' has no events (as of {when:O})");
        for (int run = 0; run < matches.CustomerCount; run++)
        {
            if (matches.CustomerId(run) == customer && matches.Levels[run] != explanation.Level)
            {
                throw new CliProblemsException([string.Create(CultureInfo.InvariantCulture, $"--explain: the product funnel counts level {matches.Levels[run]} for '{customer}' but the explanation reached {explanation.Level}; please report this")]);
            }
        }

        FunnelCommand.WriteExplanation(context.Stdout, funnel, explanation);
    }

    private static ProductFunnel ProductFunnelOf(string steps, ProductFunnelType type, TimeSpan window, string[]? exclusions, string[]? stepWithin, string[]? stepAfter, string? hold)
    {
        string[] names = steps.Split(',', StringSplitOptions.TrimEntries);
        if (Array.Exists(names, n => n.Length == 0) || names.Length > 32)
        {
            throw new CliUsageException("--funnel takes 1 to 32 non-empty touchpoint names separated by commas");
        }

        var list = new List<FunnelExclusion>();
        foreach (string text in exclusions ?? [])
        {
            int at = text.LastIndexOf('@');
            if (at <= 0 || !int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int step) || step < 1 || step >= names.Length)
            {
                throw new CliUsageException($"--exclude '{text}': expected TOUCHPOINT@STEP with STEP from 1 to {names.Length - 1}");
            }

            list.Add(new FunnelExclusion(text[..at], step));
        }

        List<FunnelStepConstraint> constraints = CliStepConstraints.Parse(stepWithin, stepAfter, names.Length);
        try
        {
            return new ProductFunnel(names, new ProductFunnelOptions { Type = type, Window = window, Exclusions = list, StepConstraints = constraints, HoldAttribute = hold });
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message);
        }
    }

    private static List<FunnelTimes> AllTimes(ProductFunnelResult product)
    {
        var list = new List<FunnelTimes>();
        for (int i = 1; i < product.Steps.Count; i++)
        {
            for (int j = i + 1; j <= product.Steps.Count; j++)
            {
                list.Add(product.TimeToConvert(i, j));
            }
        }

        return list;
    }

    private static void WriteTables(TextWriter output, JourneyAnalysis a, ProductFunnelResult? product)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"Journey '{a.JourneyId}' as of {DisplayFormat.Instant(a.AsOf)}: {N(a.Customers)} customers, {N(a.Events)} events, {N(a.GoalReached)} reached the goal."));
        if (a.Approximation is { } approximate)
        {
            output.WriteLine(string.Create(inv, $"Approximate (a distribution over {N(approximate.ExactSamples)} samples is sketched; times within ±{approximate.RelativeAccuracy * 100:0.0#} %): {string.Join(", ", approximate.Sections)}."));
        }

        output.WriteLine();
        output.WriteLine("Stage funnel");
        var rows = new List<IReadOnlyList<string>>();
        foreach (StageFunnelStep s in a.Funnel)
        {
            rows.Add([s.StageId, N(s.Reached), N(s.Visited), N(s.Converted), N(s.DroppedOff), Pct(s.ConversionRate)]);
        }

        CliOutput.WriteTable(output, ["stage", "reached", "visited", "converted", "dropped", "conversion"], rows);
        Section(output, "Time in stage vs standard time", ["stage", "standard", "visits", "p50", "p90", "p99", "median > standard", "stuck now"], a.TimeInStage, t =>
            [t.StageId, D(t.StandardTime), N(t.CompletedVisits), D(t.P50), D(t.P90), D(t.P99), t.MedianExceedsStandard ? "yes" : "no", N(t.StuckNow)]);
        Section(output, "Stuck now (most overdue first, top 20)", ["customer", "stage", "in stage", "overdue by"], Top(a.StuckNow, 20), s =>
            [s.CustomerId, s.StageId, D(s.TimeInStage), D(s.OverdueBy)]);
        Section(output, "Dead ends (top 10)", ["stage", "last touchpoint", "last channel", "customers"], Top(a.DeadEnds, 10), d =>
            [d.StageId, d.LastTouchpoint, d.LastChannel, N(d.Customers)]);
        Section(output, string.Create(inv, $"Path variants ({N(a.Paths.DistinctVariants)} distinct; conformance {Pct(a.Paths.Conformance)})"), ["stages", "customers", "p50 duration", "p90 duration"], a.Paths.Variants, v =>
            [string.Join(" > ", v.Stages), N(v.Customers), D(v.MedianDuration), D(v.P90Duration)]);
        Section(output, "Stage transitions", ["from", "to", "count", "median time", "allowed"], a.Paths.Transitions, t =>
            [t.From, t.To, N(t.Count), D(t.MedianTime), t.Allowed ? "yes" : "NO"]);
        Section(output, "Channel switches (top 15; within stage = silo)", ["stage", "from", "to", "count", "within stage"], Top(a.ChannelSwitches, 15), s =>
            [s.StageId, s.From, s.To, N(s.Count), s.WithinStage ? "yes" : "no"]);
        Section(output, string.Create(inv, $"Channel attribution (Markov; P(conversion) = {a.ChannelAttribution.ConversionProbability:0.000})"), ["channel", "visits", "removal effect", "conversions"], a.ChannelAttribution.States, s =>
            [s.State, N(s.Visits), s.RemovalEffect.ToString("0.000", inv), s.AttributedConversions.ToString("0.0", inv)]);
        Section(output, "Touchpoint attribution (top 10)", ["touchpoint", "visits", "removal effect", "conversions"], Top(a.TouchpointAttribution.States, 10), s =>
            [s.State, N(s.Visits), s.RemovalEffect.ToString("0.000", inv), s.AttributedConversions.ToString("0.0", inv)]);
        Section(output, "Customers at risk before the standard time (top 20)", ["customer", "stage", "in stage", "standard", "risk (next)", "risk (goal)"], Top(a.AtRisk, 20), r =>
            [r.CustomerId, r.StageId, D(r.TimeInStage), D(r.StandardTime), Pct(r.RiskOfNotProgressing), Pct(r.RiskOfMissingGoal)]);
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"Scores: mean {a.Scores.Mean:0.0}; histogram (10-point bins) {string.Join(' ', a.Scores.Histogram)}; correlation with goal {(a.Scores.CorrelationWithGoal is { } c ? c.ToString("0.00", inv) : "n/a")}"));
        if (product is not null)
        {
            string constraints = string.Join(", ", product.Funnel.StepConstraints.Select(FunnelCommand.Describe));
            Section(output, string.Create(inv, $"Product funnel ({CliJson.Name(product.Type)}, window {D(product.Window)}{(constraints.Length == 0 ? string.Empty : "; steps " + constraints)}, {N(product.Customers)} customers, as of {DisplayFormat.Instant(product.AsOf)})"), ["step", "customers", "conversion", "in progress", "p50", "p90", "p99"], Indexed(product.Steps), s =>
                [s.Item.Touchpoint, N(s.Item.Customers), Pct(product.ConversionRate(s.Index)), N(s.Item.InProgress), D(s.Item.P50), D(s.Item.P90), D(s.Item.P99)]);
            if (product.Steps.Count > 2)
            {
                FunnelTimes all = product.TimeToConvert(1, product.Steps.Count);
                output.WriteLine(string.Create(inv, $"Step 1 → {product.Steps.Count}: {N(all.Customers)} customers, p50 {D(all.P50)}, p90 {D(all.P90)}, p99 {D(all.P99)}"));
            }

            if (product.Approximation is { } sketched)
            {
                output.WriteLine(string.Create(inv, $"Approximate: the step times (a pair of steps over {N(sketched.ExactSamples)} customers is sketched; within ±{sketched.RelativeAccuracy * 100:0.0#} %)."));
            }
        }
    }

    private static List<(int Index, T Item)> Indexed<T>(IReadOnlyList<T> items)
    {
        var list = new List<(int, T)>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            list.Add((i, items[i]));
        }

        return list;
    }

    private static List<T> Top<T>(IReadOnlyList<T> items, int n)
    {
        var list = new List<T>(Math.Min(n, items.Count));
        for (int i = 0; i < items.Count && i < n; i++)
        {
            list.Add(items[i]);
        }

        return list;
    }

    private static void Section<T>(TextWriter output, string title, IReadOnlyList<string> header, IReadOnlyList<T> items, Func<T, IReadOnlyList<string>> row)
    {
        output.WriteLine();
        output.WriteLine(title);
        var rows = new List<IReadOnlyList<string>>(items.Count);
        foreach (T item in items)
        {
            rows.Add(row(item));
        }

        CliOutput.WriteTable(output, header, rows);
    }

    private static string N(long value) => DisplayFormat.Count(value);

    private static string Pct(double? value) => DisplayFormat.Share(value);

    internal static string D(TimeSpan? value) => DisplayFormat.Duration(value);
}

/// <summary>The JSON document of <c>journeykit analyze --format json</c>.</summary>
/// <param name="Analysis">The journey analysis.</param>
/// <param name="ProductFunnel">The product funnel, when asked for.</param>
/// <param name="Retention">The retention table, when asked for (--retention).</param>
/// <param name="SegmentComparisons">The segment comparisons, when asked for (--compare).</param>
/// <param name="Trends">The trends, when asked for (--trend).</param>
/// <param name="ProductFunnelTimes">The product funnel's time to convert between every two steps i &lt; j.</param>
internal sealed record AnalyzeDocument(JourneyAnalysis Analysis, ProductFunnelResult? ProductFunnel, RetentionTable? Retention = null, IReadOnlyList<SegmentComparison>? SegmentComparisons = null, IReadOnlyList<FunnelTimes>? ProductFunnelTimes = null, IReadOnlyList<TrendPoint>? Trends = null);

/// <summary>The analyze document's serializer: <see cref="CliJson"/>'s style over the source-generated metadata.</summary>
internal static class AnalyzeJson
{
    /// <summary>Snake_case names and enum values, durations as <c>…_seconds</c>, instants as ISO-8601 UTC.</summary>
    public static readonly JsonSerializerOptions Options = CliJson.SerializerOptions(AnalyzeJsonContext.Default);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AnalyzeDocument))]
internal sealed partial class AnalyzeJsonContext : JsonSerializerContext;
