using System.Globalization;
using System.Runtime.InteropServices;
using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Internal;

namespace JourneyKit.Analytics;

/// <summary>
/// Mergeable analytics state for one partition of customers: exact counts, and the durations behind every percentile,
/// Kaplan–Meier and cumulative-incidence estimate — exact up to <see cref="AnalyticsOptions.ExactSamples"/> per
/// distribution, beyond it a log-bucket sketch within 0.5 % (docs/analytics.md, "Big inputs"; the analysis names what is
/// approximate in <see cref="JourneyAnalysis.Approximation"/>) — so that partitions merged in any order build the same
/// <see cref="JourneyAnalysis"/> as the whole, in memory that does not grow with customers beyond a 64-bit hash each.
/// </summary>
/// <remarks>A customer must be in one partition only: adding a customer twice throws (customers are remembered by a 64-bit
/// hash, so a collision, about one in 10⁵ at 2·10⁷ customers, can only report a customer as added twice, never miss one).
/// The stuck and at-risk lists hold one entry per listed customer.</remarks>
public sealed class JourneyAnalysisAccumulator
{
    private const int StateCount = (int)LifecycleState.Failed + 1;
    private static readonly string[] Dimensions = ["persona", "channel", "first_channel", "cohort"];
    private readonly JourneyAnalyzer _analyzer;
    private readonly CompiledJourney _journey;
    private readonly long _asOf;
    private readonly int[] _main;      // designed (non-failure) stages in order
    private readonly int[] _mainPos;   // stage → position in _main, or -1
    private readonly int _exactSamples;
    private readonly HashSet64 _customers = new(); // a 64-bit hash of each customer seen (a customer's runs come together)
    private readonly int[] _reached;
    private readonly int[] _visited;
    private readonly int[] _states = new int[StateCount];          // runs per LifecycleState
    private readonly int[][] _furthestStates;                        // [main position][LifecycleState] of runs whose furthest stage it is
    private readonly DurationSamples[] _stepSamples; // time from first entering position p (or later) to reaching p + 1 (or later)
    private readonly DurationSamples _goalSamples; // time from the first event to the goal
    private readonly long _horizon;
    private readonly Dictionary<(int Dimension, string Value), SegmentState> _segments = [];
    private readonly DurationSamples[] _durations;
    private readonly List<StuckCustomer> _stuck = [];
    private readonly Dictionary<(string Stage, string Touchpoint, string Channel), int> _deadEnds = [];
    private readonly Dictionary<string, (string[] Stages, DurationSamples Durations)> _variants = new(StringComparer.Ordinal);
    private readonly Dictionary<(int From, int To), DurationSamples> _transitions = [];
    private readonly Dictionary<(int Stage, string From, string To, bool Within), int> _switches = [];
    private readonly MarkovCounts _channelChain = new();
    private readonly MarkovCounts _touchpointChain = new();
    private readonly MarkovCounts _stageChain = new();
    private readonly DurationSamples[] _survival; // outcome Event or Censored
    private readonly List<(string Customer, int Stage, long TimeInStage)> _candidates = [];
    private readonly ScoreSamples _scores;
    private readonly ResponseSamples?[] _responses; // per KPI with a touchpoint: each responding run's value (latest; revenue: sum)
    private long _events;
    private int _goal;
    private int _conforming;
    private int _withStages;

    internal JourneyAnalysisAccumulator(JourneyAnalyzer analyzer, long asOf, int exactSamples)
    {
        _analyzer = analyzer;
        _journey = analyzer.Journey;
        _asOf = asOf;
        _exactSamples = exactSamples;
        _goalSamples = new DurationSamples(exactSamples);
        _scores = new ScoreSamples(exactSamples);
        int stages = _journey.Stages.Length;
        var main = new List<int>();
        _mainPos = new int[stages];
        for (int s = 0; s < stages; s++)
        {
            _mainPos[s] = -1;
            if (!_journey.Stages[s].IsFailure)
            {
                _mainPos[s] = main.Count;
                main.Add(s);
            }
        }

        _main = [.. main];
        _reached = new int[_main.Length];
        _visited = new int[_main.Length];
        _furthestStates = new int[_main.Length][];
        _stepSamples = new DurationSamples[_main.Length];
        for (int p = 0; p < _main.Length; p++)
        {
            _furthestStates[p] = new int[StateCount];
            _stepSamples[p] = new DurationSamples(exactSamples);
        }

        _horizon = ConversionHorizon(_journey.Journey) is { } horizon ? horizon.Ticks : long.MaxValue;
        _responses = new ResponseSamples?[_journey.Journey.Kpis.Count];
        for (int k = 0; k < _responses.Length; k++)
        {
            _responses[k] = _journey.Journey.Kpis[k].Touchpoint is null ? null : new ResponseSamples(exactSamples);
        }
        _durations = new DurationSamples[stages];
        _survival = new DurationSamples[stages];
        for (int s = 0; s < stages; s++)
        {
            _durations[s] = new DurationSamples(exactSamples);
            _survival[s] = new DurationSamples(exactSamples);
        }
    }

    /// <summary>Gets the number of customers added.</summary>
    public int Customers => _customers.Count;

    /// <summary>Gets the number of runs added (equal to <see cref="Customers"/> unless the journey lets customers re-enter and <see cref="AnalyticsOptions.Unit"/> counts runs).</summary>
    public int Runs => _goalSamples.Count;

    /// <summary>Adds every customer of a batch (a partition: customers not added before). Events after the analysis instant are ignored: the analysis is as things stood then.</summary>
    /// <param name="batch">The events.</param>
    /// <exception cref="ArgumentException">A customer of the batch was already added.</exception>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch.Until(new DateTimeOffset(_asOf, TimeSpan.Zero));
        JourneyRunColumns runs = t_columns ??= new JourneyRunColumns(); // one per thread, reused: no object per customer
        _analyzer.Evaluator.EvaluateInto(batch, runs);
        var remap = new int[batch.Touchpoints.Count];
        for (int t = 0; t < remap.Length; t++)
        {
            remap[t] = _journey.Touchpoints.TryGetId(batch.Touchpoints[t], out int id) ? _journey.StageOf(id) : -1;
        }

        var channels = new string?[batch.Channels.Count + 1];
        for (int c = 0; c < batch.Channels.Count; c++)
        {
            Channel channel = Channel.FromName(batch.Channels[c]);
            channels[c + 1] = channel.IsNone ? null : channel.Name;
        }

        var responseTouchpoints = new int[_responses.Length];
        for (int k = 0; k < _responses.Length; k++)
        {
            responseTouchpoints[k] = _responses[k] is not null && batch.HasValues && batch.Touchpoints.TryGetId(_journey.Journey.Kpis[k].Touchpoint!, out int id) ? id : -1;
        }

        var channelPath = new List<string>();
        var touchpointPath = new List<string>();
        var usedChannels = new List<string>();
        bool latestOnly = _analyzer.Options.Unit == AnalysisUnit.Customers;
        for (int r = 0; r < runs.Count; r++)
        {
            JourneyRun run = runs[r];
            if (latestOnly && r + 1 < runs.Count && runs[r + 1].CustomerIndex == run.CustomerIndex)
            {
                continue; // counting customers: each by their latest run
            }

            bool laterRun = r > 0 && runs[r - 1].CustomerIndex == run.CustomerIndex;
            if (!laterRun && !_customers.Add(CustomerHash.Of(run.CustomerId)))
            {
                throw new ArgumentException($"Customer '{run.CustomerId}' was already added: partitions must not share customers.", nameof(batch));
            }

            AddEvents(batch, run.EventStart, run.EventEnd, remap, channels, run.GoalReached, channelPath, touchpointPath, usedChannels);
            AddResponses(batch, run.EventStart, run.EventEnd, responseTouchpoints);
            AddRun(run, usedChannels);
        }
    }

    [ThreadStatic]
    private static JourneyRunColumns? t_columns;

    /// <summary>Adds another partition's state to this one.</summary>
    /// <param name="other">The other accumulator: same analyzer and instant, no shared customers.</param>
    /// <exception cref="ArgumentException">The accumulators differ in analyzer or instant, or share a customer.</exception>
    public void Merge(JourneyAnalysisAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._analyzer != _analyzer || other._asOf != _asOf)
        {
            throw new ArgumentException("Only accumulators from the same analyzer and instant can be merged.", nameof(other));
        }

        foreach (ulong customer in other._customers.Items())
        {
            if (!_customers.Add(customer))
            {
                throw new ArgumentException("A customer is in both partitions: partitions must not share customers.", nameof(other));
            }
        }

        _events += other._events;
        _goal += other._goal;
        _conforming += other._conforming;
        _withStages += other._withStages;
        for (int p = 0; p < _reached.Length; p++)
        {
            _reached[p] += other._reached[p];
            _visited[p] += other._visited[p];
            _stepSamples[p].Merge(other._stepSamples[p]);
            for (int k = 0; k < StateCount; k++)
            {
                _furthestStates[p][k] += other._furthestStates[p][k];
            }
        }

        for (int k = 0; k < StateCount; k++)
        {
            _states[k] += other._states[k];
        }

        _goalSamples.Merge(other._goalSamples);

        foreach (KeyValuePair<(int Dimension, string Value), SegmentState> s in other._segments)
        {
            Segment(s.Key.Dimension, s.Key.Value).Merge(s.Value);
        }

        for (int s = 0; s < _durations.Length; s++)
        {
            _durations[s].Merge(other._durations[s]);
            _survival[s].Merge(other._survival[s]);
        }

        _stuck.AddRange(other._stuck);
        _candidates.AddRange(other._candidates);
        _scores.Merge(other._scores);
        for (int k = 0; k < _responses.Length; k++)
        {
            _responses[k]?.Merge(other._responses[k]!);
        }
        foreach (KeyValuePair<(string, string, string), int> d in other._deadEnds)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_deadEnds, d.Key, out _) += d.Value;
        }

        foreach (KeyValuePair<string, (string[] Stages, DurationSamples Durations)> v in other._variants)
        {
            ref (string[] Stages, DurationSamples Durations) mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_variants, v.Key, out bool exists);
            if (!exists)
            {
                mine = (v.Value.Stages, new DurationSamples(_exactSamples));
            }

            mine.Durations.Merge(v.Value.Durations);
        }

        foreach (KeyValuePair<(int, int), DurationSamples> t in other._transitions)
        {
            Transition(t.Key.Item1, t.Key.Item2).Merge(t.Value);
        }

        foreach (KeyValuePair<(int, string, string, bool), int> s in other._switches)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_switches, s.Key, out _) += s.Value;
        }

        _channelChain.Merge(other._channelChain);
        _touchpointChain.Merge(other._touchpointChain);
        _stageChain.Merge(other._stageChain);
    }

    /// <summary>Builds the analysis from everything added and merged.</summary>
    /// <returns>The analysis.</returns>
    public JourneyAnalysis Build()
    {
        AnalyticsOptions options = _analyzer.Options;
        var funnel = new List<StageFunnelStep>(_main.Length);
        for (int p = 0; p < _main.Length; p++)
        {
            Stage stage = _journey.Stages[_main[p]];
            bool last = p + 1 == _main.Length;
            int converted = last ? _reached[p] : _reached[p + 1];
            int[] f = _furthestStates[p];
            funnel.Add(last
                ? new StageFunnelStep(stage.Id, stage.Name, _reached[p], _visited[p], converted, 0, 0, 0, 0, 0, null)
                : new StageFunnelStep(
                    stage.Id,
                    stage.Name,
                    _reached[p],
                    _visited[p],
                    converted,
                    f[(int)LifecycleState.InProgress],
                    f[(int)LifecycleState.Stuck],
                    f[(int)LifecycleState.Dormant],
                    f[(int)LifecycleState.Failed],
                    f[(int)LifecycleState.Converted],
                    CumulativeIncidence.Estimate(_stepSamples[p].Groups(), _stepSamples[p].Count, _horizon)));
        }

        var segments = new List<SegmentFunnel>(_segments.Count);
        foreach (KeyValuePair<(int Dimension, string Value), SegmentState> s in _segments)
        {
            segments.Add(new SegmentFunnel(Dimensions[s.Key.Dimension], s.Key.Value, s.Value.Customers, [.. s.Value.Reached], s.Value.Goal, Counts(s.Value.States), CumulativeIncidence.Estimate(s.Value.Samples.Groups(), s.Value.Samples.Count, _horizon)));
        }

        segments.Sort(static (a, b) =>
        {
            int c = Array.IndexOf(Dimensions, a.Dimension).CompareTo(Array.IndexOf(Dimensions, b.Dimension));
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });

        var stuckPerStage = new int[_journey.Stages.Length];
        var stuck = new List<StuckCustomer>(_stuck);
        foreach (StuckCustomer s in stuck)
        {
            stuckPerStage[StageIndex(s.StageId)]++;
        }

        stuck.Sort(static (a, b) =>
        {
            int c = b.OverdueBy.CompareTo(a.OverdueBy);
            return c != 0 ? c : string.CompareOrdinal(a.CustomerId, b.CustomerId);
        });

        var times = new List<StageTimeStats>(_main.Length);
        foreach (int s in _main)
        {
            List<TimeGroup> sorted = _durations[s].Groups();
            int n = _durations[s].Count;
            times.Add(new StageTimeStats(
                _journey.Stages[s].Id,
                _journey.Stages[s].StandardTime,
                n,
                Percentiles.NearestRank(sorted, n, 50),
                Percentiles.NearestRank(sorted, n, 90),
                Percentiles.NearestRank(sorted, n, 99),
                stuckPerStage[s]));
        }

        var deadEnds = new List<DeadEndHotspot>(_deadEnds.Count);
        foreach (KeyValuePair<(string Stage, string Touchpoint, string Channel), int> d in _deadEnds)
        {
            deadEnds.Add(new DeadEndHotspot(d.Key.Stage, d.Key.Touchpoint, d.Key.Channel, d.Value));
        }

        deadEnds.Sort(static (a, b) =>
        {
            int c = b.Customers.CompareTo(a.Customers);
            c = c != 0 ? c : string.CompareOrdinal(a.StageId, b.StageId);
            c = c != 0 ? c : string.CompareOrdinal(a.LastTouchpoint, b.LastTouchpoint);
            return c != 0 ? c : string.CompareOrdinal(a.LastChannel, b.LastChannel);
        });

        (List<StageRiskModel> risk, List<AtRiskCustomer> atRisk) = BuildRisk(options);
        return new JourneyAnalysis(
            _journey.Journey.Id,
            new DateTimeOffset(_asOf, TimeSpan.Zero),
            _goalSamples.Count,
            _events,
            _goal,
            Counts(_states),
            BuildConversion(),
            BuildKpis(),
            funnel,
            segments,
            times,
            stuck,
            deadEnds,
            BuildPaths(options),
            BuildSwitches(),
            _channelChain.Attribute(),
            _touchpointChain.Attribute(),
            risk,
            atRisk,
            _scores.Summary())
        {
            Approximation = BuildApproximation(),
        };
    }

    /// <summary>The results computed from a sketch rather than exact samples (their JSON names), or null when all are exact.</summary>
    private AnalysisApproximation? BuildApproximation()
    {
        var sections = new List<string>();
        void Check(bool approximate, string section)
        {
            if (approximate && !sections.Contains(section))
            {
                sections.Add(section);
            }
        }

        Check(_goalSamples.IsApproximate, "conversion");
        bool kpis = false;
        foreach (Kpi kpi in _journey.Journey.Kpis)
        {
            kpis |= kpi.Kind is KpiKind.Conversion or KpiKind.TimeToComplete && _goalSamples.IsApproximate;
        }

        foreach (ResponseSamples? r in _responses)
        {
            kpis |= r is { IsApproximate: true };
        }

        Check(kpis, "kpis");
        foreach (DurationSamples p in _stepSamples)
        {
            Check(p.IsApproximate, "funnel");
        }

        foreach (SegmentState s in _segments.Values)
        {
            Check(s.Samples.IsApproximate, "segments");
        }

        foreach (int s in _main)
        {
            Check(_durations[s].IsApproximate, "time_in_stage");
        }

        foreach ((string[] _, DurationSamples durations) in _variants.Values)
        {
            Check(durations.IsApproximate, "paths");
        }

        foreach (DurationSamples t in _transitions.Values)
        {
            Check(t.IsApproximate, "paths");
        }

        foreach (DurationSamples s in _survival)
        {
            Check(s.IsApproximate && s.Count >= _analyzer.Options.MinRiskSamples, "risk");
            Check(s.IsApproximate && s.Count >= _analyzer.Options.MinRiskSamples, "at_risk");
        }

        Check(_scores.IsApproximate, "scores");
        return sections.Count == 0 ? null : new AnalysisApproximation(DurationSamples.RelativeAccuracy, _exactSamples, sections);
    }

    /// <summary>Each KPI measured from response events: the run's latest response value (revenue: the sum of its values).</summary>
    private void AddResponses(EventBatch batch, int from, int to, int[] touchpoints)
    {
        for (int k = 0; k < touchpoints.Length; k++)
        {
            if (touchpoints[k] < 0)
            {
                continue;
            }

            bool sum = _journey.Journey.Kpis[k].Kind == KpiKind.Revenue, any = false;
            double value = 0;
            ReadOnlySpan<int> ids = batch.TouchpointIds;
            ReadOnlySpan<double> values = batch.Values;
            for (int i = from; i < to; i++)
            {
                if (ids[i] == touchpoints[k] && !double.IsNaN(values[i]))
                {
                    value = sum ? value + values[i] : values[i];
                    any = true;
                }
            }

            if (any)
            {
                _responses[k]!.Add(value);
            }
        }
    }

    private void AddEvents(EventBatch batch, int from, int to, int[] stageOf, string?[] channels, bool converted, List<string> channelPath, List<string> touchpointPath, List<string> usedChannels)
    {
        _events += to - from;
        channelPath.Clear();
        touchpointPath.Clear();
        usedChannels.Clear();
        ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
        ReadOnlySpan<int> channelIds = batch.ChannelIds;
        int current = -1, previousStage = -1;
        string? previousChannel = null;
        bool beforeGoal = true;
        for (int i = from; i < to; i++)
        {
            int stage = stageOf[touchpoints[i]];
            string? channel = channels[channelIds[i] + 1];
            current = stage >= 0 ? stage : current;
            if (channel is not null)
            {
                if (!usedChannels.Contains(channel))
                {
                    usedChannels.Add(channel);
                }

                if (previousChannel is not null && channel != previousChannel)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(_switches, (current, previousChannel, channel, stage >= 0 && stage == previousStage), out _)++;
                }

                previousChannel = channel;
                previousStage = stage;
            }

            beforeGoal &= stage < 0 || !_journey.Stages[stage].IsGoal;
            if (beforeGoal)
            {
                touchpointPath.Add(batch.Touchpoints[touchpoints[i]]);
                if (channel is not null)
                {
                    channelPath.Add(channel);
                }
            }
        }

        _channelChain.AddPath(channelPath, converted);
        _touchpointChain.AddPath(touchpointPath, converted);
    }

    private void AddRun(in JourneyRun run, List<string> usedChannels)
    {
        JourneyStatus status = _analyzer.Evaluator.GetStatus(run, new DateTimeOffset(_asOf, TimeSpan.Zero));
        var visits = new StageVisit[run.VisitCount];
        for (int v = 0; v < visits.Length; v++)
        {
            visits[v] = run.GetVisit(v);
        }

        _goal += run.GoalReached ? 1 : 0;

        int furthest = -1;
        var seen = new bool[_main.Length];
        var stagePath = new List<string>(visits.Length);
        var variant = new string[visits.Length];
        bool beforeGoal = true;
        for (int v = 0; v < visits.Length; v++)
        {
            StageVisit visit = visits[v];
            Stage stage = _journey.Stages[visit.Stage];
            variant[v] = stage.Id;
            int p = _mainPos[visit.Stage];
            if (p >= 0)
            {
                furthest = Math.Max(furthest, p);
                seen[p] = true;
            }

            if (visit.ExitedTicks is { } exited)
            {
                _durations[visit.Stage].Add(exited - visit.EnteredTicks);
            }

            if (v > 0)
            {
                Transition(visits[v - 1].Stage, visit.Stage).Add(visit.EnteredTicks - visits[v - 1].EnteredTicks);
            }

            if (beforeGoal && !stage.IsGoal)
            {
                stagePath.Add(stage.Id);
            }

            beforeGoal &= !stage.IsGoal;
            AddSurvival(visit, v + 1 < visits.Length ? visits[v + 1].Stage : -1);
        }

        for (int p = 0; p <= furthest; p++)
        {
            _reached[p]++;
        }

        for (int p = 0; p < seen.Length; p++)
        {
            _visited[p] += seen[p] ? 1 : 0;
        }

        LifecycleState state = status.State;
        _states[(int)state]++;
        if (furthest >= 0 && (furthest + 1 < _main.Length || state != LifecycleState.Converted))
        {
            _furthestStates[furthest][(int)state]++;
        }

        (long endTicks, byte outcome) = Outcome(_journey, _analyzer.Options.Evaluation.InactivityPeriod, run.GoalReachedTicks, run.LastEventTicks, visits, status, _asOf);
        (long Time, byte Outcome) goalSample = (endTicks - run.FirstEventTicks, outcome == OutcomeGoal ? CumulativeIncidence.Event : outcome == OutcomeOpen ? CumulativeIncidence.Censored : CumulativeIncidence.Competing);
        _goalSamples.Add(goalSample.Time, goalSample.Outcome);
        AddStepSamples(visits, endTicks, outcome);

        string cohort = run.EventCount == 0 ? AnalyticsNames.None : JourneyAnalyzer.CohortOf(run.FirstEventTicks, RetentionPeriod.Week);
        AddSegment(0, run.Persona ?? AnalyticsNames.None, furthest, run.GoalReached, state, goalSample);
        foreach (string channel in usedChannels)
        {
            AddSegment(1, channel, furthest, run.GoalReached, state, goalSample); // a customer counts once in each channel they used
        }

        AddSegment(2, AnalyticsNames.Of(run.FirstChannel), furthest, run.GoalReached, state, goalSample);
        AddSegment(3, cohort, furthest, run.GoalReached, state, goalSample);

        if (visits.Length > 0)
        {
            _withStages++;
            _conforming += run.DisallowedTransitions == 0 ? 1 : 0;
            string key = string.Join('\u001f', variant);
            ref (string[] Stages, DurationSamples Durations) slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_variants, key, out bool exists);
            if (!exists)
            {
                slot = (variant, new DurationSamples(_exactSamples));
            }

            slot.Durations.Add(run.LastEventTicks - run.FirstEventTicks); // case duration: first to last event
        }

        _stageChain.AddPath(stagePath, run.GoalReached);
        string stageId = status.Stage < 0 ? AnalyticsNames.None : _journey.Stages[status.Stage].Id;
        if (status.IsStuck)
        {
            _stuck.Add(new StuckCustomer(run.CustomerId, stageId, status.TimeInStage, status.OverdueBy));
        }

        if (status.IsDormant)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_deadEnds, (stageId, run.LastTouchpoint, AnalyticsNames.Of(run.LastChannel)), out _)++;
        }
        else if (state == LifecycleState.InProgress && status.Stage >= 0
            && !_journey.Stages[status.Stage].IsTerminal && _journey.Stages[status.Stage].StandardTime > TimeSpan.Zero)
        {
            _candidates.Add((run.CustomerId, status.Stage, status.TimeInStage.Ticks));
        }

        _scores.Add(_analyzer.Options.Scoring.Score(_analyzer.Evaluator, run, new DateTimeOffset(_asOf, TimeSpan.Zero), default), run.GoalReached);
    }

    /// <summary>A visit of a designed non-terminal stage is an event when the next visit is a later designed stage; otherwise censored at the analysis instant.</summary>
    private void AddSurvival(StageVisit visit, int nextStage)
    {
        int p = _mainPos[visit.Stage];
        if (p < 0 || p + 1 >= _main.Length || _journey.Stages[visit.Stage].IsTerminal)
        {
            return;
        }

        if (visit.ExitedTicks is { } exited && nextStage >= 0 && _mainPos[nextStage] > p)
        {
            _survival[visit.Stage].Add(exited - visit.EnteredTicks, CumulativeIncidence.Event);
        }
        else
        {
            _survival[visit.Stage].Add(Math.Max(0, _asOf - visit.EnteredTicks), CumulativeIncidence.Censored);
        }
    }

    private void AddSegment(int dimension, string value, int furthest, bool goal, LifecycleState state, (long Time, byte Outcome) goalSample)
    {
        SegmentState s = Segment(dimension, value);
        s.Customers++;
        s.Goal += goal ? 1 : 0;
        s.States[(int)state]++;
        s.Samples.Add(goalSample.Time, goalSample.Outcome);
        for (int p = 0; p <= furthest; p++)
        {
            s.Reached[p]++;
        }
    }

    private SegmentState Segment(int dimension, string value)
    {
        ref SegmentState? s = ref CollectionsMarshal.GetValueRefOrAddDefault(_segments, (dimension, value), out _);
        return s ??= new SegmentState(_main.Length, StateCount, _exactSamples);
    }

    private const byte OutcomeOpen = 0;
    private const byte OutcomeGoal = 1;
    private const byte OutcomeFailed = 2;
    private const byte OutcomeDormant = 3;

    /// <summary>The goal sample of a run for the cumulative incidence: time from its first event, and how it ended.</summary>
    internal static (long Time, byte Outcome) GoalSample(CompiledJourney journey, TimeSpan inactivity, JourneyInstance instance, JourneyStatus status, long asOf)
    {
        (long end, byte outcome) = Outcome(journey, inactivity, instance.GoalReachedTicks, instance.LastEventTicks, instance.Visits, status, asOf);
        return (end - instance.FirstEventTicks, outcome == OutcomeGoal ? CumulativeIncidence.Event : outcome == OutcomeOpen ? CumulativeIncidence.Censored : CumulativeIncidence.Competing);
    }

    /// <summary>When and how the run ended as seen at the analysis instant: the goal or failure entry, dormancy (last event + inactivity period) or still open (censored at the instant).</summary>
    private static (long EndTicks, byte Outcome) Outcome(CompiledJourney journey, TimeSpan inactivity, long? goalReachedTicks, long lastEventTicks, IReadOnlyList<StageVisit> visits, JourneyStatus status, long asOf)
    {
        switch (status.State)
        {
            case LifecycleState.Converted:
                return (goalReachedTicks ?? lastEventTicks, OutcomeGoal);
            case LifecycleState.Failed:
                foreach (StageVisit visit in visits)
                {
                    if (journey.Stages[visit.Stage].IsFailure)
                    {
                        return (visit.EnteredTicks, OutcomeFailed);
                    }
                }

                return (lastEventTicks, OutcomeFailed);
            case LifecycleState.Dormant:
                return (lastEventTicks + inactivity.Ticks, OutcomeDormant);
            default:
                return (asOf, OutcomeOpen);
        }
    }

    /// <summary>
    /// Per designed position p (but the last): the time from first entering position p or later to first entering p + 1
    /// or later — the event — or to the run's other outcome (competing) or the analysis instant (censored).
    /// </summary>
    private void AddStepSamples(IReadOnlyList<StageVisit> visits, long endTicks, byte outcome)
    {
        int positions = _main.Length;
        Span<long> firstAtLeast = positions <= 64 ? stackalloc long[positions] : new long[positions];
        firstAtLeast.Fill(long.MaxValue);
        foreach (StageVisit visit in visits)
        {
            int q = _mainPos[visit.Stage];
            for (int p = 0; p <= q; p++)
            {
                firstAtLeast[p] = Math.Min(firstAtLeast[p], visit.EnteredTicks);
            }
        }

        for (int p = 0; p + 1 < positions; p++)
        {
            if (firstAtLeast[p] == long.MaxValue)
            {
                break;
            }

            (long Time, byte Outcome) sample = firstAtLeast[p + 1] != long.MaxValue
                ? (firstAtLeast[p + 1] - firstAtLeast[p], CumulativeIncidence.Event)
                : (endTicks - firstAtLeast[p], outcome == OutcomeOpen ? CumulativeIncidence.Censored : CumulativeIncidence.Competing);
            _stepSamples[p].Add(Math.Max(0, sample.Time), sample.Outcome);
        }
    }

    private static LifecycleCounts Counts(int[] states) => new(
        states[(int)LifecycleState.InProgress],
        states[(int)LifecycleState.Stuck],
        states[(int)LifecycleState.Dormant],
        states[(int)LifecycleState.Converted],
        states[(int)LifecycleState.Failed]);

    /// <summary>The horizon conversion estimates are given at: the first conversion KPI's, or none.</summary>
    private static TimeSpan? ConversionHorizon(Journey journey)
    {
        foreach (Kpi kpi in journey.Kpis)
        {
            if (kpi.Kind == KpiKind.Conversion)
            {
                return kpi.Horizon;
            }
        }

        return null;
    }

    private ConversionSummary BuildConversion()
    {
        List<TimeGroup> goal = _goalSamples.Groups();
        (int known, int events) = CumulativeIncidence.Decided(goal, _horizon);
        return new ConversionSummary(
            _goalSamples.Count,
            events,
            known,
            _states[(int)LifecycleState.InProgress] + _states[(int)LifecycleState.Stuck],
            CumulativeIncidence.Estimate(goal, _goalSamples.Count, _horizon),
            _horizon == long.MaxValue ? null : TimeSpan.FromTicks(_horizon));
    }

    private List<KpiMeasurement> BuildKpis()
    {
        var kpis = new List<KpiMeasurement>(_journey.Journey.Kpis.Count);
        List<TimeGroup> goal = _goalSamples.Groups();
        foreach (Kpi kpi in _journey.Journey.Kpis)
        {
            switch (kpi.Kind)
            {
                case KpiKind.Conversion:
                    long horizon = kpi.Horizon?.Ticks ?? long.MaxValue;
                    (int known, int events) = CumulativeIncidence.Decided(goal, horizon);
                    kpis.Add(new KpiMeasurement(kpi.Id, kpi.Name, kpi.Kind, kpi.Target, kpi.Horizon, known == 0 ? null : (double)events / known, CumulativeIncidence.Estimate(goal, _goalSamples.Count, horizon), known, _goalSamples.Count - known));
                    break;
                case KpiKind.TimeToComplete:
                    var reached = new List<TimeGroup>();
                    int completed = 0;
                    foreach (TimeGroup g in goal)
                    {
                        if (g.Events > 0)
                        {
                            reached.Add(new TimeGroup(g.Time, 0, g.Events, 0));
                            completed += g.Events;
                        }
                    }

                    double? median = Percentiles.NearestRank(reached, completed, 50) is { } m ? m.TotalHours : null;
                    double? estimate = CumulativeIncidence.MedianEventTime(goal, _goalSamples.Count) is { } e ? TimeSpan.FromTicks(e).TotalHours : null;
                    kpis.Add(new KpiMeasurement(kpi.Id, kpi.Name, kpi.Kind, kpi.Target, kpi.Horizon, median, estimate, completed, _goalSamples.Count - completed));
                    break;
                default:
                    ResponseSamples? responses = _responses[kpis.Count];
                    kpis.Add(new KpiMeasurement(kpi.Id, kpi.Name, kpi.Kind, kpi.Target, kpi.Horizon, responses?.Value(kpi.Kind), null, responses?.Count ?? 0, 0));
                    break;
            }
        }

        return kpis;
    }

    /// <summary>One dimension's segments: decided conversion counts and (time to goal, reached) per run for the log-rank test.</summary>
    internal List<(string Value, int Runs, int Converted, int Decided, List<(long Time, bool Event)> Times)> SegmentsOf(string dimension)
    {
        int d = Array.IndexOf(Dimensions, dimension);
        if (d < 0)
        {
            throw new ArgumentException($"Unknown segment dimension '{dimension}'; expected one of {string.Join(", ", Dimensions)}.", nameof(dimension));
        }

        var result = new List<(string, int, int, int, List<(long, bool)>)>();
        foreach (KeyValuePair<(int Dimension, string Value), SegmentState> s in _segments)
        {
            if (s.Key.Dimension != d)
            {
                continue;
            }

            var times = new List<(long, bool)>(s.Value.Samples.Count);
            foreach ((long time, byte outcome) in s.Value.Samples.Expand())
            {
                times.Add((time, outcome == CumulativeIncidence.Event));
            }

            int converted = s.Value.States[(int)LifecycleState.Converted];
            int decided = converted + s.Value.States[(int)LifecycleState.Failed] + s.Value.States[(int)LifecycleState.Dormant];
            result.Add((s.Key.Value, s.Value.Customers, converted, decided, times));
        }

        return result;
    }

    /// <summary>One segment's mergeable counts.</summary>
    private sealed class SegmentState(int positions, int states, int exactSamples)
    {
        public int Customers;
        public int Goal;
        public readonly int[] Reached = new int[positions];
        public readonly int[] States = new int[states];
        public readonly DurationSamples Samples = new(exactSamples);

        public void Merge(SegmentState other)
        {
            Customers += other.Customers;
            Goal += other.Goal;
            for (int p = 0; p < Reached.Length; p++)
            {
                Reached[p] += other.Reached[p];
            }

            for (int k = 0; k < States.Length; k++)
            {
                States[k] += other.States[k];
            }

            Samples.Merge(other.Samples);
        }
    }

    private DurationSamples Transition(int from, int to)
    {
        ref DurationSamples? samples = ref CollectionsMarshal.GetValueRefOrAddDefault(_transitions, (from, to), out _);
        return samples ??= new DurationSamples(_exactSamples);
    }

    private int StageIndex(string id)
    {
        for (int s = 0; s < _journey.Stages.Length; s++)
        {
            if (_journey.Stages[s].Id == id)
            {
                return s;
            }
        }

        return -1;
    }

    private string StageName(int stage) => stage < 0 ? AnalyticsNames.None : _journey.Stages[stage].Id;

    private PathAnalysis BuildPaths(AnalyticsOptions options)
    {
        var variants = new List<PathVariant>(_variants.Count);
        foreach (KeyValuePair<string, (string[] Stages, DurationSamples Durations)> v in _variants)
        {
            List<TimeGroup> sorted = v.Value.Durations.Groups();
            int n = v.Value.Durations.Count;
            variants.Add(new PathVariant(v.Value.Stages, n, Percentiles.NearestRank(sorted, n, 50), Percentiles.NearestRank(sorted, n, 90)));
        }

        variants.Sort(static (a, b) =>
        {
            int c = b.Customers.CompareTo(a.Customers);
            return c != 0 ? c : string.CompareOrdinal(string.Join('\u001f', a.Stages), string.Join('\u001f', b.Stages));
        });
        int others = 0;
        for (int i = options.TopVariants; i < variants.Count; i++)
        {
            others += variants[i].Customers;
        }

        int distinct = variants.Count;
        if (variants.Count > options.TopVariants)
        {
            variants.RemoveRange(options.TopVariants, variants.Count - options.TopVariants);
        }

        var transitions = new List<StageTransition>(_transitions.Count);
        var deviations = new List<StageTransition>();
        foreach (KeyValuePair<(int From, int To), DurationSamples> t in _transitions)
        {
            var transition = new StageTransition(StageName(t.Key.From), StageName(t.Key.To), t.Value.Count, Percentiles.NearestRank(t.Value.Groups(), t.Value.Count, 50) ?? TimeSpan.Zero, _journey.IsAllowed(t.Key.From, t.Key.To));
            transitions.Add(transition);
            if (!transition.Allowed)
            {
                deviations.Add(transition);
            }
        }

        Comparison<StageTransition> byCount = static (a, b) =>
        {
            int c = b.Count.CompareTo(a.Count);
            c = c != 0 ? c : string.CompareOrdinal(a.From, b.From);
            return c != 0 ? c : string.CompareOrdinal(a.To, b.To);
        };
        transitions.Sort(byCount);
        deviations.Sort(byCount);
        return new PathAnalysis(variants, others, distinct, transitions, _conforming, _withStages, deviations);
    }

    private List<ChannelSwitch> BuildSwitches()
    {
        var switches = new List<ChannelSwitch>(_switches.Count);
        foreach (KeyValuePair<(int Stage, string From, string To, bool Within), int> s in _switches)
        {
            switches.Add(new ChannelSwitch(StageName(s.Key.Stage), s.Key.From, s.Key.To, s.Value, s.Key.Within));
        }

        switches.Sort(static (a, b) =>
        {
            int c = b.Count.CompareTo(a.Count);
            c = c != 0 ? c : string.CompareOrdinal(a.StageId, b.StageId);
            c = c != 0 ? c : string.CompareOrdinal(a.From, b.From);
            c = c != 0 ? c : string.CompareOrdinal(a.To, b.To);
            return c != 0 ? c : a.WithinStage.CompareTo(b.WithinStage);
        });
        return switches;
    }

    private (List<StageRiskModel> Models, List<AtRiskCustomer> AtRisk) BuildRisk(AnalyticsOptions options)
    {
        var models = new List<StageRiskModel>();
        var byStage = new StageRiskModel?[_journey.Stages.Length];
        for (int p = 0; p + 1 < _main.Length; p++)
        {
            int s = _main[p];
            if (_journey.Stages[s].IsTerminal || _survival[s].Count < options.MinRiskSamples)
            {
                continue;
            }

            string next = _journey.Stages[_main[p + 1]].Id;
            double goalFromNext = _journey.Stages[_main[p + 1]].IsGoal ? 1 : _stageChain.ConversionProbabilityFrom(next);
            var model = new StageRiskModel(_journey.Stages[s].Id, next, SurvivalCurve.Estimate(_survival[s]), goalFromNext);
            models.Add(model);
            byStage[s] = model;
        }

        var atRisk = new List<AtRiskCustomer>();
        foreach ((string customer, int stage, long inStage) in _candidates)
        {
            if (byStage[stage] is not { } model)
            {
                continue;
            }

            var time = TimeSpan.FromTicks(inStage);
            double risk = model.RiskOfNotProgressing(time);
            if (risk >= options.RiskThreshold)
            {
                atRisk.Add(new AtRiskCustomer(customer, model.StageId, time, _journey.Stages[stage].StandardTime, risk, model.RiskOfMissingGoal(time)));
            }
        }

        atRisk.Sort(static (a, b) =>
        {
            int c = b.RiskOfNotProgressing.CompareTo(a.RiskOfNotProgressing);
            return c != 0 ? c : string.CompareOrdinal(a.CustomerId, b.CustomerId);
        });
        return (models, atRisk);
    }
}
