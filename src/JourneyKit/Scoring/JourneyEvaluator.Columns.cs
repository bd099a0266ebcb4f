using System.Collections;
using System.Diagnostics.CodeAnalysis;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <content>Columnar evaluation: <see cref="EvaluateInto"/> and the status of a <see cref="JourneyRun"/>.</content>
public sealed partial class JourneyEvaluator
{
    /// <summary>
    /// Evaluates every customer of a batch from scratch into columns (<see cref="JourneyRunColumns"/>): the runs of
    /// <see cref="Evaluate(EventBatch)"/> — the same runs in the same order with the same stages, counters, visits,
    /// personas and moments of truth — without an object per customer. Once the columns have held a batch as large,
    /// nothing is allocated per event or per customer (a moment of truth whose pattern has a variable makes its state
    /// per run).
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <param name="columns">The columns to fill (their previous content is replaced).</param>
    public void EvaluateInto(EventBatch batch, JourneyRunColumns columns)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(columns);
        ColumnarScratch w = columns.Scratch ??= new ColumnarScratch();
        w.Bind(this, batch);
        columns.Reset(this, batch);
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        for (int customer = 0; customer < batch.CustomerCount; customer++)
        {
            EvaluateCustomerInto(batch, w, columns, customer, starts[customer], starts[customer + 1]);
        }
    }

    /// <summary>Where a run stands as of an instant (<see cref="GetStatus(JourneyInstance, DateTimeOffset)"/>).</summary>
    /// <param name="run">The run.</param>
    /// <param name="asOf">The instant; at or after the run's latest event.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before the run's latest event.</exception>
    public JourneyStatus GetStatus(in JourneyRun run, DateTimeOffset asOf)
    {
        long last = run.LastEventTicks;
        if (asOf.UtcTicks < last)
        {
            ThrowEventsAfter(run.CustomerId, last, asOf.UtcTicks);
        }

        return GetStatus(run.EventCount, last, run.GoalReached, run.Failed, run.CurrentStage, run.CurrentStageEnteredTicks, asOf.UtcTicks);
    }

    private void EvaluateCustomerInto(EventBatch batch, ColumnarScratch w, JourneyRunColumns c, int customer, int from, int to)
    {
        ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
        ReadOnlySpan<int> channelIds = batch.ChannelIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        int[] remap = w.Remap;
        int[] channelKey = w.ChannelKey;
        bool[] assisted = w.Assisted;
        CompiledJourney journey = _journey;
        int persona = -1;
        bool personaAssigned = false;
        w.ClearAttributes();
        int runNumber = 1;
        int runStart = from;

        // The current run's state; committed to the columns when it ends.
        bool goal = false, failed = false;
        int stage = -1, backtracks = 0, repeats = 0, switches = 0, assistedContacts = 0, outOfPath = 0, disallowed = 0;
        int lastChannel = -1;
        w.Seen.Clear();
        c.EnsureRun();
        for (int i = from; i < to; i++)
        {
            int tp = remap[touchpoints[i]];
            long t = ticks[i];
            if (i > runStart && StartsNewRun(tp, t, ticks[runStart], ticks[i - 1], goal || failed))
            {
                AddMoments(batch, w, c, runStart, i);
                Commit(c, customer, runNumber, i, persona, goal, failed, personaAssigned, backtracks, repeats, switches, assistedContacts, outOfPath, disallowed);
                runNumber++;
                runStart = i;
                goal = failed = false;
                stage = -1;
                backtracks = repeats = switches = assistedContacts = outOfPath = disallowed = 0;
                lastChannel = -1;
                w.Seen.Clear();
                c.EnsureRun();
            }

            if (w.PersonaColumns.Length > 0 && w.UpdateAttributes(batch, i, out bool changed))
            {
                bool first = !personaAssigned;
                personaAssigned = true;
                if (changed || first)
                {
                    persona = w.AssignPersona(journey.Journey);
                }
            }

            int channel = channelKey[channelIds[i] + 1];
            if (channel >= 0)
            {
                switches += lastChannel >= 0 && channel != lastChannel ? 1 : 0;
                lastChannel = channel;
                assistedContacts += assisted[channel] ? 1 : 0;
            }

            if (tp >= 0 && !w.Seen.Add(tp))
            {
                repeats++;
            }

            int s = journey.StageOf(tp);
            if (s < 0)
            {
                outOfPath++;
            }
            else if (s != stage && !(goal || failed))
            {
                if (stage >= 0)
                {
                    disallowed += journey.IsAllowed(stage, s) ? 0 : 1;
                    backtracks += s < stage ? 1 : 0;
                }

                c.AddVisit(i, s, persona);
                stage = s;
                goal |= w.IsGoal[s];
                failed |= w.IsFailure[s];
            }
        }

        AddMoments(batch, w, c, runStart, to);
        Commit(c, customer, runNumber, to, persona, goal, failed, personaAssigned, backtracks, repeats, switches, assistedContacts, outOfPath, disallowed);
    }

    /// <summary>
    /// The moments of truth hit in the run of rows [<paramref name="from"/>, <paramref name="to"/>): each moment's pattern
    /// from an empty state over the run's rows (none when no row can start it; passing the rows that cannot change it,
    /// <see cref="CompiledPattern.AdvanceRows"/>),
    /// then the hits in (row, moment) order — the order of one step per row of every moment in turn.
    /// </summary>
    private static void AddMoments(EventBatch batch, ColumnarScratch w, JourneyRunColumns c, int from, int to)
    {
        MomentHits hits = w.Hits;
        hits.Count = 0;
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        for (int m = 0; m < w.Patterns.Length; m++)
        {
            CompiledPattern pattern = w.Patterns[m];
            if (pattern.CannotStart(w.Plans[m], ids, from, to))
            {
                continue; // no hit, and the state stays empty
            }

            if (w.Used[m])
            {
                pattern.ResetState(w.States[m]);
            }

            w.Used[m] = true;
            pattern.AdvanceRows(w.States[m], w.Plans[m], batch, from, to, hits, m);
        }

        int n = hits.Count;
        if (n == 0)
        {
            return;
        }

        if (w.Patterns.Length > 1)
        {
            SortHits(hits, w.Patterns.Length);
        }

        for (int k = 0; k < n; k++)
        {
            c.AddHit(hits.Moments[k], hits.Ticks[k]);
        }
    }

    /// <summary>Sorts the hits by (row, moment): each moment's are in row order already, and a moment hits a row at most once.</summary>
    private static void SortHits(MomentHits hits, int moments)
    {
        int n = hits.Count;
        if (hits.Keys.Length < n)
        {
            hits.Keys = new long[hits.Rows.Length];
            hits.Order = new int[hits.Rows.Length];
        }

        long[] keys = hits.Keys;
        int[] order = hits.Order;
        bool sorted = true;
        for (int k = 0; k < n; k++)
        {
            keys[k] = ((long)hits.Rows[k] * moments) + hits.Moments[k];
            order[k] = k;
            sorted &= k == 0 || keys[k] > keys[k - 1];
        }

        if (sorted)
        {
            return;
        }

        Array.Sort(keys, order, 0, n);
        Span<int> moment = n <= 256 ? stackalloc int[n] : new int[n];
        Span<long> when = n <= 256 ? stackalloc long[n] : new long[n];
        for (int k = 0; k < n; k++)
        {
            moment[k] = hits.Moments[order[k]];
            when[k] = hits.Ticks[order[k]];
        }

        moment.CopyTo(hits.Moments);
        when.CopyTo(hits.Ticks);
    }

    /// <summary>Ends the current run at row <paramref name="end"/> (exclusive).</summary>
    private static void Commit(JourneyRunColumns c, int customer, int runNumber, int end, int persona, bool goal, bool failed, bool personaAssigned, int backtracks, int repeats, int switches, int assisted, int outOfPath, int disallowed)
    {
        int r = c.Count;
        c.Customer[r] = customer;
        c.RunNumber[r] = runNumber;
        c.Start[r + 1] = end;
        c.Persona[r] = persona;
        c.Flags[r] = (byte)((goal ? JourneyRunColumns.GoalFlag : 0) | (failed ? JourneyRunColumns.FailedFlag : 0) | (personaAssigned ? JourneyRunColumns.PersonaAssignedFlag : 0));
        c.Backtracks[r] = backtracks;
        c.Repeats[r] = repeats;
        c.ChannelSwitches[r] = switches;
        c.AssistedContacts[r] = assisted;
        c.OutOfPath[r] = outOfPath;
        c.DisallowedTransitions[r] = disallowed;
        c.VisitStart[r + 1] = c.VisitCount;
        c.HitStart[r + 1] = c.HitCount;
        c.Count = r + 1;
    }

    /// <summary>What <see cref="EvaluateInto"/> binds per batch and reuses across batches: touchpoint and channel maps,
    /// the persona attributes, the moments' conditions and one pattern state per moment (reset per run).</summary>
    internal sealed class ColumnarScratch
    {
        private readonly Dictionary<Channel, int> _channels = [];
        private readonly Dictionary<long, int> _personas = []; // latest value ids of the persona keys → persona (per batch)
        private int[] _latest = [];

        public int[] Remap = [];
        public int[] ChannelKey = [];
        public bool[] Assisted = [];
        public bool[] IsGoal = [];
        public bool[] IsFailure = [];
        public int[][] PersonaColumns = [];
        public PersonaAttributes Attributes = new();
        public TouchpointSet Seen;
        public CompiledPattern[] Patterns = [];
        public SkipPlan[] Plans = [];
        public PatternState[] States = [];
        public bool[] Used = []; // whether the moment's state was advanced since it was made or reset
        public MomentHits Hits = new();
        private EventBatch? _batch; // the columns hold it too
        private JourneyEvaluator? _evaluator;

        public void Bind(JourneyEvaluator evaluator, EventBatch batch)
        {
            if (ReferenceEquals(_batch, batch) && ReferenceEquals(_evaluator, evaluator))
            {
                return; // bound already (the same batch evaluated again: nothing to allocate)
            }

            CompiledJourney journey = evaluator._journey;
            _batch = batch;
            _evaluator = evaluator;
            Remap = Fit(Remap, batch.Touchpoints.Count);
            for (int t = 0; t < batch.Touchpoints.Count; t++)
            {
                Remap[t] = journey.Touchpoints.TryGetId(batch.Touchpoints[t], out int id) ? id : -1;
            }

            // Channels as small keys: equal channels (after normalising the name) share one.
            _channels.Clear();
            ChannelKey = Fit(ChannelKey, batch.Channels.Count + 1);
            Assisted = Fit(Assisted, batch.Channels.Count + 1);
            ChannelKey[0] = -1;
            for (int ch = 0; ch < batch.Channels.Count; ch++)
            {
                Channel channel = Channel.FromName(batch.Channels[ch]);
                if (channel.IsNone)
                {
                    ChannelKey[ch + 1] = -1;
                    continue;
                }

                if (!_channels.TryGetValue(channel, out int key))
                {
                    key = _channels.Count;
                    _channels.Add(channel, key);
                    Assisted[key] = channel.IsAssisted;
                }

                ChannelKey[ch + 1] = key;
            }

            int stages = journey.Stages.Length;
            if (IsGoal.Length != stages)
            {
                IsGoal = new bool[stages];
                IsFailure = new bool[stages];
            }

            for (int s = 0; s < stages; s++)
            {
                IsGoal[s] = journey.Stages[s].IsGoal;
                IsFailure[s] = journey.Stages[s].IsFailure;
            }

            _personas.Clear();
            int keys = 0;
            foreach (string key in evaluator._personaKeys)
            {
                keys += batch.AttributeColumn(key) is null ? 0 : 1;
            }

            if (PersonaColumns.Length != keys)
            {
                PersonaColumns = new int[keys][];
                _latest = new int[keys];
            }

            Attributes.Size(keys);
            keys = 0;
            foreach (string key in evaluator._personaKeys)
            {
                if (batch.AttributeColumn(key) is { } column)
                {
                    Attributes.Keys[keys] = key;
                    PersonaColumns[keys++] = column;
                }
            }

            int moments = journey.MomentCount;
            if (Patterns.Length != moments)
            {
                Patterns = new CompiledPattern[moments];
                Plans = new SkipPlan[moments];
                States = new PatternState[moments];
                Used = new bool[moments];
            }

            for (int m = 0; m < moments; m++)
            {
                if (!ReferenceEquals(Patterns[m], journey.Moment(m)))
                {
                    Patterns[m] = journey.Moment(m);
                    States[m] = Patterns[m].CreateState(); // reset per run (ResetState), never made again
                    Used[m] = false;
                }

                Plans[m] = Patterns[m].BindPlan(batch);
            }
        }

        /// <summary>The persona of the latest attribute values: the rules are applied once per combination of values in
        /// a batch (up to two keys; more are applied every time).</summary>
        public int AssignPersona(Journey journey)
        {
            if (_latest.Length > 2)
            {
                return journey.AssignPersonaIndex(Attributes);
            }

            long key = ((long)(_latest.Length > 0 ? _latest[0] + 1 : 0) << 32) | (uint)(_latest.Length > 1 ? _latest[1] + 1 : 0);
            ref int persona = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_personas, key, out bool exists);
            if (!exists)
            {
                persona = journey.AssignPersonaIndex(Attributes);
            }

            return persona;
        }

        public void ClearAttributes()
        {
            Array.Fill(_latest, -1);
            Array.Clear(Attributes.Values);
        }

        /// <summary>Takes row <paramref name="row"/>'s persona attributes as the latest; false when it has none of them,
        /// <paramref name="changed"/> when a value changed (or appeared).</summary>
        public bool UpdateAttributes(EventBatch batch, int row, out bool changed)
        {
            bool seen = false;
            changed = false;
            for (int k = 0; k < PersonaColumns.Length; k++)
            {
                int value = PersonaColumns[k][row];
                if (value < 0)
                {
                    continue;
                }

                seen = true;
                if (_latest[k] != value)
                {
                    string text = batch.AttributeValues[value];
                    changed |= _latest[k] < 0 || Attributes.Values[k] != text;
                    _latest[k] = value;
                    Attributes.Values[k] = text;
                }
            }

            return seen;
        }

        private static T[] Fit<T>(T[] array, int length) => array.Length >= length ? array : new T[Math.Max(length, array.Length * 2)];
    }

    /// <summary>The latest value of each persona attribute, as the dictionary persona rules read (reused).</summary>
    internal sealed class PersonaAttributes : IReadOnlyDictionary<string, string>
    {
        public string[] Keys = [];
        public string?[] Values = [];

        public int Count
        {
            get
            {
                int n = 0;
                foreach (string? v in Values)
                {
                    n += v is null ? 0 : 1;
                }

                return n;
            }
        }

        IEnumerable<string> IReadOnlyDictionary<string, string>.Keys
        {
            get
            {
                foreach (KeyValuePair<string, string> pair in this)
                {
                    yield return pair.Key;
                }
            }
        }

        IEnumerable<string> IReadOnlyDictionary<string, string>.Values
        {
            get
            {
                foreach (KeyValuePair<string, string> pair in this)
                {
                    yield return pair.Value;
                }
            }
        }

        public string this[string key] => TryGetValue(key, out string? value) ? value : throw new KeyNotFoundException(key);

        public void Size(int keys)
        {
            if (Keys.Length != keys)
            {
                Keys = new string[keys];
                Values = new string?[keys];
            }
        }

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
        {
            for (int k = 0; k < Keys.Length; k++)
            {
                if (string.Equals(Keys[k], key, StringComparison.Ordinal) && Values[k] is { } v)
                {
                    value = v;
                    return true;
                }
            }

            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            for (int k = 0; k < Keys.Length; k++)
            {
                if (Values[k] is { } v)
                {
                    yield return new(Keys[k], v);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
