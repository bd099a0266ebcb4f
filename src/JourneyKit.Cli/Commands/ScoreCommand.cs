using System.CommandLine;
using System.Globalization;
using System.Text;
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

            string eventsPath = parse.GetRequiredValue(events);
            if (!parse.GetValue(explain) && CliEventStream.CanStream(eventsPath)
                && ScoreByCustomer(context, compiled, eventsPath, parse.GetValue(asOf), input.Get(parse), parse.GetValue(customers), parse.GetValue(customer), parse.GetValue(format)))
            {
                return CliExitCode.Ok; // a file grouped by customer, scored batch by batch in bounded memory (docs/cli.md, "Big files")
            }

            (EventBatch batch, _) = CliEventInput.Read(context, eventsPath, input.Get(parse));
            (batch, DateTimeOffset when) = ApplyAsOf(parse.GetValue(asOf), batch);
            if (parse.GetValue(customers) is { } cohort)
            {
                batch = batch.ForCustomers(Analytics.CustomerList.ReadCustomerIds(cohort));
            }
            var evaluator = new JourneyEvaluator(compiled);
            var columns = new JourneyRunColumns();
            evaluator.EvaluateInto(batch, columns);
            string? only = parse.GetValue(customer);
            OutputFormat outputFormat = parse.GetValue(format);
            ConformanceChecker? checker = outputFormat == OutputFormat.Json ? new ConformanceChecker(compiled) : null;
            var rows = new List<ScoredRun>();
            for (int r = 0; r < columns.Count; r++)
            {
                JourneyRun run = columns[r];
                if (only is null || run.CustomerId == only)
                {
                    rows.Add(new ScoredRun(run, evaluator.GetStatus(run, when), ScoringModel.Default.Score(evaluator, run, when), checker?.Check(run)));
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

        DateTimeOffset asOf = ParseAsOf(text);
        return (batch.Until(asOf), asOf);
    }

    /// <summary><c>--as-of</c> through the event files' timestamp parser (same messages).</summary>
    internal static DateTimeOffset ParseAsOf(string text) =>
        JourneyTimestamp.TryParse(text, out DateTimeOffset asOf, out string? error) ? asOf : throw new CliUsageException("--as-of: " + error);

    private static string Stage(CompiledJourney journey, int stage) => stage < 0 ? "-" : journey.Stages[stage].Name;

    private static void Write(TextWriter output, OutputFormat format, CompiledJourney journey, DateTimeOffset asOf, List<ScoredRun> rows, Explanations? explanations)
    {
        var totals = new ScoreTotals();
        foreach (ScoredRun row in rows)
        {
            totals.Add(row.Status.State, row.Score.Value);
        }

        if (format == OutputFormat.Json)
        {
            CliOutput.WriteJson(output, json =>
            {
                WriteHead(json, journey, asOf, totals);
                if (explanations is not null)
                {
                    json.WriteStartObject("model");
                    json.WriteString("version", explanations.Model.Fingerprint);
                    CliJson.WriteSeconds(json, "horizon_seconds", explanations.Model.Horizon);
                    json.WriteNumber("training_rows", explanations.Model.TrainingRows);
                    json.WriteEndObject();
                }

                json.WriteStartArray("customers");
                foreach (ScoredRun row in rows)
                {
                    WriteRun(json, journey, row, explanations);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
            return;
        }

        string[] header = Header(explanations is not null);
        using var cells = new CliTableCells(header.Length);
        foreach (ScoredRun row in rows)
        {
            AddRow(cells, journey, row.Run, row.Status, row.Score.Value, row.Score.Breakdown.MaxBy(c => c.PointsLost)!, explanations);
        }

        cells.WriteTable(output, header, rows.Count > 0);
        output.WriteLine(totals.Line(asOf));
    }

    /// <summary>The document's start: journey, as-of and the summary counts.</summary>
    private static void WriteHead(System.Text.Json.Utf8JsonWriter json, CompiledJourney journey, DateTimeOffset asOf, ScoreTotals totals)
    {
        json.WriteStartObject();
        json.WriteString("journey_id", journey.Journey.Id);
        CliJson.WriteInstant(json, "as_of", asOf);
        json.WriteStartObject("summary");
        json.WriteNumber("customers", totals.Rows);
        json.WriteNumber("in_progress", totals.Count(LifecycleState.InProgress));
        json.WriteNumber("stuck", totals.Count(LifecycleState.Stuck));
        json.WriteNumber("dormant", totals.Count(LifecycleState.Dormant));
        json.WriteNumber("converted", totals.Count(LifecycleState.Converted));
        json.WriteNumber("failed", totals.Count(LifecycleState.Failed));
        json.WriteNumber("mean_score", totals.Rows == 0 ? 0 : Math.Round(totals.Sum / totals.Rows, 2));
        json.WriteEndObject();
    }

    /// <summary>One run of the <c>customers</c> array.</summary>
    private static void WriteRun(System.Text.Json.Utf8JsonWriter json, CompiledJourney journey, ScoredRun run, Explanations? explanations)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var (i, s, score, conformance) = run;
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
        for (int k = 0; k < i.MomentOfTruthCount; k++)
        {
            MomentOfTruthHit hit = i.GetMomentOfTruth(k);
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

    private static string[] Header(bool explained) => explained
        ? ["customer", "stage", "status", "MoTs", "score", "biggest loss", "risk (not progressing): top reason", "likely next"]
        : ["customer", "stage", "status", "MoTs", "score", "biggest loss"];

    /// <summary>The status cell of each lifecycle state but stuck (which says by how much).</summary>
    private static readonly string[] StatusCells = Array.ConvertAll(Enum.GetValues<LifecycleState>(), state => StateName(state).Replace('_', ' '));

    /// <summary>The cells of small counts (moments of truth hit).</summary>
    private static readonly string[] CountCells = [.. Enumerable.Range(0, 64).Select(n => DisplayFormat.Count(n))];

    /// <summary>Adds one run's table row: formatted into spans, the explanation of its biggest loss only.</summary>
    private static void AddRow(CliTableCells cells, CompiledJourney journey, in JourneyRun i, in JourneyStatus s, double score, ScoreContribution worst, Explanations? explanations)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        Span<char> text = stackalloc char[512];
        cells.Add(0, i.RunNumber == 1 ? i.CustomerId : $"{i.CustomerId} (run {i.RunNumber})");
        cells.Add(1, Stage(journey, i.CurrentStage));
        cells.Add(2, s.IsStuck ? "stuck +" + Format(s.OverdueBy) : StatusCells[(int)s.State]);
        int moments = i.MomentOfTruthCount;
        cells.Add(3, moments < CountCells.Length ? CountCells[moments] : DisplayFormat.Count(moments));
        cells.Add(4, score.TryFormat(text, out int n, "0", inv) ? text[..n] : score.ToString("0", inv));
        cells.Add(5, worst.PointsLost < 0.5 ? "-" : worst.TryFormat(text, out n) ? text[..n] : worst.ToString());
        if (explanations is not null)
        {
            var p = explanations.Of(i, s);
            cells.Add(6, p is { } r ? string.Create(inv, $"{DisplayFormat.Share(r.Risk.NotProgressing)}: {(r.Reasons.Count > 0 ? r.Reasons[0].Description : "-")}") : "-");
            cells.Add(7, p?.Next is { Next.Count: > 0 } next ? string.Create(inv, $"{next.Next[0].Touchpoint} ({DisplayFormat.Share(next.Next[0].Probability)})") : "-");
        }
    }

    /// <summary>
    /// Scores a file grouped by customer batch by batch (<see cref="CliEventStream"/>): each batch's runs are evaluated,
    /// scored and written (JSON array elements or table cells) on a worker; the pieces go, in file order, to a temporary
    /// file that is deleted on close, while the counts, the scores (summed in run order, as the whole read sums them) and
    /// the table's column widths are kept. Then the head and the pieces are written: the same bytes as the whole read.
    /// A file not grouped by customer is sorted by customer on disk first (a note on stderr).
    /// </summary>
    private static bool ScoreByCustomer(CliContext context, CompiledJourney journey, string eventsPath, string? asOfText, CliEventReading reading, string? cohortFile, string? only, OutputFormat format)
    {
        return CliEventStream.ByCustomer(context, eventsPath, reading, source =>
        {
            DateTimeOffset when = asOfText is null ? CliEventStream.Latest(context, source) ?? DateTimeOffset.UnixEpoch : ParseAsOf(asOfText);
            IReadOnlySet<string>? cohort = cohortFile is null ? null : Analytics.CustomerList.ReadCustomerIds(cohortFile);
            var evaluator = new JourneyEvaluator(journey);
            using var columns = new ThreadLocal<JourneyRunColumns>(static () => new JourneyRunColumns()); // reused by each worker
            bool json = format == OutputFormat.Json;
            ConformanceChecker? checker = json ? new ConformanceChecker(journey) : null;
            string[] header = Header(explained: false);
            var totals = new ScoreTotals();
            int[] widths = Array.ConvertAll(header, h => h.Length);
            bool[] numeric = Array.ConvertAll(header, _ => true);
            using var spill = new FileStream(Path.Combine(Path.GetTempPath(), "journeykit-score-" + Guid.NewGuid().ToString("N") + ".tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            CliEventStream.Read(
                context,
                source,
                batch =>
                {
                    return ScorePart.Of(journey, evaluator, columns.Value!, checker, CliEventStream.Scope(batch, when, cohort), when, only, header.Length);
                },
                part =>
                {
                    for (int r = 0; r < part.States.Length; r++)
                    {
                        totals.Add(part.States[r], part.Scores[r]);
                    }

                    if (part.Cells is { } cells)
                    {
                        spill.Write(cells.Written);
                        for (int c = 0; c < header.Length; c++)
                        {
                            widths[c] = Math.Max(widths[c], cells.Widths[c]);
                            numeric[c] &= cells.Numeric[c];
                        }

                        cells.Dispose();
                        return;
                    }

                    if (part.Json.Length > 0 && spill.Position > 0)
                    {
                        spill.WriteByte((byte)',');
                    }

                    spill.Write(part.Json);
                });
            if (only is not null && totals.Rows == 0)
            {
                throw new CliProblemsException([$"customer '{only}' has no events in the file"]);
            }

            spill.Position = 0;
            if (json)
            {
                WriteStreamedJson(context.Stdout, journey, when, totals, spill);
            }
            else
            {
                for (int c = 0; c < numeric.Length; c++)
                {
                    numeric[c] &= totals.Rows > 0;
                }

                CliTableCells.WriteTable(context.Stdout, header, spill, widths, numeric);
                context.Stdout.WriteLine(totals.Line(when));
            }

            return true;
        });
    }

    /// <summary>
    /// The JSON document around the spilled array elements: the head as <see cref="Write"/> writes it up to the array's
    /// start, the elements, and the end — each end taken from a writer so the indentation is the writer's own.
    /// </summary>
    private static void WriteStreamedJson(TextWriter output, CompiledJourney journey, DateTimeOffset asOf, ScoreTotals totals, Stream elements)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        int headLength, bodyLength;
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, CliOutput.JsonOptions))
        {
            WriteHead(json, journey, asOf, totals);
            json.WriteStartArray("customers");
            json.Flush();
            headLength = buffer.WrittenCount;
            if (totals.Rows > 0)
            {
                json.WriteNullValue(); // stands for the elements: the end after it is the end after a non-empty array
            }

            json.Flush();
            bodyLength = buffer.WrittenCount - headLength;
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var chars = new char[UTF8Encoding.UTF8.GetMaxCharCount(1 << 16)];
        void Write(ReadOnlySpan<byte> bytes, bool flush)
        {
            int n = decoder.GetChars(bytes, chars, flush);
            output.Write(chars, 0, n);
        }

        Write(buffer.WrittenSpan[..headLength], false);
        var piece = new byte[1 << 16];
        for (int n; (n = elements.Read(piece, 0, piece.Length)) > 0;)
        {
            Write(piece.AsSpan(0, n), false);
        }

        Write(buffer.WrittenSpan[(headLength + bodyLength)..], true);
        output.WriteLine();
    }

    /// <summary>The summary counts and the scores' sum, added in run order.</summary>
    private sealed class ScoreTotals
    {
        private readonly int[] _states = new int[(int)LifecycleState.Failed + 1];

        public int Rows { get; private set; }

        public double Sum { get; private set; }

        public void Add(LifecycleState state, double score)
        {
            _states[(int)state]++;
            Sum += score;
            Rows++;
        }

        public int Count(LifecycleState state) => _states[(int)state];

        public string Line(DateTimeOffset asOf) => string.Create(CultureInfo.InvariantCulture, $"{DisplayFormat.Count(Rows)} customers as of {DisplayFormat.Instant(asOf)}: {DisplayFormat.Count(Count(LifecycleState.InProgress))} in progress, {DisplayFormat.Count(Count(LifecycleState.Stuck))} stuck, {DisplayFormat.Count(Count(LifecycleState.Dormant))} dormant, {DisplayFormat.Count(Count(LifecycleState.Converted))} converted, {DisplayFormat.Count(Count(LifecycleState.Failed))} failed; mean score {(Rows == 0 ? 0 : Sum / Rows):0.0}");
    }

    /// <summary>One batch's scored runs, written: JSON array elements (without the comma before the first) or table cells.</summary>
    private sealed record ScorePart(LifecycleState[] States, double[] Scores, byte[] Json, CliTableCells? Cells)
    {
        public static ScorePart Of(CompiledJourney journey, JourneyEvaluator evaluator, JourneyRunColumns runs, ConformanceChecker? checker, EventBatch batch, DateTimeOffset when, string? only, int columns)
        {
            evaluator.EvaluateInto(batch, runs);
            var states = new List<LifecycleState>(only is null ? runs.Count : 1);
            var scores = new List<double>(states.Capacity);
            if (checker is null)
            {
                var cells = new CliTableCells(columns);
                for (int r = 0; r < runs.Count; r++)
                {
                    JourneyRun view = runs[r];
                    if (only is not null && view.CustomerId != only)
                    {
                        continue;
                    }

                    JourneyStatus status = evaluator.GetStatus(view, when);
                    double score = ScoringModel.Default.Score(evaluator, view, when, out ScoreContribution worst);
                    states.Add(status.State);
                    scores.Add(score);
                    AddRow(cells, journey, view, status, score, worst, null);
                }

                return new ScorePart([.. states], [.. scores], [], cells);
            }

            var bytes = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
            int prefix;
            using (var json = new System.Text.Json.Utf8JsonWriter(bytes, CliOutput.JsonOptions))
            {
                json.WriteStartObject(); // the elements' depth in the document: root object, customers array
                json.WriteStartArray("customers");
                json.Flush();
                prefix = bytes.WrittenCount;
                for (int r = 0; r < runs.Count; r++)
                {
                    JourneyRun view = runs[r];
                    if (only is not null && view.CustomerId != only)
                    {
                        continue;
                    }

                    var run = new ScoredRun(view, evaluator.GetStatus(view, when), ScoringModel.Default.Score(evaluator, view, when), checker.Check(view));
                    states.Add(run.Status.State);
                    scores.Add(run.Score.Value);
                    WriteRun(json, journey, run, null);
                }
            }

            return new ScorePart([.. states], [.. scores], bytes.WrittenSpan[prefix..].ToArray(), null);
        }
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

    /// <summary>One scored run (a view of the evaluation's columns): its status, score and (JSON output only) conformance.</summary>
    private readonly record struct ScoredRun(JourneyRun Run, JourneyStatus Status, JourneyScore Score, CustomerConformance? Conformance);

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
        public (RunRisk Risk, IReadOnlyList<RiskFactor> Reasons, NextStepPrediction? Next)? Of(JourneyRun view, JourneyStatus status)
        {
            if (!status.IsOpen || view.CurrentStage < 0 || evaluator.Journey.Stages[view.CurrentStage].IsTerminal)
            {
                return null;
            }

            JourneyInstance run = view.ToInstance(); // the models read instances: made for the open runs only
            return (model.Predict(evaluator, run, asOf), model.Explain(evaluator, run, asOf, RiskTarget.NotProgressing, 3), next.GetValueOrDefault((run.CustomerId, run.RunNumber)));
        }
    }

    /// <summary>The snake_case name of a lifecycle state, as every command writes it.</summary>
    internal static string StateName(LifecycleState state) => Analytics.CustomerList.StateName(state);

    private static string Format(TimeSpan value) => DisplayFormat.Duration(value);
}
