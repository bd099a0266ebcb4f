using System.CommandLine;
using System.Globalization;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Model.Json;
using JourneyKit.Prediction;
using JourneyKit.Scoring;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit score --journey JOURNEY.json --events FILE [--as-of T] [--format json|table] [--customer ID] [--explain [--horizon 14d]]</c>:
/// per customer the current stage, goal, stuck, dead end, moments of truth and the journey score with its breakdown; with
/// <c>--explain</c>, each open customer's predicted risks and their top reasons in plain words (docs/prediction.md).
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
        Option<string> customers = CliOptions.CustomersFilter();
        var explain = new Option<bool>("--explain") { Description = "Also predict each open customer's risk of not progressing within --horizon and of missing the goal, with the boosted-tree model fitted on the events up to the as-of instant, and give the top reasons in plain words (JSON: 'prediction'; table: a 'risk' column); and the likely next touchpoints and remaining time to the goal (JSON: 'prediction.next'; table: 'likely next')." };
        Option<TimeSpan> horizon = CliOptions.Duration("--horizon", "With --explain: how far ahead 'not progressing' looks.", BacktestOptions.DefaultHorizon);
        var input = new CliEventOptions();
        var command = new Command("score", "Evaluate every customer against a journey: current stage, goal, stuck (overdue by), dead end, moments of truth, and the journey score with its breakdown; then summary counts.")
        {
            journeyOption, events, asOf, customer, format, customers, explain, horizon,
        };
        input.AddTo(command);
        CliHelp.AddExamples(
            command,
            "journeykit score --journey samples/data/retail-bank-account-opening.journey.json --events samples/data/retail-bank-account-opening.events.csv",
            "journeykit score -j journey.json -e events.csv --as-of 2026-03-01T00:00:00Z --customer c0042 --format json",
            "journeykit score -j journey.json -e events.csv --explain --horizon 7d --format json");
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

            (EventBatch batch, _) = CliEventInput.Read(context, parse.GetRequiredValue(events), input.Get(parse));
            (batch, DateTimeOffset when) = ApplyAsOf(parse.GetValue(asOf), batch);
            if (parse.GetValue(customers) is { } cohort)
            {
                batch = batch.ForCustomers(Analytics.CustomerList.ReadCustomerIds(cohort));
            }
            var evaluator = new JourneyEvaluator(compiled);
            IReadOnlyList<JourneyInstance> instances = evaluator.Evaluate(batch);
            string? only = parse.GetValue(customer);
            OutputFormat outputFormat = parse.GetValue(format);
            ConformanceChecker? checker = outputFormat == OutputFormat.Json ? new ConformanceChecker(compiled) : null;
            var rows = new List<ScoredRun>();
            foreach (JourneyInstance instance in instances)
            {
                if (only is null || instance.CustomerId == only)
                {
                    rows.Add(new ScoredRun(instance, evaluator.GetStatus(instance, when), ScoringModel.Default.Score(evaluator, instance, when), checker?.Check(instance, batch)));
                }
            }

            if (only is not null && rows.Count == 0)
            {
                throw new CliProblemsException([$"customer '{only}' has no events in the file"]);
            }

            Explanations? explanations = null;
            if (parse.GetValue(explain))
            {
                TimeSpan h = parse.GetValue(horizon);
                if (h <= TimeSpan.Zero || JourneyKit.Duration.IsUnbounded(h))
                {
                    throw new CliUsageException("--horizon must be a positive, bounded duration");
                }

                explanations = Explanations.Fit(evaluator, batch, when, h);
            }

            Write(context.Stdout, outputFormat, compiled, when, rows, explanations);
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>
    /// The one as-of rule of every command: <c>--as-of</c> through the event files' timestamp parser (same messages), or
    /// the latest event in the data; and the batch cut to the events at or before it.
    /// </summary>
    internal static (EventBatch Batch, DateTimeOffset AsOf) ApplyAsOf(string? text, EventBatch batch)
    {
        if (text is null)
        {
            return (batch, batch.LatestTimestamp ?? DateTimeOffset.UnixEpoch);
        }

        if (!JourneyTimestamp.TryParse(text, out DateTimeOffset asOf, out string? error))
        {
            throw new CliUsageException("--as-of: " + error);
        }

        return (batch.Until(asOf), asOf);
    }

    private static string Stage(CompiledJourney journey, int stage) => stage < 0 ? "-" : journey.Stages[stage].Name;

    private static void Write(TextWriter output, OutputFormat format, CompiledJourney journey, DateTimeOffset asOf, List<ScoredRun> rows, Explanations? explanations)
    {
        var states = new int[(int)LifecycleState.Failed + 1];
        double sum = 0;
        foreach (var (_, s, score, _) in rows)
        {
            states[(int)s.State]++;
            sum += score.Value;
        }

        int goal = states[(int)LifecycleState.Converted], failed = states[(int)LifecycleState.Failed], stuck = states[(int)LifecycleState.Stuck];
        int dormant = states[(int)LifecycleState.Dormant], inProgress = states[(int)LifecycleState.InProgress];

        CultureInfo inv = CultureInfo.InvariantCulture;
        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("journey_id", journey.Journey.Id);
                CliJson.WriteInstant(json, "as_of", asOf);
                json.WriteStartObject("summary");
                json.WriteNumber("customers", rows.Count);
                json.WriteNumber("in_progress", inProgress);
                json.WriteNumber("stuck", stuck);
                json.WriteNumber("dormant", dormant);
                json.WriteNumber("converted", goal);
                json.WriteNumber("failed", failed);
                json.WriteNumber("mean_score", rows.Count == 0 ? 0 : Math.Round(sum / rows.Count, 2));
                json.WriteEndObject();
                if (explanations is not null)
                {
                    json.WriteStartObject("model");
                    json.WriteString("version", explanations.Model.Fingerprint);
                    CliJson.WriteSeconds(json, "horizon_seconds", explanations.Model.Horizon);
                    json.WriteNumber("training_rows", explanations.Model.TrainingRows);
                    json.WriteEndObject();
                }

                json.WriteStartArray("customers");
                foreach (var (i, s, score, conformance) in rows)
                {
                    json.WriteStartObject();
                    json.WriteString("customer_id", i.CustomerId);
                    json.WriteNumber("run", i.RunNumber);
                    if (i.Persona is not null)
                    {
                        json.WriteString("persona", i.Persona);
                    }

                    json.WriteString("stage_id", i.CurrentStage < 0 ? null : journey.Stages[i.CurrentStage].Id);
                    json.WriteString("state", StateName(s.State));
                    CliJson.WriteSeconds(json, "time_in_stage_seconds", s.TimeInStage);
                    if (s.IsStuck)
                    {
                        CliJson.WriteSeconds(json, "overdue_by_seconds", s.OverdueBy);
                    }
                    json.WriteStartArray("moments_of_truth");
                    foreach (MomentOfTruthHit hit in i.MomentsOfTruth)
                    {
                        json.WriteStartObject();
                        json.WriteString("moment_id", journey.Journey.MomentsOfTruth[hit.Moment].Id);
                        json.WriteString("outcome", hit.Outcome == MomentOfTruthOutcome.Positive ? "positive" : "negative");
                        CliJson.WriteInstant(json, "at", new DateTimeOffset(hit.Ticks, TimeSpan.Zero));
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
                    if (conformance is not null)
                    {
                        WriteConformance(json, conformance);
                    }

                    if (explanations?.Of(i, s) is { } prediction)
                    {
                        json.WriteStartObject("prediction");
                        json.WriteNumber("not_progressing", Math.Round(prediction.Risk.NotProgressing, 4));
                        json.WriteNumber("missing_goal", Math.Round(prediction.Risk.MissingGoal, 4));
                        json.WriteStartArray("reasons");
                        foreach (RiskFactor f in prediction.Reasons)
                        {
                            json.WriteStartObject();
                            json.WriteString("feature", f.Feature);
                            json.WriteNumber("contribution", Math.Round(f.Contribution, 4));
                            json.WriteString("description", f.Description);
                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                        if (prediction.Next is { } next)
                        {
                            WriteNext(json, next);
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            return;
        }

        var table = new List<IReadOnlyList<string>>();
        foreach (var (i, s, score, _) in rows)
        {
            ScoreContribution worst = score.Breakdown.MaxBy(c => c.PointsLost)!;
            var row = new List<string>
            {
                i.RunNumber == 1 ? i.CustomerId : $"{i.CustomerId} (run {i.RunNumber})",
                Stage(journey, i.CurrentStage),
                s.IsStuck ? "stuck +" + Format(s.OverdueBy) : StateName(s.State).Replace('_', ' '),
                DisplayFormat.Count(i.MomentsOfTruth.Count),
                score.Value.ToString("0", inv),
                worst.PointsLost < 0.5 ? "-" : worst.ToString(),
            };
            if (explanations is not null)
            {
                var p = explanations.Of(i, s);
                row.Add(p is { } r ? string.Create(inv, $"{DisplayFormat.Share(r.Risk.NotProgressing)}: {(r.Reasons.Count > 0 ? r.Reasons[0].Description : "-")}") : "-");
                row.Add(p?.Next is { Next.Count: > 0 } n ? string.Create(inv, $"{n.Next[0].Touchpoint} ({DisplayFormat.Share(n.Next[0].Probability)})") : "-");
            }

            table.Add(row);
        }

        string[] header = explanations is null
            ? ["customer", "stage", "status", "MoTs", "score", "biggest loss"]
            : ["customer", "stage", "status", "MoTs", "score", "biggest loss", "risk (not progressing): top reason", "likely next"];
        CliOutput.WriteTable(output, header, table);
        output.WriteLine(string.Create(inv, $"{DisplayFormat.Count(rows.Count)} customers as of {DisplayFormat.Instant(asOf)}: {DisplayFormat.Count(inProgress)} in progress, {DisplayFormat.Count(stuck)} stuck, {DisplayFormat.Count(dormant)} dormant, {DisplayFormat.Count(goal)} converted, {DisplayFormat.Count(failed)} failed; mean score {(rows.Count == 0 ? 0 : sum / rows.Count):0.0}"));
    }

    /// <summary>The run's conformance: alignment fitness (null without a stage visit) and its deviations (docs/analytics.md).</summary>
    private static void WriteConformance(System.Text.Json.Utf8JsonWriter json, CustomerConformance c)
    {
        json.WriteStartObject("conformance");
        if (c.Fitness is { } fitness)
        {
            json.WriteNumber("fitness", Math.Round(fitness, 4));
        }
        else
        {
            json.WriteNull("fitness");
        }

        json.WriteNumber("stage_visits", c.StageVisits);
        json.WriteNumber("alignment_cost", c.AlignmentCost);
        json.WriteNumber("out_of_path_events", c.OutOfPathEvents);
        json.WriteStartArray("deviations");
        foreach (ConformanceDeviation d in c.Deviations)
        {
            json.WriteStartObject();
            json.WriteString("kind", d.Kind switch
            {
                ConformanceDeviationKind.SkippedStage => "skipped_stage",
                ConformanceDeviationKind.DisallowedTransition => "disallowed_transition",
                _ => "out_of_path_touchpoint",
            });
            json.WriteString(d.Kind == ConformanceDeviationKind.OutOfPathTouchpoint ? "touchpoint" : "stage", d.Subject);
            if (d.From is not null)
            {
                json.WriteString("from", d.From);
            }

            CliJson.WriteInstant(json, "at", d.At);
            json.WriteNumber("count", d.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The next-touchpoint model's prediction (docs/prediction.md, "What happens next"): JSON <c>prediction.next</c>.</summary>
    private static void WriteNext(System.Text.Json.Utf8JsonWriter json, NextStepPrediction next)
    {
        json.WriteStartObject("next");
        json.WriteStartArray("touchpoints");
        foreach (TouchpointProbability t in next.Next)
        {
            json.WriteStartObject();
            json.WriteString("touchpoint", t.Touchpoint);
            json.WriteNumber("probability", Math.Round(t.Probability, 4));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("goal_probability", Math.Round(next.GoalProbability, 4));
        foreach ((string name, TimeSpan? value) in (ReadOnlySpan<(string, TimeSpan?)>)[("remaining_median_seconds", next.RemainingMedian), ("remaining_lower_seconds", next.RemainingLower), ("remaining_upper_seconds", next.RemainingUpper)])
        {
            if (value is { } v)
            {
                CliJson.WriteSeconds(json, name, v);
            }
            else
            {
                json.WriteNull(name);
            }
        }

        json.WriteEndObject();
    }

    /// <summary>One scored run: its status, score and (JSON output only) conformance.</summary>
    private readonly record struct ScoredRun(JourneyInstance Instance, JourneyStatus Status, JourneyScore Score, CustomerConformance? Conformance);

    /// <summary>The boosted-tree model fitted for <c>--explain</c>, and its predictions with reasons for the open runs; with the next-touchpoint model's prediction.</summary>
    private sealed class Explanations(JourneyEvaluator evaluator, RiskPredictionModel model, DateTimeOffset asOf, Dictionary<(string, int), NextStepPrediction> next)
    {
        public RiskPredictionModel Model => model;

        public static Explanations Fit(JourneyEvaluator evaluator, EventBatch batch, DateTimeOffset asOf, TimeSpan horizon)
        {
            var next = new Dictionary<(string, int), NextStepPrediction>();
            foreach (RunNextStep run in NextStepModel.Fit(evaluator, batch, asOf).PredictOpenRuns(batch))
            {
                next[(run.CustomerId, run.RunNumber)] = run.Prediction;
            }

            return new(evaluator, new BoostedTreeRiskTrainer().FitModel(new RiskTrainingSet(evaluator, batch, asOf, horizon, seed: 1)), asOf, next);
        }

        /// <summary>The prediction of an open run (in progress or stuck, not in a terminal stage) with its top three reasons for not progressing and what happens next; null for the others.</summary>
        public (RunRisk Risk, IReadOnlyList<RiskFactor> Reasons, NextStepPrediction? Next)? Of(JourneyInstance run, JourneyStatus status)
        {
            if (!status.IsOpen || run.CurrentStage < 0 || evaluator.Journey.Stages[run.CurrentStage].IsTerminal)
            {
                return null;
            }

            return (model.Predict(evaluator, run, asOf), model.Explain(evaluator, run, asOf, RiskTarget.NotProgressing, 3), next.GetValueOrDefault((run.CustomerId, run.RunNumber)));
        }
    }

    /// <summary>The snake_case name of a lifecycle state, as every command writes it.</summary>
    internal static string StateName(LifecycleState state) => Analytics.CustomerList.StateName(state);

    private static string Format(TimeSpan value) => DisplayFormat.Duration(value);
}
