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
    private static readonly string[] Dimensions = ["persona", "channel", "first_channel", "cohort"];
    private readonly JourneyAnalyzer _analyzer;
    private readonly CompiledJourney _journey;
    private readonly long _asOf;
    private readonly int[] _main;      // designed (non-failure) stages in order
    private readonly int[] _mainPos;   // stage → position in _main, or -1
    private readonly HashSet<string> _customers = new(StringComparer.Ordinal);
    private readonly int[] _reached;
    private readonly int[] _visited;
    private readonly Dictionary<(int Dimension, string Value), (int Customers, int[] Reached, int Goal)> _segments = [];
    private readonly List<long>[] _durations;
    private readonly List<StuckCustomer> _stuck = [];
    private readonly Dictionary<(string Stage, string Touchpoint, string Channel), int> _deadEnds = [];
    private readonly Dictionary<string, (string[] Stages, int Count)> _variants = new(StringComparer.Ordinal);
    private readonly Dictionary<(int From, int To), List<long>> _transitions = [];
    private readonly Dictionary<(int Stage, string From, string To, bool Within), int> _switches = [];
    private readonly MarkovCounts _channelChain = new();
    private readonly MarkovCounts _touchpointChain = new();
    private readonly MarkovCounts _stageChain = new();
    private readonly List<(long Duration, bool Event)>[] _survival;
    private readonly List<(string Customer, int Stage, long TimeInStage)> _candidates = [];
    private readonly List<(double Score, bool Goal)> _scores = [];
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

    /// <summary>Adds every customer of a batch (a partition: customers not added before). Events after the analysis instant are ignored: the analysis is as things stood then.</summary>
    /// <param name="batch">The events.</param>
    /// <exception cref="ArgumentException">A customer of the batch was already added.</exception>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch.Until(new DateTimeOffset(_asOf, TimeSpan.Zero));
        IReadOnlyList<JourneyInstance> instances = _analyzer.Evaluator.Evaluate(batch);
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

        ReadOnlySpan<int> starts = batch.CustomerStarts;
        var channelPath = new List<string>();
        var touchpointPath = new List<string>();
        var usedChannels = new List<string>();
        for (int run = 0; run < instances.Count; run++)
        {
            JourneyInstance instance = instances[run];
            if (!_customers.Add(instance.CustomerId))
            {
                throw new ArgumentException($"Customer '{instance.CustomerId}' was already added: partitions must not share customers.", nameof(batch));
            }

            AddEvents(batch, starts[run], starts[run + 1], remap, channels, instance.GoalReached, channelPath, touchpointPath, usedChannels);
            AddInstance(instance, usedChannels);
        }
    }

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
        }

        foreach (KeyValuePair<(int Dimension, string Value), (int Customers, int[] Reached, int Goal)> s in other._segments)
        {
            ref (int Customers, int[] Reached, int Goal) mine = ref Segment(s.Key.Dimension, s.Key.Value);
            mine.Customers += s.Value.Customers;
            mine.Goal += s.Value.Goal;
            for (int p = 0; p < mine.Reached.Length; p++)
            {
                mine.Reached[p] += s.Value.Reached[p];
            }
        }

        for (int s = 0; s < _durations.Length; s++)
        {
            _durations[s].AddRange(other._durations[s]);
            _survival[s].AddRange(other._survival[s]);
        }

        _stuck.AddRange(other._stuck);
        _candidates.AddRange(other._candidates);
        _scores.AddRange(other._scores);
        foreach (KeyValuePair<(string, string, string), int> d in other._deadEnds)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_deadEnds, d.Key, out _) += d.Value;
        }

        foreach (KeyValuePair<string, (string[] Stages, int Count)> v in other._variants)
        {
            ref (string[] Stages, int Count) mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_variants, v.Key, out _);
            mine = (v.Value.Stages, mine.Count + v.Value.Count);
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
            int converted = p + 1 < _main.Length ? _reached[p + 1] : _reached[p];
            funnel.Add(new StageFunnelStep(stage.Id, stage.Name, _reached[p], _visited[p], converted, _reached[p] - converted));
        }

        var segments = new List<SegmentFunnel>(_segments.Count);
        foreach (KeyValuePair<(int Dimension, string Value), (int Customers, int[] Reached, int Goal)> s in _segments)
        {
            segments.Add(new SegmentFunnel(Dimensions[s.Key.Dimension], s.Key.Value, s.Value.Customers, [.. s.Value.Reached], s.Value.Goal));
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
            _customers.Count,
            _events,
            _goal,
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

    private void AddInstance(JourneyInstance instance, List<string> usedChannels)
    {
        JourneyStatus status = _analyzer.Evaluator.GetStatus(instance, new DateTimeOffset(_asOf, TimeSpan.Zero));
        IReadOnlyList<StageVisit> visits = instance.Visits;
        _goal += instance.GoalReached ? 1 : 0;

        int furthest = -1;
        var seen = new bool[_main.Length];
        var stagePath = new List<string>(visits.Count);
        var variant = new string[visits.Count];
        bool beforeGoal = true;
        for (int v = 0; v < visits.Count; v++)
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
            AddSurvival(visit, v + 1 < visits.Count ? visits[v + 1].Stage : -1);
        }

        for (int p = 0; p <= furthest; p++)
        {
            _reached[p]++;
        }

        for (int p = 0; p < seen.Length; p++)
        {
            _visited[p] += seen[p] ? 1 : 0;
        }

        string cohort = instance.EventCount == 0 ? AnalyticsNames.None : Cohort(instance.FirstEventTicks);
        AddSegment(0, instance.Persona ?? AnalyticsNames.None, furthest, instance.GoalReached);
        foreach (string channel in usedChannels)
        {
            AddSegment(1, channel, furthest, instance.GoalReached); // a customer counts once in each channel they used
        }

        AddSegment(2, AnalyticsNames.Of(instance.FirstChannel), furthest, instance.GoalReached);
        AddSegment(3, cohort, furthest, instance.GoalReached);

        if (visits.Count > 0)
        {
            _withStages++;
            _conforming += instance.DisallowedTransitions == 0 ? 1 : 0;
            string key = string.Join('\u001f', variant);
            ref (string[] Stages, int Count) slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_variants, key, out _);
            slot = (variant, slot.Count + 1);
        }

        _stageChain.AddPath(stagePath, instance.GoalReached);
        string stageId = status.Stage < 0 ? AnalyticsNames.None : _journey.Stages[status.Stage].Id;
        if (status.IsStuck)
        {
            _stuck.Add(new StuckCustomer(instance.CustomerId, stageId, status.TimeInStage, status.OverdueBy));
        }

        if (status.IsDeadEnd)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_deadEnds, (stageId, instance.LastTouchpoint ?? AnalyticsNames.None, AnalyticsNames.Of(instance.LastChannel)), out _)++;
        }
        else if (!status.IsStuck && status.Stage >= 0 && !instance.GoalReached && !instance.Failed
            && !_journey.Stages[status.Stage].IsTerminal && _journey.Stages[status.Stage].StandardTime > TimeSpan.Zero)
        {
            _candidates.Add((instance.CustomerId, status.Stage, status.TimeInStage.Ticks));
        }

        _scores.Add((_analyzer.Options.Scoring.Score(_analyzer.Evaluator, instance, new DateTimeOffset(_asOf, TimeSpan.Zero)).Value, instance.GoalReached));
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

    private void AddSegment(int dimension, string value, int furthest, bool goal)
    {
        ref (int Customers, int[] Reached, int Goal) s = ref Segment(dimension, value);
        s.Customers++;
        s.Goal += goal ? 1 : 0;
        for (int p = 0; p <= furthest; p++)
        {
            s.Reached[p]++;
        }
    }

    private ref (int Customers, int[] Reached, int Goal) Segment(int dimension, string value)
    {
        ref (int Customers, int[] Reached, int Goal) s = ref CollectionsMarshal.GetValueRefOrAddDefault(_segments, (dimension, value), out bool exists);
        if (!exists)
        {
            s = (0, new int[_main.Length], 0);
        }

        return ref s;
    }

    private List<long> Transition(int from, int to)
    {
        ref List<long>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(_transitions, (from, to), out _);
        return list ??= [];
    }

    private static string Cohort(long ticks)
    {
        var date = new DateTime(ticks, DateTimeKind.Utc);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}");
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
        foreach (KeyValuePair<string, (string[] Stages, int Count)> v in _variants)
        {
            variants.Add(new PathVariant(v.Value.Stages, v.Value.Count));
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
