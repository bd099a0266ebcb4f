using System.Globalization;
using System.Runtime.InteropServices;
using JourneyKit.Analytics.Internal;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Mergeable analytics state for one partition of customers: exact counts and the raw durations behind every percentile,
/// so that partitions merged in any order build the same <see cref="JourneyAnalysis"/> as the whole.
/// </summary>
/// <remarks>A customer must be in one partition only: adding a customer twice throws.</remarks>
public sealed class JourneyAnalysisAccumulator
{
    private const int StateCount = (int)LifecycleState.Failed + 1;
    private static readonly string[] Dimensions = ["persona", "channel", "first_channel", "cohort"];
    private readonly JourneyAnalyzer _analyzer;
    private readonly CompiledJourney _journey;
    private readonly long _asOf;
    private readonly int[] _main;      // designed (non-failure) stages in order
    private readonly int[] _mainPos;   // stage → position in _main, or -1
    private readonly HashSet<string> _customers = new(StringComparer.Ordinal); // customers seen (a customer's runs come together)
    private readonly int[] _reached;
    private readonly int[] _visited;
    private readonly int[] _states = new int[StateCount];          // runs per LifecycleState
    private readonly int[][] _furthestStates;                        // [main position][LifecycleState] of runs whose furthest stage it is
    private readonly List<(long Time, byte Outcome)>[] _stepSamples; // time from first entering position p (or later) to reaching p + 1 (or later)
    private readonly List<(long Time, byte Outcome)> _goalSamples = []; // time from the first event to the goal
    private readonly long _horizon;
    private readonly Dictionary<(int Dimension, string Value), SegmentState> _segments = [];
    private readonly List<long>[] _durations;
    private readonly List<StuckCustomer> _stuck = [];
    private readonly Dictionary<(string Stage, string Touchpoint, string Channel), int> _deadEnds = [];
    private readonly Dictionary<string, (string[] Stages, List<long> Durations)> _variants = new(StringComparer.Ordinal);
    private readonly Dictionary<(int From, int To), List<long>> _transitions = [];
    private readonly Dictionary<(int Stage, string From, string To, bool Within), int> _switches = [];
    private readonly MarkovCounts _channelChain = new();
    private readonly MarkovCounts _touchpointChain = new();
    private readonly MarkovCounts _stageChain = new();
    private readonly List<(long Duration, bool Event)>[] _survival;
    private readonly List<(string Customer, int Stage, long TimeInStage)> _candidates = [];
    private readonly List<(double Score, bool Goal)> _scores = [];
    private readonly List<double>?[] _responses; // per KPI with a touchpoint: each responding run's value (latest; revenue: sum)
    private long _events;
    private int _goal;
    private int _conforming;
    private int _withStages;

    internal JourneyAnalysisAccumulator(JourneyAnalyzer analyzer, long asOf)
    {
        _analyzer = analyzer;
        _journey = analyzer.Journey;
        _asOf = asOf;
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
        _stepSamples = new List<(long, byte)>[_main.Length];
        for (int p = 0; p < _main.Length; p++)
        {
            _furthestStates[p] = new int[StateCount];
            _stepSamples[p] = [];
        }

        _horizon = ConversionHorizon(_journey.Journey) is { } horizon ? horizon.Ticks : long.MaxValue;
        _responses = new List<double>?[_journey.Journey.Kpis.Count];
        for (int k = 0; k < _responses.Length; k++)
        {
            _responses[k] = _journey.Journey.Kpis[k].Touchpoint is null ? null : [];
        }
        _durations = new List<long>[stages];
        _survival = new List<(long, bool)>[stages];
        for (int s = 0; s < stages; s++)
        {
            _durations[s] = [];
            _survival[s] = [];
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
            if (!laterRun && !_customers.Add(run.CustomerId))
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

        foreach (string customer in other._customers)
        {
            if (!_customers.Add(customer))
            {
                throw new ArgumentException($"Customer '{customer}' is in both partitions.", nameof(other));
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
            _stepSamples[p].AddRange(other._stepSamples[p]);
            for (int k = 0; k < StateCount; k++)
            {
                _furthestStates[p][k] += other._furthestStates[p][k];
            }
        }

        for (int k = 0; k < StateCount; k++)
        {
            _states[k] += other._states[k];
        }

        _goalSamples.AddRange(other._goalSamples);

        foreach (KeyValuePair<(int Dimension, string Value), SegmentState> s in other._segments)
        {
            Segment(s.Key.Dimension, s.Key.Value).Merge(s.Value);
        }

        for (int s = 0; s < _durations.Length; s++)
        {
            _durations[s].AddRange(other._durations[s]);
            _survival[s].AddRange(other._survival[s]);
        }

        _stuck.AddRange(other._stuck);
        _candidates.AddRange(other._candidates);
        _scores.AddRange(other._scores);
        for (int k = 0; k < _responses.Length; k++)
        {
            _responses[k]?.AddRange(other._responses[k]!);
        }
        foreach (KeyValuePair<(string, string, string), int> d in other._deadEnds)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_deadEnds, d.Key, out _) += d.Value;
        }

        foreach (KeyValuePair<string, (string[] Stages, List<long> Durations)> v in other._variants)
        {
            ref (string[] Stages, List<long> Durations) mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_variants, v.Key, out bool exists);
            if (exists)
            {
                mine.Durations.AddRange(v.Value.Durations);
            }
            else
            {
                mine = (v.Value.Stages, [.. v.Value.Durations]);
            }
        }

        foreach (KeyValuePair<(int, int), List<long>> t in other._transitions)
        {
            Transition(t.Key.Item1, t.Key.Item2).AddRange(t.Value);
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
                    CumulativeIncidence.Estimate(_stepSamples[p], _horizon)));
        }

        var segments = new List<SegmentFunnel>(_segments.Count);
        foreach (KeyValuePair<(int Dimension, string Value), SegmentState> s in _segments)
        {
            segments.Add(new SegmentFunnel(Dimensions[s.Key.Dimension], s.Key.Value, s.Value.Customers, [.. s.Value.Reached], s.Value.Goal, Counts(s.Value.States), CumulativeIncidence.Estimate(s.Value.Samples, _horizon)));
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
            long[] sorted = [.. _durations[s]];
            Array.Sort(sorted);
            times.Add(new StageTimeStats(
                _journey.Stages[s].Id,
                _journey.Stages[s].StandardTime,
                sorted.Length,
                Percentiles.NearestRank(sorted, 50),
                Percentiles.NearestRank(sorted, 90),
                Percentiles.NearestRank(sorted, 99),
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

        List<(double Score, bool Goal)> scores = [.. _scores];
        scores.Sort(static (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Goal.CompareTo(b.Goal));
        var histogram = new int[10];
        var values = new double[scores.Count];
        var outcomes = new bool[scores.Count];
        double sum = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            (values[i], outcomes[i]) = scores[i];
            sum += values[i];
            histogram[Math.Clamp((int)(values[i] / 10), 0, 9)]++;
        }

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
            new ScoreSummary(scores.Count == 0 ? 0 : sum / scores.Count, histogram, ScoreAggregates.Correlation(values, outcomes)));
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
        _goalSamples.Add(goalSample);
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
            ref (string[] Stages, List<long> Durations) slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_variants, key, out bool exists);
            if (!exists)
            {
                slot = (variant, []);
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

        _scores.Add((_analyzer.Options.Scoring.Score(_analyzer.Evaluator, run, new DateTimeOffset(_asOf, TimeSpan.Zero), default), run.GoalReached));
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
            _survival[visit.Stage].Add((exited - visit.EnteredTicks, true));
        }
        else
        {
            _survival[visit.Stage].Add((Math.Max(0, _asOf - visit.EnteredTicks), false));
        }
    }

    private void AddSegment(int dimension, string value, int furthest, bool goal, LifecycleState state, (long Time, byte Outcome) goalSample)
    {
        SegmentState s = Segment(dimension, value);
        s.Customers++;
        s.Goal += goal ? 1 : 0;
        s.States[(int)state]++;
        s.Samples.Add(goalSample);
        for (int p = 0; p <= furthest; p++)
        {
            s.Reached[p]++;
        }
    }

    private SegmentState Segment(int dimension, string value)
    {
        ref SegmentState? s = ref CollectionsMarshal.GetValueRefOrAddDefault(_segments, (dimension, value), out _);
        return s ??= new SegmentState(_main.Length, StateCount);
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
            _stepSamples[p].Add((Math.Max(0, sample.Time), sample.Outcome));
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
        (int known, int events) = CumulativeIncidence.Decided(_goalSamples, _horizon);
        return new ConversionSummary(
            _goalSamples.Count,
            events,
            known,
            _states[(int)LifecycleState.InProgress] + _states[(int)LifecycleState.Stuck],
            CumulativeIncidence.Estimate(_goalSamples, _horizon),
            _horizon == long.MaxValue ? null : TimeSpan.FromTicks(_horizon));
    }

    private List<KpiMeasurement> BuildKpis()
    {
        var kpis = new List<KpiMeasurement>(_journey.Journey.Kpis.Count);
        foreach (Kpi kpi in _journey.Journey.Kpis)
        {
            switch (kpi.Kind)
            {
                case KpiKind.Conversion:
                    long horizon = kpi.Horizon?.Ticks ?? long.MaxValue;
                    (int known, int events) = CumulativeIncidence.Decided(_goalSamples, horizon);
                    kpis.Add(new KpiMeasurement(kpi.Id, kpi.Name, kpi.Kind, kpi.Target, kpi.Horizon, known == 0 ? null : (double)events / known, CumulativeIncidence.Estimate(_goalSamples, horizon), known, _goalSamples.Count - known));
                    break;
                case KpiKind.TimeToComplete:
                    var hours = new List<long>();
                    foreach ((long time, byte outcome) in _goalSamples)
                    {
                        if (outcome == CumulativeIncidence.Event)
                        {
                            hours.Add(time);
                        }
                    }

                    long[] sorted = [.. hours];
                    Array.Sort(sorted);
                    double? median = Percentiles.NearestRank(sorted, 50) is { } m ? m.TotalHours : null;
                    double? estimate = CumulativeIncidence.MedianEventTime(_goalSamples) is { } e ? TimeSpan.FromTicks(e).TotalHours : null;
                    kpis.Add(new KpiMeasurement(kpi.Id, kpi.Name, kpi.Kind, kpi.Target, kpi.Horizon, median, estimate, sorted.Length, _goalSamples.Count - sorted.Length));
                    break;
                default:
                    List<double>? responses = _responses[kpis.Count];
                    kpis.Add(new KpiMeasurement(kpi.Id, kpi.Name, kpi.Kind, kpi.Target, kpi.Horizon, responses is null ? null : ResponseValue(kpi.Kind, responses), null, responses?.Count ?? 0, 0));
                    break;
            }
        }

        return kpis;
    }

    /// <summary>
    /// The KPI over the responding runs: NPS = 100 × (share answering 9 or 10 − share answering 0 to 6) on the 0–10 scale;
    /// any other kind the mean (revenue: the mean per responding run). Summed in sorted order, so merging partitions in any
    /// order gives the same value. Null without responses.
    /// </summary>
    internal static double? ResponseValue(KpiKind kind, List<double> responses)
    {
        if (responses.Count == 0)
        {
            return null;
        }

        double[] sorted = [.. responses];
        Array.Sort(sorted);
        if (kind == KpiKind.Nps)
        {
            int promoters = 0, detractors = 0;
            foreach (double v in sorted)
            {
                promoters += v >= 9 ? 1 : 0;
                detractors += v <= 6 ? 1 : 0;
            }

            return 100.0 * (promoters - detractors) / sorted.Length;
        }

        double total = 0;
        foreach (double v in sorted)
        {
            total += v;
        }

        return total / sorted.Length;
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
            foreach ((long time, byte outcome) in s.Value.Samples)
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
    private sealed class SegmentState(int positions, int states)
    {
        public int Customers;
        public int Goal;
        public readonly int[] Reached = new int[positions];
        public readonly int[] States = new int[states];
        public readonly List<(long Time, byte Outcome)> Samples = [];

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

            Samples.AddRange(other.Samples);
        }
    }

    private List<long> Transition(int from, int to)
    {
        ref List<long>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(_transitions, (from, to), out _);
        return list ??= [];
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
        foreach (KeyValuePair<string, (string[] Stages, List<long> Durations)> v in _variants)
        {
            long[] sorted = [.. v.Value.Durations];
            Array.Sort(sorted);
            variants.Add(new PathVariant(v.Value.Stages, sorted.Length, Percentiles.NearestRank(sorted, 50), Percentiles.NearestRank(sorted, 90)));
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
        foreach (KeyValuePair<(int From, int To), List<long>> t in _transitions)
        {
            long[] sorted = [.. t.Value];
            Array.Sort(sorted);
            var transition = new StageTransition(StageName(t.Key.From), StageName(t.Key.To), sorted.Length, Percentiles.NearestRank(sorted, 50) ?? TimeSpan.Zero, _journey.IsAllowed(t.Key.From, t.Key.To));
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
