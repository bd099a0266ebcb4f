using System.Globalization;
using System.Net;
using JourneyKit.Analytics;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Reporting;

/// <summary>
/// Writes a <see cref="JourneyAnalysis"/> as one self-contained HTML page: the journey map, stage funnel, flow between
/// stages, time in stage vs standard, stuck and dead-end hotspots, channel switches, attribution, score distribution,
/// segments and the customers at risk. Charts are inline SVG; no script, font, image or style sheet is loaded from anywhere
/// (a Content-Security-Policy forbids it), so the page works offline, without JavaScript, and prints.
/// </summary>
/// <remarks>Colours are the Okabe–Ito palette (distinguishable with common colour-vision deficiencies); every chart has a
/// text alternative and its numbers are also written as text.</remarks>
public static class JourneyReport
{
    private const string Blue = "#0072B2";
    private const string Orange = "#E69F00";
    private const string Green = "#009E73";
    private const string Vermillion = "#D55E00";
    private const string Sky = "#56B4E9";
    private const string Purple = "#CC79A7";
    private const string Grey = "#6b6b6b";
    private static readonly string[] Palette = [Blue, Orange, Green, Vermillion, Sky, Purple, "#8C6D31", Grey];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The flow chart draws at most this many moves (the most frequent); the table lists the rest.</summary>
    private const int MaxFlowBands = 200;

    /// <summary>A Kaplan–Meier curve gets at most one step per this many pixels of its 600-px axis (≤ 300 points).</summary>
    private const double CurvePixelsPerPoint = 2;

    /// <summary>Section ids, in page order (each is an element id and the target of the page's table of contents).</summary>
    public static IReadOnlyList<string> SectionIds { get; } =
        ["journey-map", "stage-funnel", "flow", "time-in-stage", "stuck", "dead-ends", "channel-switches", "attribution", "scores", "at-risk", "segments"];

    /// <summary>Writes the report.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="journey">The compiled journey the analysis is of.</param>
    /// <param name="analysis">The analysis.</param>
    public static void WriteHtml(TextWriter writer, CompiledJourney journey, JourneyAnalysis analysis) => WriteHtml(writer, journey, analysis, null);

    /// <summary>Writes the report with what the options add: the score's predictive link to the KPIs, the reasons of each customer at risk.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="journey">The compiled journey the analysis is of.</param>
    /// <param name="analysis">The analysis.</param>
    /// <param name="options">The options, or null for none.</param>
    public static void WriteHtml(TextWriter writer, CompiledJourney journey, JourneyAnalysis analysis, JourneyReportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(analysis);
        options ??= new JourneyReportOptions();
        var w = new Html(writer);
        Journey j = journey.Journey;
        w.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w.Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        w.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Raw("<title>").Text($"Journey report: {Title(j)}").Raw("</title>\n<style>").Raw(Css).Raw("</style>\n</head>\n<body>\n");
        w.Raw("<header><h1>").Text(Title(j)).Raw("</h1><p class=\"sub\">").Text($"Journey report as of {Instant(analysis.AsOf)} · journey '{j.Id}' version {j.Version}").Raw("</p>");
        if (j.Goal is { } goal)
        {
            w.Raw("<p class=\"sub\">Goal: ").Text(goal).Raw("</p>");
        }

        if (analysis.Approximation is { } sketched)
        {
            // A big input: say which numbers come from a sketch, before anyone reads them (docs/analytics.md, "Big inputs").
            w.Raw("<p class=\"caveat\" id=\"approximate\">").Text($"Approximate: a distribution of more than {N(sketched.ExactSamples)} samples is summarised by a sketch, so its percentiles, medians and time-based estimates are within ±{(sketched.RelativeAccuracy * 100).ToString("0.0#", CultureInfo.InvariantCulture)} % of the exact ones; counts are exact. Sketched here: {string.Join(", ", sketched.Sections).Replace('_', ' ')}.").Raw("</p>");
        }

        Tiles(w, analysis);
        w.Raw("<nav aria-label=\"Sections\"><ul>");
        string[] titles = ["Journey map", "Stage funnel", "Flow between stages", "Time in stage", "Stuck now", "Dead ends", "Channel switches", "Attribution", "Scores", "At risk", "Segments"];
        for (int i = 0; i < titles.Length; i++)
        {
            w.Raw("<li><a href=\"#").Text(SectionIds[i]).Raw("\">").Text(titles[i]).Raw("</a></li>");
        }

        w.Raw("</ul></nav></header>\n<main>\n");
        var names = new ReportNames(journey);
        JourneyMap(w, journey, analysis, names);
        Funnel(w, journey, analysis, names);
        Flow(w, journey, analysis, names);
        TimeInStage(w, analysis, names);
        Stuck(w, analysis, names);
        DeadEnds(w, analysis, names);
        Switches(w, analysis, names);
        Attribution(w, analysis, names);
        Scores(w, analysis, options.ScoreLinks);
        AtRisk(w, analysis, names, options);
        Segments(w, analysis, names);
        w.Raw("</main>\n<footer><p>Generated by JourneyKit. Definitions: docs/analytics.md.</p></footer>\n</body>\n</html>\n");
    }

    private static string Title(Journey j) => string.IsNullOrEmpty(j.Name) ? j.Id : j.Name;

    private static void Tiles(Html w, JourneyAnalysis a)
    {
        // One exclusive lifecycle state per run: these five tiles add up to the customer count.
        LifecycleCounts states = a.States;
        w.Raw("<p class=\"intro\">").Text($"{N(a.Customers)} customers as of {Instant(a.AsOf)}, each in exactly one state:").Raw("</p>");
        w.Raw("<dl class=\"tiles\" id=\"states\">");
        Tile(w, "In progress", Share(states.InProgress, a.Customers));
        Tile(w, "Stuck", Share(states.Stuck, a.Customers));
        Tile(w, "Dormant", Share(states.Dormant, a.Customers));
        Tile(w, "Converted", Share(states.Converted, a.Customers));
        Tile(w, "Failed", Share(states.Failed, a.Customers));
        w.Raw("</dl><dl class=\"tiles\">");
        Tile(w, "Conversion (decided runs)", $"{Pct(a.Conversion.DecidedRate)} of {N(a.Conversion.Decided)}");
        Tile(w, a.Conversion.Horizon is { } h ? $"Conversion estimate within {D(h)}" : "Conversion estimate", Pct(a.Conversion.Estimate));
        Tile(w, "At risk (in progress)", N(a.AtRisk.Count));
        Tile(w, "Mean score", a.Scores.Mean.ToString("0.0", Inv));
        Tile(w, "Conformance", Pct(a.Paths.Conformance));
        w.Raw("</dl>");
    }

    private static string Share(int count, int total) => $"{N(count)} ({Pct(total == 0 ? null : (double)count / total)})";

    private static string Instant(DateTimeOffset value) => DisplayFormat.Instant(value);

    private static void Tile(Html w, string label, string value) => w.Raw("<div><dt>").Text(label).Raw("</dt><dd>").Text(value).Raw("</dd></div>");

    private static void Open(Html w, string id, string title, string intro)
    {
        w.Raw("<section id=\"").Text(id).Raw("\" aria-labelledby=\"").Text(id).Raw("-h\"><h2 id=\"").Text(id).Raw("-h\">").Text(title).Raw("</h2><p class=\"intro\">").Text(intro).Raw("</p>\n");
    }

    private static void Close(Html w) => w.Raw("</section>\n");

    private static void JourneyMap(Html w, CompiledJourney journey, JourneyAnalysis a, ReportNames names)
    {
        Journey j = journey.Journey;
        Open(w, "journey-map", "Journey map", "The designed journey: stages in order (left to right, then the next row) with their touchpoints, channels and standard times.");
        if (j.Personas.Count > 0)
        {
            w.Raw("<p><strong>Personas:</strong> ");
            for (int i = 0; i < j.Personas.Count; i++)
            {
                w.Raw(i > 0 ? " · " : string.Empty).Text(string.IsNullOrEmpty(j.Personas[i].Name) ? j.Personas[i].Id : j.Personas[i].Name);
            }

            w.Raw("</p>");
        }

        w.Raw("<ol class=\"map\">");
        for (int s = 0; s < journey.Stages.Length; s++)
        {
            Stage stage = journey.Stages[s];
            string kind = stage.IsGoal ? " goal" : stage.IsFailure ? " failure" : string.Empty;
            w.Raw("<li class=\"stage").Raw(kind).Raw("\"><h3>").Text($"{s + 1}. {names.Stage(stage.Id)}").Raw("</h3>");
            if (!string.IsNullOrEmpty(stage.Name) && stage.Name != stage.Id)
            {
                w.Raw("<span class=\"id\">").Text(stage.Id).Raw("</span>");
            }

            w.Raw("<p class=\"meta\">").Text(stage.IsGoal ? "goal" : stage.IsFailure ? "failure" : stage.StandardTime > TimeSpan.Zero ? $"standard {D(stage.StandardTime)}" : "no standard time");
            if (stage.MaxTime is { } max)
            {
                w.Text($" · max {D(max)}");
            }

            w.Raw("</p><ul>");
            foreach (string id in stage.Touchpoints)
            {
                Touchpoint? tp = j.FindTouchpoint(id);
                w.Raw("<li>").Text(names.Touchpoint(id));
                if (tp is not null && !tp.Channel.IsNone)
                {
                    w.Raw(" <span class=\"chip\" style=\"border-color:").Raw(ChannelColour(a, tp.Channel.Name)).Raw("\">").Text(tp.Channel.Name).Raw("</span>");
                }

                if (names.Touchpoint(id) != id)
                {
                    w.Raw("<span class=\"id\">").Text(id).Raw("</span>");
                }

                w.Raw("</li>");
            }

            w.Raw("</ul></li>");
        }

        w.Raw("</ol>");
        if (j.MomentsOfTruth.Count > 0)
        {
            w.Raw("<h3>Moments of truth</h3><ul class=\"mots\">");
            foreach (MomentOfTruth m in j.MomentsOfTruth)
            {
                w.Raw("<li><span class=\"badge ").Raw(m.Outcome == MomentOfTruthOutcome.Positive ? "pos\">positive" : "neg\">negative").Raw("</span> <strong>")
                    .Text(string.IsNullOrEmpty(m.Name) ? m.Id : m.Name).Raw("</strong>");
                if (PatternWords.Describe(m.Pattern, names) is { } words)
                {
                    w.Raw("<span class=\"plain\">").Text(words).Raw("</span>");
                }

                w.Raw("<span class=\"id\">pattern <code>").Text(m.Pattern).Raw("</code> · weight ").Text(m.Weight.ToString("0.##", Inv)).Raw("</span></li>");
            }

            w.Raw("</ul>");
        }

        if (j.Kpis.Count > 0)
        {
            w.Raw("<h3>Goals and KPIs</h3><p class=\"intro\">Open runs are not counted as failures: the decided value is over runs whose outcome is known; the estimate treats open runs as censored (cumulative incidence). On target is judged by the estimate when there is one.</p>");
            w.Raw("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">KPI</th><th scope=\"col\">Target</th><th scope=\"col\">Decided runs</th><th scope=\"col\">Estimate</th><th scope=\"col\">Open (left out)</th><th scope=\"col\">Against target</th></tr></thead><tbody>");
            foreach (KpiMeasurement k in a.Kpis)
            {
                bool share = k.Kind is KpiKind.Conversion or KpiKind.Retention;
                string Value(double? v) => v is not { } x ? "-" : share ? Pct(x) : k.Kind == KpiKind.TimeToComplete ? $"{x.ToString("0.#", Inv)} h" : x.ToString("0.##", Inv);
                string target = k.Target is { } t ? (k.Kind == KpiKind.TimeToComplete ? "≤ " : "≥ ") + Value(t) : "-";
                string decided = k.Measured ? $"{Value(k.DecidedValue)} of {N(k.Decided)}" : "not measured from events";
                string horizon = k.Horizon is { } h ? $" within {D(h)}" : string.Empty;
                w.Raw("<tr><td>").Text((string.IsNullOrEmpty(k.Name) ? k.KpiId : k.Name) + horizon).Raw("</td><td class=\"num\">").Text(target)
                    .Raw("</td><td class=\"num\">").Text(decided).Raw("</td><td class=\"num\">").Text(Value(k.Estimate))
                    .Raw("</td><td class=\"num\">").Text(k.Measured ? N(k.Open) : "-").Raw("</td><td>");
                w.Raw(k.OnTarget switch
                {
                    true => "<span class=\"badge pos\">✓ on target</span>",
                    false => "<span class=\"badge neg\">✗ off target</span>",
                    null => k.Target is null ? "<span class=\"muted\">no target</span>" : "<span class=\"muted\">not measured</span>",
                }).Raw("</td></tr>");
            }

            w.Raw("</tbody></table></div>");
        }

        Close(w);
    }

    private static void Funnel(Html w, CompiledJourney journey, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "stage-funnel", "Stage funnel", "Customers reaching each stage (or a later one). Rates are over decided runs: open runs (in progress or stuck) are neither converted nor dropped.");
        var rows = new List<BarRow>(a.Funnel.Count);
        for (int i = 0; i < a.Funnel.Count; i++)
        {
            StageFunnelStep s = a.Funnel[i];
            bool goal = names.IsGoal(s.StageId);
            string detail = goal
                ? $"{N(s.Reached)} reached the goal"
                : i + 1 == a.Funnel.Count
                    ? $"{N(s.Reached)} reached"
                    : $"{N(s.Reached)} · {Pct(s.ConversionRate)} to next · {N(s.DroppedOff)} dropped · {N(s.Open)} open";
            rows.Add(new BarRow(s.StageName.Length > 0 ? s.StageName : names.Stage(s.StageId), detail, s.Reached, goal ? Green : Blue, $"{s.Reached} reached"));
        }

        BarChart(w, "Stage funnel: " + Join(a.Funnel, s => $"{names.Stage(s.StageId)} {s.Reached}"), rows, Math.Max(1, a.Customers), null);
        Table(w, ["Stage", "Reached", "Converted", "In progress", "Stuck", "Dormant", "Failed", "Drop-off (decided)", "Conversion estimate"], a.Funnel, s => names.IsGoal(s.StageId)
            ? [names.StageCell(s.StageId), N(s.Reached), "goal", "-", "-", "-", "-", "-", "-"]
            : [names.StageCell(s.StageId), N(s.Reached), N(s.Converted), N(s.InProgress), N(s.Stuck), N(s.Dormant), N(s.Failed), Pct(s.DropOffRate), Pct(s.ConversionEstimate)]);
        Close(w);
    }

    private static void Flow(Html w, CompiledJourney journey, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "flow", "Flow between stages", "How customers moved between stages (band width ∝ number of moves). Bands below the stages go backwards or against the design. A wide journey scrolls sideways.");
        int n = journey.Stages.Length;
        var inflow = new int[n];
        var outflow = new int[n];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int s = 0; s < n; s++)
        {
            index[journey.Stages[s].Id] = s;
        }

        // The most frequent moves only (a journey of s stages can have s² of them); the table below lists them all.
        var drawn = Top(a.Paths.Transitions, MaxFlowBands);
        int maxValue = 1;
        foreach (StageTransition t in drawn)
        {
            outflow[index[t.From]] += t.Count;
            inflow[index[t.To]] += t.Count;
        }

        var value = new int[n];
        for (int s = 0; s < n; s++)
        {
            value[s] = Math.Max(1, Math.Max(inflow[s], outflow[s]));
            maxValue = Math.Max(maxValue, value[s]);
        }

        const int nodeWidth = 16, span = 200, column = 150, margin = 20, font = 13, line = 15;
        var labels = new List<string>[n];
        int labelLines = 1;
        for (int s = 0; s < n; s++)
        {
            labels[s] = Wrap(names.Stage(journey.Stages[s].Id), column - 14, font, 4);
            labelLines = Math.Max(labelLines, labels[s].Count);
        }

        int width = Math.Max(900, (2 * margin) + (n * column));
        double step = (double)(width - (2 * margin)) / n;
        int top = 14 + (labelLines * line);
        double scale = (double)span / maxValue;
        var x = new double[n];
        var y = new double[n];
        var h = new double[n];
        for (int s = 0; s < n; s++)
        {
            x[s] = margin + (step * s) + ((step - nodeWidth) / 2);
            h[s] = Math.Max(3, value[s] * scale);
            y[s] = top + ((span - h[s]) / 2);
        }

        int height = top + span + 120;
        w.Raw("<div class=\"scroll\">");
        w.Svg(width, height, "Flow between stages: " + Join(a.Paths.Transitions, t => $"{names.Stage(t.From)} to {names.Stage(t.To)} {t.Count}"), wide: true);
        var outOffset = new double[n];
        var inOffset = new double[n];
        var backOut = new double[n];
        var backIn = new double[n];
        foreach (StageTransition t in drawn)
        {
            int f = index[t.From], to = index[t.To];
            double band = Math.Max(1, t.Count * scale);
            string colour = !t.Allowed ? Vermillion : to > f ? Sky : Orange;
            string title = $"{names.Stage(t.From)} → {names.Stage(t.To)}: {t.Count} (median {D(t.MedianTime)})";
            if (to > f)
            {
                double y0 = y[f] + outOffset[f] + (band / 2), y1 = y[to] + inOffset[to] + (band / 2);
                double x0 = x[f] + nodeWidth, x1 = x[to], mid = (x0 + x1) / 2;
                outOffset[f] += band;
                inOffset[to] += band;
                w.Raw(string.Create(Inv, $"<path d=\"M{x0:0.#},{y0:0.#} C{mid:0.#},{y0:0.#} {mid:0.#},{y1:0.#} {x1:0.#},{y1:0.#}\" stroke=\"{colour}\" stroke-opacity=\"0.55\" stroke-width=\"{band:0.#}\" fill=\"none\"><title>")).Text(title).Raw("</title></path>");
            }
            else
            {
                double x0 = x[f] + (nodeWidth / 2.0) + Math.Min(backOut[f], 6), x1 = x[to] + (nodeWidth / 2.0) + Math.Min(backIn[to], 6);
                double y0 = y[f] + h[f], y1 = y[to] + h[to], depth = top + span + 20 + Math.Min(90, Math.Abs(f - to) * 25);
                backOut[f] += 2;
                backIn[to] += 2;
                w.Raw(string.Create(Inv, $"<path d=\"M{x0:0.#},{y0:0.#} C{x0:0.#},{depth:0.#} {x1:0.#},{depth:0.#} {x1:0.#},{y1:0.#}\" stroke=\"{colour}\" stroke-opacity=\"0.6\" stroke-width=\"{Math.Min(band, 12):0.#}\" fill=\"none\"><title>")).Text(title).Raw("</title></path>");
            }
        }

        for (int s = 0; s < n; s++)
        {
            Stage stage = journey.Stages[s];
            string fill = stage.IsGoal ? Green : stage.IsFailure ? Vermillion : Blue;
            w.Raw(string.Create(Inv, $"<rect x=\"{x[s]:0.#}\" y=\"{y[s]:0.#}\" width=\"{nodeWidth}\" height=\"{h[s]:0.#}\" fill=\"{fill}\"><title>")).Text($"{names.Stage(stage.Id)}: {value[s]}").Raw("</title></rect>");
            double cx = x[s] + (nodeWidth / 2.0);
            MultiLine(w, labels[s], cx, top - 8 - ((labels[s].Count - 1) * line), line, "middle");
        }

        w.Raw("</svg></div><p class=\"legend\"><span style=\"color:").Raw(Sky).Raw("\">■</span> forward · <span style=\"color:").Raw(Orange).Raw("\">■</span> backward (allowed) · <span style=\"color:")
            .Raw(Vermillion).Raw("\">■</span> not allowed by the design");
        if (a.Paths.Transitions.Count > drawn.Count)
        {
            w.Text($" · the {N(drawn.Count)} most frequent of {N(a.Paths.Transitions.Count)} moves are drawn");
        }

        w.Raw("</p>");
        w.Raw("<p>").Text($"{Pct(a.Paths.Conformance)} of customers followed allowed transitions only; {N(a.Paths.DistinctVariants)} distinct stage paths. Case duration: first to last event of a run (open runs: so far).").Raw("</p>");
        Table(w, ["Path (stages)", "Customers", "Median duration", "p90 duration"], a.Paths.Variants, v => [names.Path(v.Stages), N(v.Customers), D(v.MedianDuration), D(v.P90Duration)]);
        if (a.Paths.OtherVariants > 0)
        {
            w.Raw("<p class=\"intro\">").Text($"… and {N(a.Paths.OtherVariants)} customers on {N(a.Paths.DistinctVariants - a.Paths.Variants.Count)} other paths (in the JSON from journeykit analyze).").Raw("</p>");
        }

        if (a.Paths.Deviations.Count > 0)
        {
            w.Raw("<h3>Most common deviations from the design</h3>");
            Table(w, ["From", "To", "Count"], Top(a.Paths.Deviations, 15), d => [names.StageCell(d.From), names.StageCell(d.To), N(d.Count)]);
        }

        Close(w);
    }

    private static void TimeInStage(Html w, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "time-in-stage", "Time in stage vs standard time", "Median (bar) and 90th percentile (whisker) of completed visits; the dashed line is the stage's standard time.");
        var stats = new List<StageTimeStats>();
        double max = 1;
        foreach (StageTimeStats t in a.TimeInStage)
        {
            if (t.CompletedVisits > 0 || t.StandardTime > TimeSpan.Zero)
            {
                stats.Add(t);
                max = Math.Max(max, Math.Max(t.P90?.TotalHours ?? 0, t.StandardTime.TotalHours));
            }
        }

        var rows = new List<BarRow>(stats.Count);
        foreach (StageTimeStats t in stats)
        {
            rows.Add(new BarRow(names.Stage(t.StageId), $"p50 {D(t.P50)} · p90 {D(t.P90)} · std {D(t.StandardTime)}", t.P50?.TotalHours ?? 0, t.MedianExceedsStandard ? Vermillion : Blue, $"median {D(t.P50)}"));
        }

        BarChart(w, "Time in stage: " + Join(stats, t => $"{names.Stage(t.StageId)} median {D(t.P50)} standard {D(t.StandardTime)}"), rows, max, (i, x0, yMid, barMax, rowHeight) =>
        {
            StageTimeStats t = stats[i];
            double p50 = (t.P50?.TotalHours ?? 0) / max * barMax, p90 = (t.P90?.TotalHours ?? 0) / max * barMax;
            w.Raw(string.Create(Inv, $"<line x1=\"{x0 + p50:0.#}\" x2=\"{x0 + p90:0.#}\" y1=\"{yMid:0.#}\" y2=\"{yMid:0.#}\" stroke=\"#222\" stroke-width=\"2\"/>"));
            if (t.StandardTime > TimeSpan.Zero)
            {
                double sx = x0 + (t.StandardTime.TotalHours / max * barMax);
                w.Raw(string.Create(Inv, $"<line x1=\"{sx:0.#}\" x2=\"{sx:0.#}\" y1=\"{yMid - 12:0.#}\" y2=\"{yMid + 12:0.#}\" stroke=\"{Vermillion}\" stroke-width=\"2\" stroke-dasharray=\"4 3\"><title>standard {D(t.StandardTime)}</title></line>"));
            }
        });
        Table(w, ["Stage", "Standard", "Completed visits", "p50", "p90", "p99", "Median over standard", "Stuck now"], a.TimeInStage, t =>
            [names.StageCell(t.StageId), D(t.StandardTime), N(t.CompletedVisits), D(t.P50), D(t.P90), D(t.P99), t.MedianExceedsStandard ? "yes" : "no", N(t.StuckNow)]);
        Close(w);
    }

    private static void Stuck(Html w, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "stuck", "Stuck now", $"{N(a.StuckNow.Count)} customers are in a stage longer than its standard time and still active (dormant and ended runs are not stuck). {(a.StuckNow.Count > 20 ? "The 20 most overdue (the full list: journeykit customers --state stuck)" : "Most overdue first")}:");
        Table(w, ["Customer", "Stage", "In stage", "Overdue by"], Top(a.StuckNow, 20), s => [s.CustomerId, names.StageCell(s.StageId), D(s.TimeInStage), D(s.OverdueBy)]);
        Close(w);
    }

    private static void DeadEnds(Html w, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "dead-ends", "Dead ends", "Where dormant runs stopped (no event for the inactivity period before a goal or failure stage), most frequent first.");
        Table(w, ["Stage", "Last touchpoint", "Last channel", "Customers"], Top(a.DeadEnds, 15), d => [names.StageCell(d.StageId), names.TouchpointCell(d.LastTouchpoint), d.LastChannel, N(d.Customers)]);
        Close(w);
    }

    private static void Switches(Html w, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "channel-switches", "Channel switches", "Changes of channel between consecutive events. Switches within one stage (marked silo) suggest the customer could not finish the stage in the channel they started in.");
        Table(w, ["Stage", "From", "To", "Switches", "Within stage"], Top(a.ChannelSwitches, 15), s => [names.StageCell(s.StageId), s.From, s.To, N(s.Count), s.WithinStage ? "silo" : "-"]);
        Close(w);
    }

    private static void Attribution(Html w, JourneyAnalysis a, ReportNames names)
    {
        AttributionResult c = a.ChannelAttribution;
        Open(w, "attribution", "Attribution", $"First-order Markov attribution: P(conversion) = {c.ConversionProbability.ToString("0.000", Inv)} over {N(c.Paths)} paths. A channel's removal effect is the share of conversions lost if it were removed.");
        var bars = new List<BarRow>();
        double max = 0;
        foreach (StateAttribution s in Top(c.States, 12))
        {
            bars.Add(new BarRow(s.State, s.AttributedConversions.ToString("0.0", Inv), s.AttributedConversions, Palette[bars.Count % Palette.Length], null));
            max = Math.Max(max, s.AttributedConversions);
        }

        BarChart(w, "Conversions attributed per channel: " + Join(bars, b => $"{b.Label} {b.Detail}"), bars, max <= 0 ? 1 : max, null);
        if (c.States.Count > bars.Count)
        {
            w.Raw("<p class=\"intro\">").Text($"… and {N(c.States.Count - bars.Count)} smaller channels (in the JSON from journeykit analyze).").Raw("</p>");
        }

        IReadOnlyList<StateAttribution> touchpoints = Top(a.TouchpointAttribution.States, 10);
        bool anyFailure = false;
        foreach (StateAttribution s in touchpoints)
        {
            anyFailure |= names.IsFailureTouchpoint(s.State);
        }

        Table(w, ["Touchpoint", "Visits", "Removal effect", "Attributed conversions", "Kind"], touchpoints, s =>
            [names.TouchpointCell(s.State), N(s.Visits), s.RemovalEffect.ToString("0.000", Inv), s.AttributedConversions.ToString("0.0", Inv), names.IsFailureTouchpoint(s.State) ? "⚠ failure touchpoint" : "-"]);
        if (anyFailure)
        {
            w.Raw("<p class=\"caveat\">").Text("⚠ A failure touchpoint (one of a failure stage or of a negative moment of truth) can show a high removal effect because customers who recover from it go on to convert: attribution measures where converting paths pass, not what helps. Do not read it as a touchpoint to invest in.").Raw("</p>");
        }

        Close(w);
    }

    private static void Scores(Html w, JourneyAnalysis a, ScoreKpiLinkResult? links)
    {
        Open(w, "scores", "Journey scores", $"Distribution of journey scores (0–100); mean {a.Scores.Mean.ToString("0.0", Inv)}.");
        const int width = 760, height = 220, left = 40, bottom = 190, barWidth = 60;
        int max = 1;
        foreach (int v in a.Scores.Histogram)
        {
            max = Math.Max(max, v);
        }

        w.Svg(width, height, "Score histogram: " + string.Join(", ", a.Scores.Histogram));
        for (int i = 0; i < a.Scores.Histogram.Count; i++)
        {
            int v = a.Scores.Histogram[i];
            double bh = Math.Max(v > 0 ? 1 : 0, (double)v / max * 160);
            int x = left + (i * (barWidth + 8));
            w.Raw(string.Create(Inv, $"<rect x=\"{x}\" y=\"{bottom - bh:0.#}\" width=\"{barWidth}\" height=\"{bh:0.#}\" fill=\"{Green}\"><title>{i * 10}–{(i * 10) + 10}: {v}</title></rect>"));
            w.Raw(string.Create(Inv, $"<text x=\"{x + (barWidth / 2)}\" y=\"{bottom + 16}\" text-anchor=\"middle\">{i * 10}–{(i * 10) + 10}</text>"));
            w.Raw(string.Create(Inv, $"<text x=\"{x + (barWidth / 2)}\" y=\"{bottom - bh - 4:0.#}\" text-anchor=\"middle\">{v}</text>"));
        }

        w.Raw("</svg>");
        ScoreLinks(w, links);
        Close(w);
    }

    /// <summary>
    /// Does the score predict the outcome? Scores of the runs open at the cut-off against what happened after it — never
    /// the correlation over runs whose outcome is already part of their score.
    /// </summary>
    private static void ScoreLinks(Html w, ScoreKpiLinkResult? links)
    {
        w.Raw("<h3 id=\"score-kpi\">Does the score predict the outcome?</h3>");
        if (links is null)
        {
            w.Raw("<p class=\"intro\">").Text("Not measured for this report. A score measured on the same runs whose goal and progress make half of it says nothing about the future; the predictive link (scores at a cut-off against the outcomes after it) comes from JourneyAnalyzer.LinkScoresToKpis.").Raw("</p>");
            return;
        }

        string where = links.CutoffFraction is { } f ? $" ({Pct(f)} of the way through the data, which starts {Instant(links.DataStart!.Value)})" : string.Empty;
        w.Raw("<p class=\"intro\">").Text($"Every run open at the cut-off {Instant(links.Cutoff)}{where} is scored from its events up to then; its outcome is what happened after it, up to {Instant(links.AsOf)}. {N(links.OpenAtCutoff)} runs were open. Runs whose outcome is still unknown at the end (still open, or no response) are censored: left out of the correlation, and compared in the concordance only for as long as they were followed. Concordance: the share of pairs in which the higher score had the better outcome (0.5 is chance, 1 perfect; the AUC for a yes/no outcome).").Raw("</p>");
        var rows = new List<ScoreKpiLink>(links.Kpis.Count + 1) { links.Goal };
        rows.AddRange(links.Kpis);
        Table(w, ["Outcome after the cut-off", "Runs", "Known", "Censored", "Concordance", "Correlation"], rows, l =>
            [l.KpiId is null ? "Reaching the goal" : LinkName(l), N(l.Runs), N(l.Known), N(l.Censored), l.Concordance is { } c ? c.ToString("0.00", Inv) : "-", l.Correlation is { } r ? r.ToString("0.00", Inv) : "-"]);
    }

    private static string LinkName(ScoreKpiLink l) => l.Kind switch
    {
        KpiKind.TimeToComplete => $"{l.Name} (sooner)",
        KpiKind.Conversion => l.Name,
        _ => l.Runs == 0 ? $"{l.Name} (not measured from events)" : $"{l.Name} (response after the cut-off)",
    };

    private static void AtRisk(Html w, JourneyAnalysis a, ReportNames names, JourneyReportOptions options)
    {
        Open(w, "at-risk", "Customers at risk", $"{N(a.AtRisk.Count)} customers are not yet past their stage's standard time but are unlikely to progress, judged from how long customers before them took (Kaplan–Meier) and where the next stage leads (Markov). {(a.AtRisk.Count > 25 ? "The 25 at highest risk (the full list: journeykit customers --at-risk)" : "Highest risk first")}:");
        if (options.AtRiskReasons is { } reasons)
        {
            Table(w, ["Customer", "Stage", "In stage", "Standard", "Risk: not progressing", "Risk: missing the goal", "Top reasons"], Top(a.AtRisk, 25), r =>
            {
                IReadOnlyList<string> why = reasons(r);
                return [r.CustomerId, names.StageCell(r.StageId), D(r.TimeInStage), D(r.StandardTime), Pct(r.RiskOfNotProgressing), Pct(r.RiskOfMissingGoal), why.Count == 0 ? "-" : string.Join("; ", why)];
            });
            if (options.AtRiskReasonsSource is { } source)
            {
                w.Raw("<p class=\"intro\">").Text(source).Raw("</p>");
            }
        }
        else
        {
            Table(w, ["Customer", "Stage", "In stage", "Standard", "Risk: not progressing", "Risk: missing the goal"], Top(a.AtRisk, 25), r =>
                [r.CustomerId, names.StageCell(r.StageId), D(r.TimeInStage), D(r.StandardTime), Pct(r.RiskOfNotProgressing), Pct(r.RiskOfMissingGoal)]);
        }

        Trust(w, options.Backtest);
        if (a.Risk.Count > 0)
        {
            RiskCurves(w, a, names);
            Table(w, ["Stage", "Next stage", "Visits", "Progressed", "Never progress (estimate)", "P(goal | next)"], a.Risk, m =>
                [names.StageCell(m.StageId), names.StageCell(m.NextStageId), N(m.Curve.Observations), N(m.Curve.EventCount), Pct(m.Curve.Plateau), Pct(m.GoalProbabilityFromNext)]);
        }

        Close(w);
    }

    /// <summary>
    /// Can these predictions be trusted? Each backtested model's metrics over the cut-offs (fitted on the events up to a
    /// cut-off, scored on what happened after it), and per target a reliability diagram of the latest cut-off: each
    /// decile's mean prediction against how often the event happened; on the diagonal a prediction means what it says.
    /// </summary>
    private static void Trust(Html w, BacktestResult? backtest)
    {
        w.Raw("<h3 id=\"trust\">Can these predictions be trusted?</h3>");
        if (backtest is null || backtest.Cutoffs.Count == 0)
        {
            w.Raw("<p class=\"intro\">").Text("Not measured for this report: journeykit backtest (or Backtest.Run) fits each model on the events before a cut-off and scores its predictions against what happened after it.").Raw("</p>");
            return;
        }

        var cutoffs = new List<string>(backtest.Cutoffs.Count);
        foreach (BacktestCutoff c in backtest.Cutoffs)
        {
            cutoffs.Add(Instant(c.Cutoff));
        }

        BacktestCutoff latest = backtest.Cutoffs[^1];
        w.Raw("<p class=\"intro\">").Text($"Backtested at {N(backtest.Cutoffs.Count)} cut-offs ({string.Join(", ", cutoffs)}): at each, every model is fitted on the events up to it only and predicts for the runs open then ({N(latest.OpenRuns)} at the latest); the predictions are scored against what the data shows after it, up to {Instant(backtest.DataEnd)}. Runs whose outcome is still unknown are censored and left out, never counted as negatives. Not progressing means no later stage within {D(backtest.Horizon)}. AUC: 0.5 is chance, 1 perfect. Calibration error: the mean gap between predicted and observed, by decile (0 is perfect). Flagged gap: the runs at or above {Pct(backtest.RiskThreshold)} risk, their mean prediction minus how many did not progress.").Raw("</p>");
        Table(w, ["Prediction", "Model", "AUC", "Brier score", "Calibration error", "Flagged gap"], backtest.Summary, s =>
            [TargetName(s.Target), s.Model, Metric(s.Auc), Metric(s.Brier), Metric(s.ExpectedCalibrationError), Metric(s.FlaggedGap)]);
        foreach (TargetEvaluation target in latest.Targets)
        {
            Reliability(w, target, latest.Cutoff);
        }
    }

    private static string TargetName(RiskTarget target) => target == RiskTarget.NotProgressing ? "Not progressing" : "Missing the goal";

    /// <summary>A metric's mean over the cut-offs, with its spread (± one standard deviation) when there are two or more.</summary>
    private static string Metric(MetricSummary m) => m.Mean is not { } mean
        ? "-"
        : m.StandardDeviation is { } sd ? string.Create(Inv, $"{mean:0.000} ± {sd:0.000}") : mean.ToString("0.000", Inv);

    /// <summary>One target's reliability diagram: per model, its calibration bins as points joined by a line, over the diagonal.</summary>
    private static void Reliability(Html w, TargetEvaluation target, DateTimeOffset cutoff)
    {
        const int size = 240, left = 50, top = 10, legendX = left + size + 20, height = size + 50;
        w.Raw("<figure>");
        w.Svg(legendX + 240, height, $"Reliability diagram, {TargetName(target.Target)}, cut-off {Instant(cutoff)}: predicted against observed by decile");
        w.Raw(string.Create(Inv, $"<rect x=\"{left}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"{Grey}\"/>"));
        w.Raw(string.Create(Inv, $"<line x1=\"{left}\" y1=\"{top + size}\" x2=\"{left + size}\" y2=\"{top}\" stroke=\"{Grey}\" stroke-dasharray=\"4 3\"/>"));
        w.Raw(string.Create(Inv, $"<text x=\"{left + (size / 2)}\" y=\"{top + size + 30}\" text-anchor=\"middle\">predicted</text>"));
        w.Raw(string.Create(Inv, $"<text x=\"{left - 8}\" y=\"{top + 12}\" text-anchor=\"end\">1</text><text x=\"{left - 8}\" y=\"{top + size}\" text-anchor=\"end\">0</text>"));
        for (int m = 0; m < target.Models.Count; m++)
        {
            ModelEvaluation model = target.Models[m];
            string color = Palette[m % Palette.Length];
            var points = new System.Text.StringBuilder();
            foreach (CalibrationBin bin in model.Metrics.Calibration)
            {
                double x = left + (bin.MeanPredicted * size), y = top + size - (bin.Observed * size);
                points.Append(string.Create(Inv, $"{x:0.#},{y:0.#} "));
            }

            w.Raw("<polyline class=\"reliability\" fill=\"none\" stroke=\"").Raw(color).Raw("\" stroke-width=\"2\" points=\"").Raw(points.ToString().TrimEnd()).Raw("\"/>");
            foreach (CalibrationBin bin in model.Metrics.Calibration)
            {
                double x = left + (bin.MeanPredicted * size), y = top + size - (bin.Observed * size);
                w.Raw(string.Create(Inv, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"3\" fill=\"{color}\"><title>")).Text($"{model.Model}: {N(bin.Count)} runs, predicted {Pct(bin.MeanPredicted)}, observed {Pct(bin.Observed)}").Raw("</title></circle>");
            }

            w.Raw(string.Create(Inv, $"<rect x=\"{legendX}\" y=\"{top + (m * 20)}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{legendX + 18}\" y=\"{top + (m * 20) + 11}\">")).Text(model.Model).Raw("</text>");
        }

        w.Raw("</svg><figcaption>").Text($"{TargetName(target.Target)} at the cut-off {Instant(cutoff)}: {N(target.Known)} runs with a known outcome, {N(target.Censored)} censored.").Raw("</figcaption></figure>");
    }

    /// <summary>
    /// Risk of not progressing against time in stage (as a share of the standard time, up to twice it), per stage. Each
    /// Kaplan–Meier step path is thinned to one step per <see cref="CurvePixelsPerPoint"/> pixels (at most
    /// 600 / 2 = 300 points per curve), whatever the number of visits behind it.
    /// </summary>
    private static void RiskCurves(Html w, JourneyAnalysis a, ReportNames names)
    {
        const int left = 50, top = 10, plotWidth = 600, plotHeight = 200, legendX = left + plotWidth + 20, legendWidth = 260, font = 13, line = 15;
        var models = new List<(StageRiskModel Model, TimeSpan Standard)>();
        foreach (StageRiskModel model in a.Risk)
        {
            foreach (StageTimeStats t in a.TimeInStage)
            {
                if (t.StageId == model.StageId && t.StandardTime > TimeSpan.Zero)
                {
                    models.Add((model, t.StandardTime));
                }
            }
        }

        var legends = new List<List<string>>(models.Count);
        int legendHeight = 0;
        foreach ((StageRiskModel model, _) in models)
        {
            List<string> lines = Wrap(names.Stage(model.StageId), legendWidth - 20, font, 3);
            legends.Add(lines);
            legendHeight += (lines.Count * line) + 6;
        }

        int width = legendX + legendWidth, height = Math.Max(top + plotHeight + 30, top + legendHeight + 10);
        w.Svg(width, height, "Risk of not progressing by time in stage: " + Join(a.Risk, m => $"{names.Stage(m.StageId)} from {Pct(m.RiskOfNotProgressing(TimeSpan.Zero))}"));
        w.Raw(string.Create(Inv, $"<line x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{left + plotWidth}\" y2=\"{top + plotHeight}\" stroke=\"#222\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotHeight}\" stroke=\"#222\"/>"));
        double standardX = left + (plotWidth / 2.0);
        w.Raw(string.Create(Inv, $"<line x1=\"{standardX}\" y1=\"{top}\" x2=\"{standardX}\" y2=\"{top + plotHeight}\" stroke=\"{Vermillion}\" stroke-dasharray=\"4 3\"/>"));
        w.Raw(string.Create(Inv, $"<text x=\"{standardX}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">standard time</text><text x=\"{left}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">0</text><text x=\"{left + plotWidth}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">2×</text>"));
        w.Raw(string.Create(Inv, $"<text x=\"{left - 6}\" y=\"{top + 10}\" text-anchor=\"end\">100%</text><text x=\"{left - 6}\" y=\"{top + plotHeight}\" text-anchor=\"end\">0%</text>"));
        int legendY = top;
        for (int m = 0; m < models.Count; m++)
        {
            (StageRiskModel model, TimeSpan standard) = models[m];
            string colour = Palette[m % Palette.Length];
            string dash = ((m / Palette.Length) % 3) switch { 0 => string.Empty, 1 => " stroke-dasharray=\"6 3\"", _ => " stroke-dasharray=\"2 2\"" };
            double X(TimeSpan t) => left + (Math.Min(2, t / standard) * plotWidth / 2);
            double Y(double risk) => top + ((1 - risk) * plotHeight);
            var path = new System.Text.StringBuilder();
            double lastX = X(TimeSpan.Zero), lastY = Y(model.RiskOfNotProgressing(TimeSpan.Zero));
            path.Append(string.Create(Inv, $"M{lastX:0.#},{lastY:0.#}"));
            double pendingY = lastY;
            foreach (SurvivalPoint point in model.Curve.Points)
            {
                if (point.Time > standard * 2)
                {
                    break;
                }

                double px = X(point.Time), py = Y(model.RiskOfNotProgressing(point.Time));
                if (px - lastX >= CurvePixelsPerPoint)
                {
                    // One step per bucket: hold the previous level to here, then jump to the latest level reached.
                    path.Append(string.Create(Inv, $" H{px:0.#} V{py:0.#}"));
                    lastX = px;
                    lastY = py;
                }

                pendingY = py;
            }

            if (pendingY != lastY)
            {
                path.Append(string.Create(Inv, $" H{lastX + CurvePixelsPerPoint:0.#} V{pendingY:0.#}"));
            }

            path.Append(string.Create(Inv, $" H{left + plotWidth}"));
            w.Raw(string.Create(Inv, $"<path d=\"{path}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash} fill=\"none\"><title>")).Text(names.Stage(model.StageId)).Raw("</title></path>");
            w.Raw(string.Create(Inv, $"<rect x=\"{legendX}\" y=\"{legendY + 2}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>"));
            MultiLine(w, legends[m], legendX + 18, legendY + 12, line, "start");
            legendY += (legends[m].Count * line) + 6;
        }

        w.Raw("</svg><p class=\"legend\">Risk of never reaching the next stage, by time already spent in the stage (Kaplan–Meier, see docs/analytics.md).</p>");
    }

    private static void Segments(Html w, JourneyAnalysis a, ReportNames names)
    {
        Open(w, "segments", "Segments", "Share of each segment reaching each stage, by persona, channel used, first channel and cohort (ISO week of the first event).");
        var header = new List<string> { "Dimension", "Segment", "Customers" };
        foreach (StageFunnelStep s in a.Funnel)
        {
            header.Add(names.StageCell(s.StageId));
        }

        header.Add("Goal (decided)");
        header.Add("Goal estimate");
        header.Add("Open");

        // The 12 largest segments of each dimension (hostile data can have thousands of channels); the rest are counted.
        var shown = new List<SegmentFunnel>();
        var hidden = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IGrouping<string, SegmentFunnel> dimension in a.Segments.GroupBy(s => s.Dimension))
        {
            // Cohorts in calendar order (ISO weeks sort as text), the newest last; other dimensions largest first.
            List<SegmentFunnel> largest = dimension.Key == "cohort"
                ? [.. dimension.OrderBy(s => s.Value, StringComparer.Ordinal)]
                : [.. dimension.OrderByDescending(s => s.Customers).ThenBy(s => s.Value, StringComparer.Ordinal)];
            shown.AddRange(largest.Take(12));
            if (largest.Count > 12)
            {
                hidden[dimension.Key] = largest.Count - 12;
            }
        }

        Table(w, header, shown, s =>
        {
            var cells = new List<string> { s.Dimension.Replace('_', ' '), s.Dimension == "persona" ? names.PersonaCell(s.Value) : s.Value, N(s.Customers) };
            foreach (int r in s.Reached)
            {
                cells.Add(Pct(s.Customers == 0 ? null : (double)r / s.Customers));
            }

            cells.Add(Pct(s.DecidedRate));
            cells.Add(Pct(s.GoalEstimate));
            cells.Add(s.IsComplete ? "0" : $"{N(s.States.Open)} (not complete)");
            return cells;
        });
        foreach (KeyValuePair<string, int> more in hidden)
        {
            w.Raw("<p class=\"intro\">").Text($"… and {N(more.Value)} smaller {more.Key.Replace('_', ' ')} segments (in the JSON from journeykit analyze).").Raw("</p>");
        }

        Close(w);
    }

    /// <summary>One row of a horizontal bar chart.</summary>
    private readonly record struct BarRow(string Label, string Detail, double Value, string Colour, string? Title);

    /// <summary>
    /// A horizontal bar chart whose labels wrap (up to four lines, right-aligned in a column sized to the longest label,
    /// at most 300 px) and whose row height grows with them; the detail text sits in its own column on the right, so
    /// nothing is drawn over anything else however long the names are.
    /// </summary>
    private static void BarChart(Html w, string label, IReadOnlyList<BarRow> rows, double max, Action<int, double, double, double, double>? extra)
    {
        const int width = 960, font = 13, line = 15, detailWidth = 300, gap = 10;
        double labelWidth = 80;
        var labels = new List<string>[rows.Count];
        var details = new List<string>[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            labelWidth = Math.Max(labelWidth, Math.Min(300, TextWidth(rows[i].Label, font)));
        }

        double barX = labelWidth + gap, barMax = width - barX - gap - detailWidth - gap, detailX = barX + barMax + gap;
        int height = 6;
        for (int i = 0; i < rows.Count; i++)
        {
            labels[i] = Wrap(rows[i].Label, labelWidth, font, 4);
            details[i] = Wrap(rows[i].Detail, detailWidth, font, 3);
            height += RowHeight(Math.Max(labels[i].Count, details[i].Count), line);
        }

        w.Svg(width, height, label);
        double y = 3;
        for (int i = 0; i < rows.Count; i++)
        {
            BarRow row = rows[i];
            int rowHeight = RowHeight(Math.Max(labels[i].Count, details[i].Count), line);
            double mid = y + (rowHeight / 2.0);
            double bar = Math.Max(1, Math.Max(0, row.Value) / max * barMax);
            MultiLine(w, labels[i], labelWidth, mid + 4.5 - ((labels[i].Count - 1) * line / 2.0), line, "end");
            w.Raw(string.Create(Inv, $"<rect x=\"{barX:0.#}\" y=\"{mid - 10:0.#}\" width=\"{bar:0.#}\" height=\"20\" fill=\"{row.Colour}\">"));
            if (row.Title is not null)
            {
                w.Raw("<title>").Text(row.Title).Raw("</title>");
            }

            w.Raw("</rect>");
            extra?.Invoke(i, barX, mid, barMax, rowHeight);
            MultiLine(w, details[i], detailX, mid + 4.5 - ((details[i].Count - 1) * line / 2.0), line, "start");
            y += rowHeight;
        }

        w.Raw("</svg>");
    }

    private static int RowHeight(int lines, int line) => Math.Max(30, (lines * line) + 12);

    /// <summary>A text of one or more lines (tspans) from a first baseline.</summary>
    private static void MultiLine(Html w, List<string> lines, double x, double firstBaseline, int line, string anchor)
    {
        w.Raw(string.Create(Inv, $"<text x=\"{x:0.#}\" y=\"{firstBaseline:0.#}\" text-anchor=\"{anchor}\">"));
        for (int i = 0; i < lines.Count; i++)
        {
            w.Raw(i == 0 ? "<tspan>" : string.Create(Inv, $"<tspan x=\"{x:0.#}\" dy=\"{line}\">")).Text(lines[i]).Raw("</tspan>");
        }

        w.Raw("</text>");
    }

    /// <summary>
    /// A generous estimate of a text's width in px at a font size (per-character widths at or above those of common
    /// sans-serif faces, DejaVu Sans included), so that wrapped SVG labels fit the space they are given.
    /// </summary>
    internal static double TextWidth(string text, double font)
    {
        double em = 0;
        foreach (char c in text)
        {
            em += c switch
            {
                ' ' => 0.34,
                'i' or 'j' or 'l' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' or 'I' or '(' or ')' => 0.42,
                'f' or 't' or 'r' => 0.48,
                'm' or 'w' or 'M' or 'W' or '@' or '%' or '—' => 1.05,
                >= 'A' and <= 'Z' => 0.8,
                >= '0' and <= '9' => 0.66,
                < '\u0080' => 0.66,
                _ => char.IsSurrogate(c) ? 0.6 : 1.05, // wide scripts and symbols count a full em
            };
        }

        return em * font;
    }

    /// <summary>
    /// Splits a text into lines no wider than <paramref name="maxWidth"/> (by <see cref="TextWidth"/>): at spaces, then
    /// after '.', '_', '-' or '/' inside long words, then anywhere; past <paramref name="maxLines"/> the last line ends
    /// with "…" (the full text is in the tables and the chart's text alternative).
    /// </summary>
    internal static List<string> Wrap(string text, double maxWidth, double font, int maxLines)
    {
        var pieces = new List<string>();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string rest = word;
            while (TextWidth(rest, font) > maxWidth)
            {
                int cut = 0;
                for (int i = 1; i < rest.Length; i++)
                {
                    if (TextWidth(rest[..i], font) > maxWidth)
                    {
                        break;
                    }

                    cut = rest[i - 1] is '.' or '_' or '-' or '/' ? i : cut;
                }

                if (cut == 0)
                {
                    cut = 1;
                    while (cut < rest.Length && TextWidth(rest[..(cut + 1)], font) <= maxWidth)
                    {
                        cut++;
                    }
                }

                pieces.Add(rest[..cut] + "\u0000"); // a piece of a word: no space after it
                rest = rest[cut..];
            }

            pieces.Add(rest);
        }

        var lines = new List<string>();
        var current = new System.Text.StringBuilder();
        bool glued = false;
        foreach (string piece in pieces)
        {
            bool part = piece.EndsWith('\u0000');
            string p = part ? piece[..^1] : piece;
            string candidate = current.Length == 0 ? p : current + (glued ? string.Empty : " ") + p;
            if (current.Length > 0 && TextWidth(candidate, font) > maxWidth)
            {
                lines.Add(current.ToString());
                current.Clear().Append(p);
            }
            else
            {
                current.Clear().Append(candidate);
            }

            glued = part;
        }

        if (current.Length > 0 || lines.Count == 0)
        {
            lines.Add(current.ToString());
        }

        if (lines.Count > maxLines)
        {
            lines.RemoveRange(maxLines, lines.Count - maxLines);
            string last = lines[^1];
            while (last.Length > 0 && TextWidth(last + "…", font) > maxWidth)
            {
                last = last[..^1];
            }

            lines[^1] = last + "…";
        }

        return lines;
    }

    private static void Table<T>(Html w, IReadOnlyList<string> header, IReadOnlyList<T> rows, Func<T, IReadOnlyList<string>> cells)
    {
        if (rows.Count == 0)
        {
            w.Raw("<p class=\"empty\">None.</p>");
            return;
        }

        w.Raw("<div class=\"scroll\"><table><thead><tr>");
        foreach (string h in header)
        {
            w.Raw("<th scope=\"col\">");
            Cell(w, h);
            w.Raw("</th>");
        }

        w.Raw("</tr></thead><tbody>");
        foreach (T row in rows)
        {
            w.Raw("<tr>");
            foreach (string cell in cells(row))
            {
                bool numeric = cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell == "-");
                w.Raw(numeric ? "<td class=\"num\">" : "<td>");
                Cell(w, cell);
                w.Raw("</td>");
            }

            w.Raw("</tr>");
        }

        w.Raw("</tbody></table></div>");
    }

    /// <summary>A cell's text, with its secondary line (an id under a display name) when it has one.</summary>
    private static void Cell(Html w, string cell)
    {
        int split = cell.IndexOf(ReportNames.Secondary, StringComparison.Ordinal);
        if (split < 0)
        {
            w.Text(cell);
        }
        else
        {
            w.Text(cell[..split]).Raw("<span class=\"id\">").Text(cell[(split + 1)..]).Raw("</span>");
        }
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

    private static string Join<T>(IReadOnlyList<T> items, Func<T, string> text)
    {
        var parts = new string[Math.Min(items.Count, 20)];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = text(items[i]);
        }

        return string.Join(", ", parts);
    }

    private static string ChannelColour(JourneyAnalysis a, string channel)
    {
        IReadOnlyList<StateAttribution> states = a.ChannelAttribution.States;
        for (int i = 0; i < states.Count; i++)
        {
            if (states[i].State == channel)
            {
                return Palette[i % Palette.Length];
            }
        }

        return Grey;
    }

    private static string N(int value) => DisplayFormat.Count(value);

    private static string Pct(double? value) => DisplayFormat.Share(value);

    private static string D(TimeSpan? value) => value is { Ticks: not 0 } v ? DisplayFormat.Duration(v) : DisplayFormat.Missing;

    private const string Css = """
        :root { color-scheme: light; --ink: #1d1d1d; --muted: #555; --line: #d0d0d0; --accent: #0072B2; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 1.5rem; background: #fff; }
        h1 { margin: 0 0 .25rem; font-size: 1.7rem; } h2 { margin: 0 0 .25rem; font-size: 1.3rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
        h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
        .sub, .intro, .legend, footer { color: var(--muted); margin: .2rem 0; }
        section { margin: 2rem 0; }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
        a { color: #005a8c; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; margin: 1rem 0; }
        .tiles div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
        .tiles dt { color: var(--muted); font-size: .85rem; } .tiles dd { margin: 0; font-size: 1.3rem; font-weight: 600; }
        .map { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .5rem; list-style: none; padding: 0; margin: .5rem 0; }
        .stage { border: 1px solid var(--line); border-top: 5px solid #0072B2; border-radius: 6px; padding: .5rem; min-width: 0; overflow-wrap: anywhere; }
        .id { display: block; color: var(--muted); font-size: .8em; overflow-wrap: anywhere; } .muted { color: var(--muted); }
        .mots li { margin: .3rem 0; } .plain { display: block; } .caveat { border-left: 4px solid #E69F00; padding: .3rem .6rem; background: #fff8e6; }
        .stage.goal { border-top-color: #009E73; } .stage.failure { border-top-color: #D55E00; }
        .stage h3 { margin: 0; } .stage ul { padding-left: 1rem; margin: .3rem 0; } .meta { color: var(--muted); font-size: .85rem; margin: .1rem 0; }
        .chip { display: inline-block; border: 2px solid #6b6b6b; border-radius: 9px; padding: 0 .4rem; font-size: .75rem; }
        .badge { font-size: .75rem; padding: .05rem .4rem; border-radius: 4px; color: #fff; white-space: nowrap; } .badge.pos { background: #00684a; } .badge.neg { background: #a33c00; }
        table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; } th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        th { min-width: 5rem; } td:first-child { min-width: 8rem; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; } .scroll { overflow-x: auto; }
        svg { max-width: 100%; height: auto; font: 13px system-ui, sans-serif; } svg text { fill: #1d1d1d; } svg.wide { max-width: none; }
        .empty { color: var(--muted); font-style: italic; }
        @media print { body { max-width: none; padding: 0; font-size: 11pt; } nav { display: none; } section { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
        """;

    /// <summary>Writes HTML: raw markup, or text HTML-encoded.</summary>
    private sealed class Html(TextWriter writer)
    {
        public Html Raw(string markup)
        {
            writer.Write(markup);
            return this;
        }

        public Html Text(string text)
        {
            writer.Write(WebUtility.HtmlEncode(text));
            return this;
        }

        /// <summary>Opens an SVG chart; a wide one keeps its size (its container scrolls) instead of shrinking to the page.</summary>
        public void Svg(int width, int height, string label, bool wide = false)
        {
            Raw($"<svg role=\"img\"{(wide ? " class=\"wide\"" : string.Empty)} viewBox=\"0 0 {width.ToString(Inv)} {height.ToString(Inv)}\" width=\"{width.ToString(Inv)}\" height=\"{height.ToString(Inv)}\" aria-label=\"").Text(label).Raw("\">");
        }
    }
}
