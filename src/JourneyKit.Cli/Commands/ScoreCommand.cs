using System.CommandLine;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit score --journey JOURNEY.json --events FILE [--as-of T] [--format json|table] [--customer ID]</c>:
/// per customer the current stage, goal, stuck, dead end, moments of truth and the journey score with its breakdown.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> journeyOption = CliOptions.JourneyOption();
        Option<string> events = CliOptions.EventsOption();
        Option<string> asOf = CliOptions.AsOf("stuck and dead end are judged at");
        var customer = new Option<string>("--customer", "-c") { Description = "Only this customer.", HelpName = "ID" };
        Option<OutputFormat> format = CliOptions.Format();
        Option<bool> skip = CliOptions.SkipBadRows();
        var command = new Command("score", "Evaluate every customer against a journey: current stage, goal, stuck (overdue by), dead end, moments of truth, and the journey score with its breakdown; then summary counts.")
        {
            journeyOption, events, asOf, customer, format, skip,
        };
        CliHelp.AddExamples(
            command,
            "journeykit score --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv",
            "journeykit score -j journey.json -e events.csv --as-of 2026-03-01T00:00:00Z --customer c-42 --format json");
        command.SetAction(parse =>
        {
            Journey journey = JourneyJson.LoadFile(parse.GetRequiredValue(journeyOption));
            CompiledJourney compiled;
            try
            {
                compiled = journey.Compile();
            }
            catch (NotSupportedException e)
            {
                throw new CliProblemsException([e.Message]);
            }

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), parse.GetValue(skip));
            DateTimeOffset when = ParseAsOf(parse.GetValue(asOf), batch);
            var evaluator = new JourneyEvaluator(compiled);
            IReadOnlyList<JourneyInstance> instances = evaluator.Evaluate(batch);
            string? only = parse.GetValue(customer);
            var rows = new List<(JourneyInstance Instance, JourneyStatus Status, JourneyScore Score)>();
            foreach (JourneyInstance instance in instances)
            {
                if (only is null || instance.CustomerId == only)
                {
                    rows.Add((instance, evaluator.GetStatus(instance, when), ScoringModel.Default.Score(evaluator, instance, when)));
                }
            }

            if (only is not null && rows.Count == 0)
            {
                throw new CliProblemsException([$"customer '{only}' has no events in the file"]);
            }

            Write(context.Stdout, parse.GetValue(format), compiled, when, rows);
            return CliExitCode.Ok;
        });
        return command;
    }

    internal static DateTimeOffset ParseAsOf(string? text, EventBatch batch)
    {
        if (text is null)
        {
            long max = 0;
            foreach (long t in batch.TimestampTicks)
            {
                max = Math.Max(max, t);
            }

            return new DateTimeOffset(max, TimeSpan.Zero);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value))
        {
            return value.ToUniversalTime();
        }

        throw new CliUsageException($"--as-of: '{text}' is not an ISO-8601 timestamp such as 2026-03-01T00:00:00Z");
    }

    private static string Stage(CompiledJourney journey, int stage) => stage < 0 ? "-" : journey.Stages[stage].Name;

    private static void Write(TextWriter output, OutputFormat format, CompiledJourney journey, DateTimeOffset asOf, List<(JourneyInstance Instance, JourneyStatus Status, JourneyScore Score)> rows)
    {
        int goal = 0, failed = 0, stuck = 0, deadEnds = 0;
        double sum = 0;
        foreach (var (i, s, score) in rows)
        {
            goal += i.GoalReached ? 1 : 0;
            failed += i.Failed ? 1 : 0;
            stuck += s.IsStuck ? 1 : 0;
            deadEnds += s.IsDeadEnd ? 1 : 0;
            sum += score.Value;
        }

        CultureInfo inv = CultureInfo.InvariantCulture;
        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("journey", journey.Journey.Id);
                json.WriteString("as_of", asOf.ToString("O", inv));
                json.WriteStartObject("summary");
                json.WriteNumber("customers", rows.Count);
                json.WriteNumber("goal_reached", goal);
                json.WriteNumber("failed", failed);
                json.WriteNumber("stuck", stuck);
                json.WriteNumber("dead_ends", deadEnds);
                json.WriteNumber("mean_score", rows.Count == 0 ? 0 : Math.Round(sum / rows.Count, 2));
                json.WriteEndObject();
                json.WriteStartArray("customers");
                foreach (var (i, s, score) in rows)
                {
                    json.WriteStartObject();
                    json.WriteString("customer_id", i.CustomerId);
                    if (i.Persona is not null)
                    {
                        json.WriteString("persona", i.Persona);
                    }

                    json.WriteString("stage", i.CurrentStage < 0 ? null : journey.Stages[i.CurrentStage].Id);
                    json.WriteBoolean("goal_reached", i.GoalReached);
                    json.WriteBoolean("failed", i.Failed);
                    json.WriteBoolean("stuck", s.IsStuck);
                    if (s.IsStuck)
                    {
                        json.WriteNumber("overdue_seconds", (long)s.OverdueBy.TotalSeconds);
                    }

                    json.WriteBoolean("dead_end", s.IsDeadEnd);
                    json.WriteStartArray("moments_of_truth");
                    foreach (MomentOfTruthHit hit in i.MomentsOfTruth)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", journey.Journey.MomentsOfTruth[hit.Moment].Id);
                        json.WriteString("outcome", hit.Outcome == MomentOfTruthOutcome.Positive ? "positive" : "negative");
                        json.WriteString("at", new DateTimeOffset(hit.Ticks, TimeSpan.Zero).ToString("O", inv));
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteNumber("score", Math.Round(score.Value, 2));
                    json.WriteStartArray("breakdown");
                    foreach (ScoreContribution c in score.Breakdown)
                    {
                        json.WriteStartObject();
                        json.WriteString("component", c.Component);
                        json.WriteNumber("points", Math.Round(c.Points, 2));
                        json.WriteNumber("points_lost", Math.Round(c.PointsLost, 2));
                        json.WriteString("explanation", c.Explanation);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            return;
        }

        var table = new List<IReadOnlyList<string>>();
        foreach (var (i, s, score) in rows)
        {
            ScoreContribution worst = score.Breakdown.MaxBy(c => c.PointsLost)!;
            table.Add(
            [
                i.CustomerId,
                Stage(journey, i.CurrentStage),
                i.GoalReached ? "goal" : i.Failed ? "failed" : s.IsDeadEnd ? "dead end" : s.IsStuck ? "stuck +" + Format(s.OverdueBy) : "in progress",
                i.MomentsOfTruth.Count.ToString(inv),
                score.Value.ToString("0", inv),
                worst.PointsLost < 0.5 ? "-" : worst.ToString(),
            ]);
        }

        CliOutput.WriteTable(output, ["customer", "stage", "status", "MoTs", "score", "biggest loss"], table);
        output.WriteLine(string.Create(inv, $"{rows.Count} customers as of {asOf:O}: {goal} reached the goal, {failed} failed, {stuck} stuck, {deadEnds} dead ends; mean score {(rows.Count == 0 ? 0 : sum / rows.Count):0.0}"));
    }

    private static string Format(TimeSpan value) => JourneyKit.Duration.Format(value, 2);
}
