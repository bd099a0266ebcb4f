using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit paths --journey J --events E [--from X] [--to Y | --drop-off-at STAGE] [--hide A,B] [--exclude A,B]
/// [--depth N] [--level touchpoint|stage] [--collapse-repeats] [--top K] [--as-of T] [--format table|json]</c>: the most
/// frequent paths after a step, up to a step or ending in a drop-off (<see cref="JourneyAnalyzer.QueryPaths(EventBatch, PathQuery, DateTimeOffset)"/>,
/// docs/analytics.md "Path queries").
/// </summary>
internal static class PathsCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> journeyOption = CliOptions.JourneyOption();
        Option<string> events = CliOptions.EventsOption();
        Option<string> asOf = CliOptions.AsOf("drop-offs are judged at");
        var from = new Option<string>("--from") { Description = "Paths start at each run's first step of this name (a touchpoint, or a stage id with --level stage); default: the run's first step.", HelpName = "step" };
        var to = new Option<string>("--to") { Description = "Paths end at the first step of this name after the start; runs without one are counted apart.", HelpName = "step" };
        var dropOff = new Option<string>("--drop-off-at") { Description = "Only runs that dropped off in this stage (dormant there as of --as-of; a run still in progress or stuck there is not a drop-off): paths end at their last step.", HelpName = "STAGE" };
        var hide = new Option<string>("--hide") { Description = "Steps removed from every path, as if they had not happened (comma-separated).", HelpName = "a,b" };
        var exclude = new Option<string>("--exclude") { Description = "Leave out runs with one of these steps between the start and the end (comma-separated).", HelpName = "a,b" };
        var depth = new Option<int>("--depth") { Description = $"Steps shown after the start (with --to or --drop-off-at and no --from: before the end); 1 to {PathQuery.MaxDepth}.", DefaultValueFactory = _ => new PathQuery().Depth, HelpName = "N" };
        var level = new Option<PathLevel>("--level") { Description = "What a step is: touchpoint (each event) or stage (each stage visit).", DefaultValueFactory = _ => PathLevel.Touchpoint, HelpName = "touchpoint|stage" };
        var collapse = new Option<bool>("--collapse-repeats") { Description = "Count consecutive steps of one name as one step." };
        var top = new Option<int>("--top") { Description = "How many paths to list; the rest are the 'other' bucket.", DefaultValueFactory = _ => new PathQuery().Top, HelpName = "K" };
        Option<string> customers = CliOptions.CustomersFilter();
        Option<OutputFormat> format = CliOptions.Format();
        var input = new CliEventOptions();
        var command = new Command("paths", "The most frequent paths after a step, up to a step or ending in a drop-off at a stage, with hidden and excluded steps (Amplitude Journeys / Mixpanel Flows style).")
        {
            journeyOption, events, asOf, from, to, dropOff, hide, exclude, depth, level, collapse, top, customers, format,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit paths --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv --from application.submit --depth 3",
            "journeykit paths -j journey.json -e events.csv --from application.start --drop-off-at verify --hide app.download --format json",
            "journeykit paths -j journey.json -e events.csv --level stage --to activate --exclude declined --collapse-repeats");
        command.SetAction(parse =>
        {
            if (parse.GetValue(to) is not null && parse.GetValue(dropOff) is not null)
            {
                throw new CliUsageException("--to and --drop-off-at cannot be combined: a path ends at a step or at a drop-off");
            }

            if (parse.GetValue(depth) is < 1 or > PathQuery.MaxDepth)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--depth must be from 1 to {PathQuery.MaxDepth}; got {parse.GetValue(depth)}"));
            }

            if (parse.GetValue(top) < 1)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--top must be at least 1; got {parse.GetValue(top)}"));
            }

            var query = new PathQuery
            {
                Level = parse.GetValue(level),
                StartingAt = parse.GetValue(from),
                EndingAt = parse.GetValue(to),
                DropOffAt = parse.GetValue(dropOff),
                Hidden = Names(parse.GetValue(hide), "--hide"),
                Excluded = Names(parse.GetValue(exclude), "--exclude"),
                Depth = parse.GetValue(depth),
                CollapseRepeats = parse.GetValue(collapse),
                Top = parse.GetValue(top),
            };
            CompiledJourney journey = AnalyzeCommand.Compile(parse.GetRequiredValue(journeyOption));
            var analyzer = new JourneyAnalyzer(journey);
            Accumulator(analyzer, query, DateTimeOffset.UnixEpoch); // a bad query is a usage error before the file is read
            string eventsPath = parse.GetRequiredValue(events);
            PathQueryResult? result = CliEventStream.CanStream(eventsPath)
                ? Streamed(context, analyzer, query, eventsPath, parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers))
                : null;
            if (result is null)
            {
                (EventBatch batch, _) = CliEventInput.Read(context, eventsPath, input.Get(parse));
                (batch, DateTimeOffset when) = ScoreCommand.ApplyAsOf(parse.GetValue(asOf), batch);
                if (parse.GetValue(customers) is { } cohort)
                {
                    batch = batch.ForCustomers(CustomerList.ReadCustomerIds(cohort));
                }

                PathQueryAccumulator whole = Accumulator(analyzer, query, when);
                whole.Add(batch);
                result = whole.Build();
            }

            if (parse.GetValue(format) == OutputFormat.Json)
            {
                CliOutput.WriteJson(context.Stdout, json => WriteJson(json, journey, result!));
            }
            else
            {
                WriteTable(context.Stdout, result);
            }

            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>The query's accumulator; a query the library refuses is a usage error naming the option.</summary>
    private static PathQueryAccumulator Accumulator(JourneyAnalyzer analyzer, PathQuery query, DateTimeOffset when)
    {
        try
        {
            return analyzer.CreatePathAccumulator(query, when);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(InOptionNames(e.Message));
        }
    }

    /// <summary>
    /// Queries a file grouped by customer batch by batch (<see cref="CliEventStream"/>: memory holds a few batches and the
    /// distinct paths, not the file), the same result as the whole file; a file not grouped by customer is sorted by
    /// customer on disk first (a note on stderr).
    /// </summary>
    private static PathQueryResult? Streamed(CliContext context, JourneyAnalyzer analyzer, PathQuery query, string eventsPath, string? asOf, CliEventReading reading, string? customersFile)
    {
        return CliEventStream.ByCustomer(context, eventsPath, reading, source =>
        {
            DateTimeOffset when = asOf is null ? CliEventStream.Latest(context, source) ?? DateTimeOffset.UnixEpoch : ScoreCommand.ParseAsOf(asOf);
            IReadOnlySet<string>? cohort = customersFile is null ? null : CustomerList.ReadCustomerIds(customersFile);
            PathQueryAccumulator all = analyzer.CreatePathAccumulator(query, when);
            CliEventStream.Read(
                context,
                source,
                batch =>
                {
                    PathQueryAccumulator part = analyzer.CreatePathAccumulator(query, when);
                    part.Add(CliEventStream.Scope(batch, when, cohort));
                    return part;
                },
                all.Merge);
            return all.Build();
        });
    }

    private static string[] Names(string? list, string option)
    {
        if (list is null)
        {
            return [];
        }

        string[] names = list.Split(',', StringSplitOptions.TrimEntries);
        return Array.Exists(names, n => n.Length == 0)
            ? throw new CliUsageException($"{option} takes non-empty step names separated by commas")
            : names;
    }

    /// <summary>A library message about a <see cref="PathQuery"/> property ("Hidden: …") in the CLI's option names, without the parameter suffix.</summary>
    private static string InOptionNames(string message)
    {
        int suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        message = suffix >= 0 ? message[..suffix] : message;
        foreach ((string property, string option) in new[]
        {
            (nameof(PathQuery.StartingAt), "--from"), (nameof(PathQuery.EndingAt), "--to"), (nameof(PathQuery.DropOffAt), "--drop-off-at"),
            (nameof(PathQuery.Hidden), "--hide"), (nameof(PathQuery.Excluded), "--exclude"),
        })
        {
            if (message.StartsWith(property + ":", StringComparison.Ordinal))
            {
                return option + message[property.Length..];
            }
        }

        return message;
    }

    private static string Describe(PathQuery q)
    {
        var parts = new List<string> { q.StartingAt is null ? "paths" : $"paths after '{q.StartingAt}'" };
        if (q.EndingAt is not null)
        {
            parts.Add($"to '{q.EndingAt}'");
        }

        if (q.DropOffAt is not null)
        {
            parts.Add($"ending in a drop-off at stage '{q.DropOffAt}'");
        }

        string hidden = q.Hidden.Count == 0 ? string.Empty : "; hiding " + string.Join(", ", q.Hidden);
        string excluded = q.Excluded.Count == 0 ? string.Empty : "; excluding " + string.Join(", ", q.Excluded);
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(' ', parts)} ({CliJson.Name(q.Level)} level, depth {q.Depth}{(q.CollapseRepeats ? ", repeats collapsed" : string.Empty)}{hidden}{excluded})");
    }

    private static void WriteTable(TextWriter output, PathQueryResult r)
    {
        string Count(long n) => DisplayFormat.Count(n);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(Describe(r.Query)[0])}{Describe(r.Query)[1..]} as of {DisplayFormat.Instant(r.AsOf)}"));
        string open = r.Query.DropOffAt is null ? string.Empty : $" ({Count(r.OpenInDropOffStage)} still open in '{r.Query.DropOffAt}': not drop-offs)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Count(r.Runs)} runs: {Count(r.Matched)} matched, {Count(r.WithoutStart)} without the start, {Count(r.WithoutEnd)} without the end{open}, {Count(r.Excluded)} excluded; {Count(r.DistinctPaths)} distinct paths; median time from the start to the end {DisplayFormat.Duration(r.MedianTimeToEnd)}"));
        output.WriteLine();
        bool fromEnd = r.Query.StartingAt is null && (r.Query.EndingAt is not null || r.Query.DropOffAt is not null);
        var rows = new List<IReadOnlyList<string>>(r.Paths.Count + 1);
        foreach (QueriedPath p in r.Paths)
        {
            string steps = string.Join(" > ", p.Steps);
            steps = !p.Truncated ? steps : fromEnd ? "… > " + steps : steps + " > …";
            rows.Add([steps, Count(p.Runs), DisplayFormat.Share(p.Share), DisplayFormat.Duration(p.MedianDuration)]);
        }

        if (r.OtherRuns > 0)
        {
            rows.Add([AnalyticsNames.Other, Count(r.OtherRuns), DisplayFormat.Share(r.OtherShare), DisplayFormat.Missing]);
        }

        CliOutput.WriteTable(output, ["path", "runs", "share", "median time"], rows);
    }

    private static void WriteJson(Utf8JsonWriter json, CompiledJourney journey, PathQueryResult r)
    {
        PathQuery q = r.Query;
        json.WriteStartObject();
        json.WriteString("journey_id", journey.Journey.Id);
        CliJson.WriteInstant(json, "as_of", r.AsOf);
        json.WriteStartObject("query");
        json.WriteString("level", CliJson.Name(q.Level));
        json.WriteString("from", q.StartingAt);
        json.WriteString("to", q.EndingAt);
        json.WriteString("drop_off_at", q.DropOffAt);
        WriteNames(json, "hidden", q.Hidden);
        WriteNames(json, "excluded", q.Excluded);
        json.WriteNumber("depth", q.Depth);
        json.WriteBoolean("collapse_repeats", q.CollapseRepeats);
        json.WriteNumber("top", q.Top);
        json.WriteEndObject();
        json.WriteNumber("runs", r.Runs);
        json.WriteNumber("matched", r.Matched);
        json.WriteNumber("without_start", r.WithoutStart);
        json.WriteNumber("without_end", r.WithoutEnd);
        json.WriteNumber("open_in_drop_off_stage", r.OpenInDropOffStage);
        json.WriteNumber("excluded_runs", r.Excluded);
        json.WriteNumber("distinct_paths", r.DistinctPaths);
        if (r.MedianTimeToEnd is { } median)
        {
            CliJson.WriteSeconds(json, "median_time_to_end_seconds", median);
        }
        else
        {
            json.WriteNull("median_time_to_end_seconds");
        }

        json.WriteStartArray("paths");
        foreach (QueriedPath p in r.Paths)
        {
            json.WriteStartObject();
            WriteNames(json, "steps", p.Steps);
            json.WriteBoolean("truncated", p.Truncated);
            json.WriteNumber("runs", p.Runs);
            json.WriteNumber("share", p.Share);
            CliJson.WriteSeconds(json, "median_duration_seconds", p.MedianDuration);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("other");
        json.WriteNumber("runs", r.OtherRuns);
        json.WriteNumber("share", r.OtherShare);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter json, string name, IReadOnlyList<string> names)
    {
        json.WriteStartArray(name);
        foreach (string n in names)
        {
            json.WriteStringValue(n);
        }

        json.WriteEndArray();
    }
}
