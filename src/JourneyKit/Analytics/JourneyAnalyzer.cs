using System.Globalization;
using JourneyKit.Analytics.Internal;
using JourneyKit.Analytics.Statistics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Journey analytics as a journey manager reads them: the stage funnel (by persona, first channel and cohort), time in stage
/// against standard times, who is stuck now, dead ends, path variants and conformance, channel switches, Markov attribution,
/// and the risk of not progressing before the standard time is up. See docs/analytics.md for every definition.
/// </summary>
/// <remarks>
/// <para>Analyse a whole batch with <see cref="Analyze(EventBatch, DateTimeOffset)"/>, or partitions of customers with one
/// <see cref="JourneyAnalysisAccumulator"/> each (<see cref="CreateAccumulator(DateTimeOffset)"/>), merged with
/// <see cref="JourneyAnalysisAccumulator.Merge(JourneyAnalysisAccumulator)"/>: the result is the same.</para>
/// <threadsafety>The analyzer is thread-safe; an accumulator is not.</threadsafety>
/// </remarks>
public sealed class JourneyAnalyzer
{
    /// <summary>Creates an analyzer.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="options">The options, or null for defaults.</param>
    public JourneyAnalyzer(CompiledJourney journey, AnalyticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        options ??= new AnalyticsOptions();
        options.Validate();
        Journey = journey;
        Options = options;
        Evaluator = new JourneyEvaluator(journey, options.Evaluation);
    }

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey { get; }

    /// <summary>Gets the options.</summary>
    public AnalyticsOptions Options { get; }

    internal JourneyEvaluator Evaluator { get; }

    /// <summary>Creates an empty accumulator for one partition of customers.</summary>
    /// <param name="asOf">The instant stuck, dead ends and risk are judged at.</param>
    /// <returns>The accumulator.</returns>
    public JourneyAnalysisAccumulator CreateAccumulator(DateTimeOffset asOf) => new(this, asOf.UtcTicks, Options.ExactSamples);

    /// <summary>Analyses every customer of a batch as of its latest event (<see cref="EventBatch.LatestTimestamp"/>).</summary>
    /// <param name="batch">The events.</param>
    /// <returns>The analysis (as of <see cref="DateTimeOffset.MinValue"/> for an empty batch).</returns>
    public JourneyAnalysis Analyze(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Analyze(batch, batch.LatestTimestamp ?? DateTimeOffset.MinValue);
    }

    /// <summary>Analyses every customer of a batch as of an instant: events after it are ignored, and every run's lifecycle state is judged at it.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The analysis.</returns>
    public JourneyAnalysis Analyze(EventBatch batch, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        JourneyAnalysisAccumulator accumulator = CreateAccumulator(asOf);
        accumulator.Add(batch);
        return accumulator.Build();
    }

    /// <summary>
    /// Per-run conformance to the designed journey as of an instant (events after it are ignored): each run's
    /// alignment-based fitness and its deviations — skipped stages, disallowed transitions, out-of-path touchpoints
    /// (<see cref="ConformanceChecker"/>). Runs in batch order, each customer's runs in order.
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>One entry per run.</returns>
    public IReadOnlyList<CustomerConformance> Conformance(EventBatch batch, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch.Until(asOf);
        var checker = new ConformanceChecker(Journey);
        IReadOnlyList<JourneyInstance> runs = Evaluator.Evaluate(batch);
        var result = new List<CustomerConformance>(runs.Count);
        foreach (JourneyInstance run in runs)
        {
            result.Add(checker.Check(run, batch));
        }

        return result;
    }

    /// <summary>Queries the paths of a batch as of its latest event (<see cref="EventBatch.LatestTimestamp"/>); see <see cref="QueryPaths(EventBatch, PathQuery, DateTimeOffset)"/>.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="query">The query.</param>
    /// <returns>The paths.</returns>
    /// <exception cref="ArgumentException">The query is not valid, or names a stage the journey does not have.</exception>
    public PathQueryResult QueryPaths(EventBatch batch, PathQuery query)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return QueryPaths(batch, query, batch.LatestTimestamp ?? DateTimeOffset.MinValue);
    }

    /// <summary>
    /// Queries the paths of a batch as of an instant (events after it are ignored, drop-offs are judged at it): the most
    /// frequent paths after a start anchor and/or up to an end anchor or a drop-off in a stage, with hidden and excluded
    /// steps, a depth, collapsed repeats and a top-K with an "other" bucket (<see cref="PathQuery"/>, docs/analytics.md).
    /// One pass over each run's steps; with <see cref="AnalysisUnit.Customers"/> each customer's latest run only.
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="query">The query.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The paths.</returns>
    /// <exception cref="ArgumentException">The query is not valid, names a stage the journey does not have (at stage
    /// level every name is a stage id), or drops off at a terminal stage.</exception>
    public PathQueryResult QueryPaths(EventBatch batch, PathQuery query, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        PathQueryAccumulator accumulator = CreatePathAccumulator(query, asOf);
        accumulator.Add(batch);
        return accumulator.Build();
    }

    /// <summary>
    /// Creates an empty path-query accumulator for one partition of customers: partitions added and merged
    /// (<see cref="PathQueryAccumulator.Merge(PathQueryAccumulator)"/>) give the same result as
    /// <see cref="QueryPaths(EventBatch, PathQuery, DateTimeOffset)"/> over the whole.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The accumulator.</returns>
    /// <exception cref="ArgumentException">The query is not valid, names a stage the journey does not have (at stage
    /// level every name is a stage id), or drops off at a terminal stage.</exception>
    public PathQueryAccumulator CreatePathAccumulator(PathQuery query, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        if (query.Level == PathLevel.Stage)
        {
            StageIndex(query.StartingAt, nameof(query.StartingAt));
            StageIndex(query.EndingAt, nameof(query.EndingAt));
            foreach (string name in query.Hidden)
            {
                StageIndex(name, nameof(query.Hidden));
            }

            foreach (string name in query.Excluded)
            {
                StageIndex(name, nameof(query.Excluded));
            }
        }

        int dropOff = StageIndex(query.DropOffAt, nameof(query.DropOffAt));
        if (dropOff >= 0 && Journey.Stages[dropOff].IsTerminal)
        {
            throw new ArgumentException($"{nameof(query.DropOffAt)}: '{query.DropOffAt}' is a terminal stage; a run that reaches it has ended, it never drops off there.", nameof(query));
        }

        return new PathQueryAccumulator(this, query, dropOff, asOf.UtcTicks);
    }

    /// <summary>
    /// The retention table of a batch as of an instant (events after it are ignored): per start cohort, the share of runs
    /// active — or having reached <see cref="RetentionOptions.ActiveStage"/> — k periods after they started, counting
    /// only periods that have fully passed (docs/analytics.md).
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="options">The options.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The table, cohorts in calendar order.</returns>
    /// <exception cref="ArgumentException">A stage named in the options is not in the journey.</exception>
    public RetentionTable Retention(EventBatch batch, RetentionOptions options, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int startStage = StageIndex(options.StartStage, nameof(options.StartStage));
        int activeStage = StageIndex(options.ActiveStage, nameof(options.ActiveStage));
        batch = batch.Until(asOf);
        long limit = asOf.UtcTicks;
        var cohorts = new SortedDictionary<string, (int Runs, int[] Observed, int[] Active)>(StringComparer.Ordinal);
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        foreach (JourneyInstance run in Evaluator.Evaluate(batch))
        {
            long? start = run.EventCount == 0 ? null : run.FirstEventTicks;
            if (startStage >= 0)
            {
                start = FirstEntry(run, startStage);
            }

            if (start is not { } origin)
            {
                continue;
            }

            string key = CohortOf(origin, options.Period);
            if (!cohorts.TryGetValue(key, out var row))
            {
                row = (0, new int[options.Periods], new int[options.Periods]);
            }

            row.Runs++;
            long? reached = activeStage >= 0 ? FirstEntry(run, activeStage) : null;
            for (int k = 0; k < options.Periods; k++)
            {
                long from = PeriodStart(origin, k, options.Period), to = PeriodStart(origin, k + 1, options.Period);
                if (to > limit)
                {
                    break; // not fully observed yet: censored from here on
                }

                row.Observed[k]++;
                bool active = false;
                if (activeStage >= 0)
                {
                    active = reached is { } r && r < to;
                }
                else
                {
                    for (int i = run.BatchStart; i < run.BatchEnd && !active; i++)
                    {
                        active = ticks[i] >= from && ticks[i] < to;
                    }
                }

                row.Active[k] += active ? 1 : 0;
            }

            cohorts[key] = row;
        }

        var list = new List<RetentionCohort>(cohorts.Count);
        foreach (KeyValuePair<string, (int Runs, int[] Observed, int[] Active)> c in cohorts)
        {
            list.Add(new RetentionCohort(c.Key, c.Value.Runs, c.Value.Observed, c.Value.Active));
        }

        return new RetentionTable(asOf, options.Period, options.StartStage, options.ActiveStage, list);
    }

    /// <summary>
    /// Compares every pair of segments of one dimension (the 12 largest, to bound the pairs): conversion over decided runs
    /// and time to convert, with Holm-adjusted p-values over the pairs (docs/analytics.md).
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="dimension">The dimension: <c>persona</c>, <c>channel</c>, <c>first_channel</c> or <c>cohort</c>.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="confidence">The confidence level of the intervals (default 0.95).</param>
    /// <returns>The pairs, larger segment first within each pair.</returns>
    public IReadOnlyList<SegmentComparison> CompareSegments(EventBatch batch, string dimension, DateTimeOffset asOf, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(dimension);
        var accumulator = new JourneyAnalysisAccumulator(this, asOf.UtcTicks, int.MaxValue); // the log-rank test takes every exact time
        accumulator.Add(batch);
        List<(string Value, int Runs, int Converted, int Decided, List<(long Time, bool Event)> Times)> segments = accumulator.SegmentsOf(dimension);
        segments.Sort(static (a, b) => a.Runs != b.Runs ? b.Runs.CompareTo(a.Runs) : string.CompareOrdinal(a.Value, b.Value));
        if (segments.Count > 12)
        {
            segments.RemoveRange(12, segments.Count - 12);
        }

        var pairs = new List<(string A, string B, ProportionDifference Conversion, LogRankTest Time)>();
        for (int i = 0; i < segments.Count; i++)
        {
            for (int j = i + 1; j < segments.Count; j++)
            {
                var (a, b) = (segments[i], segments[j]);
                if (a.Decided == 0 || b.Decided == 0)
                {
                    continue;
                }

                pairs.Add((a.Value, b.Value, ProportionDifference.Compare(a.Converted, a.Decided, b.Converted, b.Decided, confidence), LogRankTest.Compute(a.Times, b.Times)));
            }
        }

        double[] conversion = MultipleComparisons.Holm([.. pairs.Select(p => p.Conversion.PValue)]);
        double[] time = MultipleComparisons.Holm([.. pairs.Select(p => p.Time.PValue)]);
        var result = new List<SegmentComparison>(pairs.Count);
        for (int p = 0; p < pairs.Count; p++)
        {
            result.Add(new SegmentComparison(dimension, pairs[p].A, pairs[p].B, pairs[p].Conversion, pairs[p].Time, conversion[p], time[p]));
        }

        return result;
    }

    /// <summary>
    /// Lists the runs behind a count, as of an instant (events after it are ignored): for example every stuck run in a
    /// stage (<c>State = Stuck, Stage = "verify"</c>, the runs behind <see cref="StageTimeStats.StuckNow"/>), the runs that
    /// dropped at a funnel step (<c>State = Dormant, FurthestStage = …</c>), a dead-end hotspot, a segment, or the runs at
    /// risk. Ordered by customer id, then run.
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="filter">The conditions, or null for every run.</param>
    /// <returns>The runs.</returns>
    /// <exception cref="ArgumentException">A stage or dimension in the filter is unknown.</exception>
    public IReadOnlyList<CustomerRow> ListCustomers(EventBatch batch, DateTimeOffset asOf, CustomerFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        filter ??= new CustomerFilter();
        int stage = StageIndex(filter.Stage, nameof(filter.Stage));
        int furthest = StageIndex(filter.FurthestStage, nameof(filter.FurthestStage));
        if (filter.SegmentDimension is { } d && d is not ("persona" or "channel" or "first_channel" or "cohort"))
        {
            throw new ArgumentException($"Unknown segment dimension '{d}'; expected persona, channel, first_channel or cohort.", nameof(filter));
        }

        HashSet<string>? atRisk = null;
        if (filter.AtRisk)
        {
            atRisk = new HashSet<string>(StringComparer.Ordinal);
            foreach (AtRiskCustomer r in Analyze(batch, asOf).AtRisk)
            {
                atRisk.Add(r.CustomerId);
            }
        }

        batch = batch.Until(asOf);
        var rows = new List<CustomerRow>();
        ReadOnlySpan<int> channelIds = batch.ChannelIds;
        foreach (JourneyInstance run in Evaluator.Evaluate(batch))
        {
            JourneyStatus status = Evaluator.GetStatus(run, asOf);
            int mainFurthest = -1;
            foreach (StageVisit visit in run.Visits)
            {
                if (!Journey.Stages[visit.Stage].IsFailure && visit.Stage > mainFurthest)
                {
                    mainFurthest = visit.Stage;
                }
            }

            var row = new CustomerRow(
                run.CustomerId,
                run.RunNumber,
                status.State,
                status.Stage < 0 ? null : Journey.Stages[status.Stage].Id,
                mainFurthest < 0 ? null : Journey.Stages[mainFurthest].Id,
                status.TimeInStage,
                status.OverdueBy,
                run.Persona,
                AnalyticsNames.Of(run.FirstChannel),
                run.EventCount == 0 ? AnalyticsNames.None : CohortOf(run.FirstEventTicks, RetentionPeriod.Week),
                run.LastTouchpoint,
                AnalyticsNames.Of(run.LastChannel));
            bool keep = (filter.State is not { } s || s == row.State)
                && (stage < 0 || status.Stage == stage)
                && (furthest < 0 || mainFurthest == furthest)
                && (filter.LastTouchpoint is null || filter.LastTouchpoint == row.LastTouchpoint)
                && (atRisk is null || atRisk.Contains(row.CustomerId))
                && (filter.SegmentDimension is null || InSegment(batch, run, row, filter.SegmentDimension, filter.SegmentValue ?? AnalyticsNames.None, channelIds));
            if (keep)
            {
                rows.Add(row);
            }
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CustomerId, b.CustomerId);
            return c != 0 ? c : a.Run.CompareTo(b.Run);
        });
        return rows;
    }

    private static bool InSegment(EventBatch batch, JourneyInstance run, CustomerRow row, string dimension, string value, ReadOnlySpan<int> channelIds)
    {
        switch (dimension)
        {
            case "persona":
                return (row.Persona ?? AnalyticsNames.None) == value;
            case "first_channel":
                return row.FirstChannel == value;
            case "cohort":
                return row.Cohort == value;
            default:
                for (int i = run.BatchStart; i < run.BatchEnd; i++)
                {
                    if (channelIds[i] >= 0 && AnalyticsNames.Of(Model.Channel.FromName(batch.Channels[channelIds[i]])) == value)
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    /// <summary>
    /// Conversion and stuck share per calendar period, oldest first, as of an instant (events after it are ignored):
    /// for the runs that started in each period, the decided conversion rate and the censoring-aware estimate; for every
    /// run open at the period's end (the instant, for the current period), the share stuck. At most 400 periods (the
    /// states at each period's end are evaluated from the events up to it).
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="period">The calendar period: a UTC day, an ISO week (Monday first) or a UTC month.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The periods from the earliest event's to the instant's.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The data spans more than 400 periods.</exception>
    public IReadOnlyList<TrendPoint> Trends(EventBatch batch, RetentionPeriod period, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch.Until(asOf);
        if (batch.EarliestTimestamp is not { } earliest)
        {
            return [];
        }

        var starts = new List<long>();
        for (long t = CalendarStart(earliest.UtcTicks, period); t <= asOf.UtcTicks; t = CalendarNext(t, period))
        {
            starts.Add(t);
            if (starts.Count > 400)
            {
                throw new ArgumentOutOfRangeException(nameof(period), period, "The data spans more than 400 periods; choose a longer period.");
            }
        }

        var started = new int[starts.Count];
        var converted = new int[starts.Count];
        var decided = new int[starts.Count];
        var samples = new List<(long, byte)>[starts.Count];
        for (int p = 0; p < samples.Length; p++)
        {
            samples[p] = [];
        }

        foreach (JourneyInstance run in Evaluator.Evaluate(batch))
        {
            int p = starts.BinarySearch(run.FirstEventTicks);
            p = p >= 0 ? p : ~p - 1;
            JourneyStatus status = Evaluator.GetStatus(run, asOf);
            started[p]++;
            converted[p] += status.State == LifecycleState.Converted ? 1 : 0;
            decided[p] += status.IsOpen ? 0 : 1;
            samples[p].Add(JourneyAnalysisAccumulator.GoalSample(Journey, Options.Evaluation.InactivityPeriod, run, status, asOf.UtcTicks));
        }

        var points = new List<TrendPoint>(starts.Count);
        for (int p = 0; p < starts.Count; p++)
        {
            long end = CalendarNext(starts[p], period);
            var at = new DateTimeOffset(Math.Min(end - 1, asOf.UtcTicks), TimeSpan.Zero); // the period's last instant
            int open = 0, stuck = 0;
            foreach (JourneyInstance run in Evaluator.Evaluate(batch.Until(at)))
            {
                JourneyStatus status = Evaluator.GetStatus(run, at);
                open += status.IsOpen ? 1 : 0;
                stuck += status.IsStuck ? 1 : 0;
            }

            points.Add(new TrendPoint(CohortOf(starts[p], period), new DateTimeOffset(starts[p], TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero), started[p], converted[p], decided[p], CumulativeIncidence.Estimate(samples[p]), open, stuck));
        }

        return points;
    }

    /// <summary>
    /// The journey score's predictive link to the goal and the KPIs, with the cut-off halfway through the data
    /// (<see cref="ScoreKpiLinkResult.DefaultCutoffFraction"/> of the way from the earliest event to <paramref name="asOf"/>).
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The end of the observation.</param>
    /// <returns>The links.</returns>
    public ScoreKpiLinkResult LinkScoresToKpis(EventBatch batch, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        DateTimeOffset start = batch.Until(asOf).EarliestTimestamp ?? asOf;
        long span = Math.Max(0, (asOf - start).Ticks);
        return LinkScoresToKpis(batch, start.AddTicks((long)(span * ScoreKpiLinkResult.DefaultCutoffFraction)), asOf);
    }

    /// <summary>
    /// The journey score's predictive link to the goal and the KPIs (docs/analytics.md): every run open (in progress or
    /// stuck) at <paramref name="cutoff"/> is scored (<see cref="AnalyticsOptions.Scoring"/>) from its events up to then;
    /// its outcome is what happened after it, up to <paramref name="asOf"/>. Runs still open at <paramref name="asOf"/>
    /// are censored, not counted as failures: they are left out of correlations and compared in the concordance only for as
    /// long as they were followed. This is the number to quote for "the score predicts the KPI" — a correlation over runs
    /// whose outcome is already part of their score (goal and progress) says nothing about the future.
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="cutoff">The instant the scores are taken at; before <paramref name="asOf"/>.</param>
    /// <param name="asOf">The end of the observation: later events are ignored.</param>
    /// <returns>The links, the goal's first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cutoff"/> is not before <paramref name="asOf"/>.</exception>
    public ScoreKpiLinkResult LinkScoresToKpis(EventBatch batch, DateTimeOffset cutoff, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ScoreKpiLinkAccumulator links = CreateScoreKpiLinkAccumulator(cutoff, asOf);
        links.Add(batch);
        return links.Build();
    }

    /// <summary>
    /// Creates an accumulator of the score's predictive link to the goal and the KPIs
    /// (<see cref="LinkScoresToKpis(EventBatch, DateTimeOffset, DateTimeOffset)"/>) for batches of whole customers: add each
    /// batch, merge the accumulators, build.
    /// </summary>
    /// <param name="cutoff">The instant the scores are taken at; before <paramref name="asOf"/>. To place it as
    /// <see cref="LinkScoresToKpis(EventBatch, DateTimeOffset)"/> does, take <see cref="ScoreKpiLinkResult.DefaultCutoffFraction"/>
    /// of the way from the earliest event to <paramref name="asOf"/> (a first pass over the data finds it).</param>
    /// <param name="asOf">The end of the observation: later events are ignored.</param>
    /// <returns>An empty accumulator.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cutoff"/> is not before <paramref name="asOf"/>.</exception>
    public ScoreKpiLinkAccumulator CreateScoreKpiLinkAccumulator(DateTimeOffset cutoff, DateTimeOffset asOf) => new(this, cutoff, asOf);

    private static long CalendarStart(long ticks, RetentionPeriod period)
    {
        var date = new DateTime(ticks, DateTimeKind.Utc).Date;
        return period switch
        {
            RetentionPeriod.Day => date.Ticks,
            RetentionPeriod.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)).Ticks, // back to Monday
            _ => new DateTime(date.Year, date.Month, 1, 0, 0, 0, DateTimeKind.Utc).Ticks,
        };
    }

    private static long CalendarNext(long start, RetentionPeriod period) => period switch
    {
        RetentionPeriod.Day => start + TimeSpan.TicksPerDay,
        RetentionPeriod.Week => start + (7 * TimeSpan.TicksPerDay),
        _ => new DateTime(start, DateTimeKind.Utc).AddMonths(1).Ticks,
    };

    private int StageIndex(string? id, string option)
    {
        if (id is null)
        {
            return -1;
        }

        for (int s = 0; s < Journey.Stages.Length; s++)
        {
            if (Journey.Stages[s].Id == id)
            {
                return s;
            }
        }

        throw new ArgumentException($"{option}: the journey has no stage '{id}'.", option);
    }

    private static long? FirstEntry(JourneyInstance run, int stage)
    {
        foreach (StageVisit visit in run.Visits)
        {
            if (visit.Stage == stage)
            {
                return visit.EnteredTicks;
            }
        }

        return null;
    }

    private static long PeriodStart(long origin, int k, RetentionPeriod period) => period switch
    {
        RetentionPeriod.Day => origin + (k * TimeSpan.TicksPerDay),
        RetentionPeriod.Week => origin + (k * 7 * TimeSpan.TicksPerDay),
        _ => new DateTime(origin, DateTimeKind.Utc).AddMonths(k).Ticks,
    };

    /// <summary>The cohort label of an instant: UTC date, ISO week (<c>2026-W05</c>) or UTC month — one format for segments, retention, trends and drill-down.</summary>
    internal static string CohortOf(long ticks, RetentionPeriod period)
    {
        var date = new DateTime(ticks, DateTimeKind.Utc);
        return period switch
        {
            RetentionPeriod.Day => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            RetentionPeriod.Week => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}"),
            _ => date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        };
    }
}
