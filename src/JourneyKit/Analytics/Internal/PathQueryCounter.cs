using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Internal;

/// <summary>
/// Counts the paths of a <see cref="PathQuery"/> over the runs of one batch, one run at a time, in time linear in the
/// run's steps: the steps go into reused buffers (no allocation per event or per run once the buffers have grown), and a
/// path is looked up by a key of the batch's ids built in a reused buffer, so only a new distinct path allocates.
/// <see cref="PathQueryAccumulator"/> folds the batch's counts into its own, keyed by step names.
/// </summary>
internal sealed class PathQueryCounter
{
    private const int Absent = -2; // an anchor name the data does not have: matches no step

    private readonly PathQuery _query;
    private readonly EventBatch _batch;
    private readonly CompiledJourney _journey;
    private readonly bool _stages;
    private readonly int _start;
    private readonly int _end;
    private readonly int _dropOff;
    private readonly bool[] _hidden;
    private readonly bool[] _excluded;
    private readonly Dictionary<string, Entry> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<long> _toEnd = [];
    private int[] _ids = new int[16];
    private long[] _ticks = new long[16];
    private char[] _key = new char[(2 * (PathQuery.MaxDepth + 1)) + 1];
    private int _runs;
    private int _withoutStart;
    private int _withoutEnd;
    private int _open;
    private int _excludedRuns;

    /// <param name="query">The validated query.</param>
    /// <param name="batch">The batch the runs were evaluated from (touchpoint ids are its own).</param>
    /// <param name="journey">The journey (stage ids).</param>
    /// <param name="dropOffStage">The index of <see cref="PathQuery.DropOffAt"/>, or -1.</param>
    public PathQueryCounter(PathQuery query, EventBatch batch, CompiledJourney journey, int dropOffStage)
    {
        _query = query;
        _batch = batch;
        _journey = journey;
        _stages = query.Level == PathLevel.Stage;
        _dropOff = dropOffStage;
        int names = _stages ? journey.Stages.Length : batch.Touchpoints.Count;
        _hidden = new bool[names];
        _excluded = new bool[names];
        _start = query.StartingAt is null ? -1 : IdOf(query.StartingAt);
        _end = query.EndingAt is null ? -1 : IdOf(query.EndingAt);
        Mark(_hidden, query.Hidden);
        Mark(_excluded, query.Excluded);
        _lookup = _paths.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Adds one run with its status as of the instant.</summary>
    public void Add(JourneyInstance run, JourneyStatus status)
    {
        _runs++;
        int n = Steps(run);
        int s = 0;
        if (_start != -1)
        {
            s = IndexOf(_start, 0, n);
        }

        if (n == 0 || s < 0)
        {
            _withoutStart++;
            return;
        }

        int e = n - 1;
        if (_end != -1)
        {
            e = IndexOf(_end, _start != -1 ? s + 1 : s, n);
        }
        else if (_dropOff >= 0 && !(status.State == LifecycleState.Dormant && status.Stage == _dropOff))
        {
            e = -1;
            _open += status.IsOpen && status.Stage == _dropOff ? 1 : 0;
        }

        if (e < 0)
        {
            _withoutEnd++;
            return;
        }

        for (int k = s; k <= e; k++)
        {
            if (_excluded[_ids[k]])
            {
                _excludedRuns++;
                return;
            }
        }

        _toEnd.Add(_ticks[e] - _ticks[s]);
        int shown = Math.Min(e - s + 1, _query.Depth + 1);
        bool truncated = shown < e - s + 1;
        int first = _start == -1 && (_end != -1 || _dropOff >= 0) ? e - shown + 1 : s; // anchored at the end: the steps before it
        Count(first, shown, truncated);
    }

    /// <summary>Gets the runs added.</summary>
    public int Runs => _runs;

    /// <summary>Gets the runs without a start.</summary>
    public int WithoutStart => _withoutStart;

    /// <summary>Gets the runs without an end.</summary>
    public int WithoutEnd => _withoutEnd;

    /// <summary>Gets the runs without an end that are open in the drop-off stage.</summary>
    public int OpenInDropOffStage => _open;

    /// <summary>Gets the excluded runs.</summary>
    public int ExcludedRuns => _excludedRuns;

    /// <summary>Gets each matched run's time from its start to its end, in ticks.</summary>
    public List<long> TimesToEnd => _toEnd;

    /// <summary>Gets the distinct paths counted: step names, truncation, runs and each run's duration in ticks.</summary>
    public IEnumerable<(string[] Steps, bool Truncated, int Runs, List<long> Durations)> Paths()
    {
        foreach (Entry entry in _paths.Values)
        {
            yield return (entry.Steps, entry.Truncated, entry.Runs, entry.Durations);
        }
    }

    /// <summary>Fills the step buffers with the run's steps, hidden ones removed and repeats collapsed; returns the count.</summary>
    private int Steps(JourneyInstance run)
    {
        int n = 0;
        if (_stages)
        {
            IReadOnlyList<StageVisit> visits = run.Visits;
            for (int v = 0; v < visits.Count; v++)
            {
                n = Push(n, visits[v].Stage, visits[v].EnteredTicks);
            }
        }
        else
        {
            ReadOnlySpan<int> touchpoints = _batch.TouchpointIds;
            ReadOnlySpan<long> ticks = _batch.TimestampTicks;
            for (int i = run.BatchStart; i < run.BatchEnd; i++)
            {
                n = Push(n, touchpoints[i], ticks[i]);
            }
        }

        return n;
    }

    private int Push(int n, int id, long ticks)
    {
        if (_hidden[id] || (_query.CollapseRepeats && n > 0 && _ids[n - 1] == id))
        {
            return n;
        }

        if (n == _ids.Length)
        {
            Array.Resize(ref _ids, n * 2);
            Array.Resize(ref _ticks, n * 2);
        }

        _ids[n] = id;
        _ticks[n] = ticks;
        return n + 1;
    }

    private int IndexOf(int id, int from, int n)
    {
        for (int i = from; i < n; i++)
        {
            if (_ids[i] == id)
            {
                return i;
            }
        }

        return -1;
    }

    private void Count(int first, int shown, bool truncated)
    {
        Span<char> key = _key.AsSpan(0, (2 * shown) + 1);
        for (int i = 0; i < shown; i++)
        {
            int id = _ids[first + i];
            key[2 * i] = (char)(id & 0xFFFF);
            key[(2 * i) + 1] = (char)((uint)id >> 16);
        }

        key[^1] = truncated ? 't' : 'c';
        long duration = _ticks[first + shown - 1] - _ticks[first];
        if (!_lookup.TryGetValue(key, out Entry? entry))
        {
            var steps = new string[shown];
            for (int i = 0; i < shown; i++)
            {
                steps[i] = NameOf(_ids[first + i]);
            }

            entry = new Entry(steps, truncated);
            _paths.Add(key.ToString(), entry);
        }

        entry.Runs++;
        entry.Durations.Add(duration);
    }

    private string NameOf(int id) => _stages ? _journey.Stages[id].Id : _batch.Touchpoints[id];

    private int IdOf(string name)
    {
        if (_stages)
        {
            for (int s = 0; s < _journey.Stages.Length; s++)
            {
                if (_journey.Stages[s].Id == name)
                {
                    return s;
                }
            }

            return Absent; // the analyzer checked stage names: not reached
        }

        return _batch.Touchpoints.TryGetId(name, out int id) ? id : Absent;
    }

    private void Mark(bool[] marks, IReadOnlyList<string> names)
    {
        foreach (string name in names)
        {
            int id = IdOf(name);
            if (id >= 0)
            {
                marks[id] = true;
            }
        }
    }

    private sealed class Entry(string[] steps, bool truncated)
    {
        public readonly string[] Steps = steps;
        public readonly bool Truncated = truncated;
        public readonly List<long> Durations = [];
        public int Runs;
    }
}
