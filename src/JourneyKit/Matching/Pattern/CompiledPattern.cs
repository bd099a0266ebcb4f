using System.Buffers.Binary;
using System.Collections.Immutable;
using JourneyKit.Events;
using JourneyKit.Matching.Internal;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// A pattern over a customer's ordered events, compiled to a Glushkov automaton that runs in time linear in the number
/// of events with a bounded state (two numbers per automaton state). See docs/patterns.md for the language.
/// </summary>
/// <remarks>
/// <para>A sequence means consecutive events (use <c>.*</c> to allow anything between). A match is a run of
/// consecutive events of one customer that the pattern matches, satisfying <c>within</c> (last − first ≤ window,
/// inclusive) and the gaps (time from the previous event, inclusive bounds). The search is unanchored unless the
/// pattern starts with <c>^</c> (the customer's first event) or ends with <c>$</c> (the last event).</para>
/// <para>Counting: the match that ends first is counted, then the search restarts after it, and so on — the most
/// non-overlapping matches there are. The first match is the one that ends first; of those, the shortest.</para>
/// <threadsafety>Immutable and thread-safe; <see cref="PatternState"/> is not.</threadsafety>
/// </remarks>
public sealed partial class CompiledPattern
{
    private readonly PatternAutomaton _nfa;
    private readonly BoundConditions _streaming;
    private readonly long _withinTicks;
    private readonly ulong _initialAtoms; // atoms that can start a match: an idle automaton skips every other event
    private readonly bool _small;         // at most 64 states: the active set is a bit mask (StepSmall)
    private readonly ulong _finalMask;
    private readonly ulong _initialMask;
    private readonly TimedEngine? _timed; // patterns with ~~ gaps, groups with within, or hidden events (ClickHouse)
    private readonly SkipShape? _skipShape; // null: no skip (more than 64 states, or hidden events)
    private readonly ulong[] _statesOfAtom = []; // per atom, the states that match it (at most 64 states)
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<EventBatch, SkipPlan> _plans = new();

    [ThreadStatic]
    private static long[]? _batchCur;

    [ThreadStatic]
    private static long[]? _batchNext;

    [ThreadStatic]
    private static long[]? _scratchStart;

    [ThreadStatic]
    private static long[]? _scratchTimed;

    [ThreadStatic]
    private static int[]? _scratchIndex;

    private CompiledPattern(string text, PatternTree tree, PatternAutomaton nfa, PatternOptions options, ulong visible = 0)
    {
        Text = text;
        _tree = tree;
        _visibleMask = visible;
        if (nfa.Registers.Length > 0 || visible != 0 || tree.Absence is not null)
        {
            _timed = new TimedEngine(nfa, tree, visible, options.MaxPartialMatches, text);
        }

        _nfa = nfa;
        _variable = tree.Variable is { } variable ? new PatternVariable(variable, nfa.Atoms, options.MaxBoundValues, text) : null;
        AnchoredStart = tree.AnchorStart;
        AnchoredEnd = tree.AnchorEnd;
        Within = tree.Within;
        _withinTicks = tree.Within?.Ticks ?? long.MaxValue;
        foreach (int q in _nfa.Initial)
        {
            _initialAtoms |= 1UL << _nfa.AtomOf[q];
        }

        _small = _nfa.StateCount <= 64;
        if (_small)
        {
            foreach (int q in _nfa.Initial)
            {
                _initialMask |= 1UL << q;
            }

            for (int q = 0; q < _nfa.StateCount; q++)
            {
                _finalMask |= _nfa.IsFinal[q] ? 1UL << q : 0;
            }
        }
        if (_small && visible == 0)
        {
            // Hidden events (ClickHouse mode) keep the previous event's time, so they are never passed by the skip.
            ulong absence = tree.Absence is { } a ? 1UL << Array.IndexOf(nfa.Atoms, a.Condition) : 0;
            _skipShape = new SkipShape(nfa, nfa.Registers.Length > 0 ? nfa.FollowRule : nfa.Follow, _initialAtoms, tree.AnchorStart, absence);
            _statesOfAtom = new ulong[nfa.Atoms.Length];
            for (int q = 0; q < nfa.StateCount; q++)
            {
                _statesOfAtom[nfa.AtomOf[q]] |= 1UL << q;
            }
        }

        Touchpoints = new SymbolTable();
        Channels = new SymbolTable();
        foreach (EventCondition atom in nfa.Atoms)
        {
            foreach (string t in atom.TouchpointSet)
            {
                Touchpoints.GetOrAdd(t);
            }

            foreach (Model.Channel c in atom.ChannelSet)
            {
                Channels.GetOrAdd(c.Name);
            }
        }

        Touchpoints.MakeReadOnly();
        Channels.MakeReadOnly();
        _streaming = BoundConditions.Bind(nfa.Atoms, Touchpoints, Channels);
    }

    /// <summary>Gets the pattern text.</summary>
    public string Text { get; }

    /// <summary>Gets the number of automaton states (at most <see cref="PatternOptions.MaxStates"/>).</summary>
    public int StateCount => _nfa.StateCount;

    /// <summary>Gets the number of automaton edges (at most <see cref="PatternOptions.MaxEdges"/>): with
    /// <see cref="StateCount"/>, a bound on the work done per event.</summary>
    public int EdgeCount => (int)_nfa.EdgeCount;

    /// <summary>Gets the distinct event conditions (atoms) of the pattern.</summary>
    public ImmutableArray<EventCondition> Atoms => [.. _nfa.Atoms];

    /// <summary>Gets a value indicating whether matches must start at the customer's first event (<c>^</c>).</summary>
    public bool AnchoredStart { get; }

    /// <summary>Gets a value indicating whether matches must end at the customer's last event (<c>$</c>).</summary>
    public bool AnchoredEnd { get; }

    /// <summary>Gets the <c>within</c> window on a whole match, or null.</summary>
    public TimeSpan? Within { get; }

    /// <summary>Gets the touchpoints the pattern names, interned (read-only); streaming ids refer to this table.</summary>
    internal SymbolTable Touchpoints { get; }

    /// <summary>Gets the channels the pattern names, interned (read-only).</summary>
    internal SymbolTable Channels { get; }

    /// <summary>Compiles a pattern.</summary>
    /// <param name="pattern">The pattern text.</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <returns>The compiled pattern.</returns>
    /// <exception cref="PatternSyntaxException">The pattern is invalid or too large; the message points at the column.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit in <paramref name="options"/> is below 1 (<see cref="PatternOptions.MaxEdges"/>: below 0).</exception>
    public static CompiledPattern Compile(string pattern, PatternOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        options ??= new PatternOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLength, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxStates, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEdges, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPartialMatches, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBoundValues, 1, nameof(options));
        return FromParsed(ParsedPattern.Parse(pattern, options));
    }

    /// <summary>Compiles a pattern already parsed and checked (by journey validation), without parsing it again.</summary>
    /// <param name="parsed">The parsed pattern.</param>
    /// <returns>The compiled pattern.</returns>
    internal static CompiledPattern FromParsed(ParsedPattern parsed) =>
        new(parsed.Text, parsed.Tree, PatternAutomaton.Build(parsed, parsed.Tree.Absence is { } a ? [a.Condition] : null), parsed.Options);

    /// <summary>Compiles a pattern that sees only the events satisfying at least one of <paramref name="visible"/> (ClickHouse mode).</summary>
    internal static CompiledPattern CompileVisible(string pattern, IReadOnlyList<EventCondition> visible, PatternOptions options)
    {
        ParsedPattern parsed = ParsedPattern.Parse(pattern, options);
        PatternTree tree = parsed.Tree;
        PatternAutomaton nfa = PatternAutomaton.Build(parsed, visible);
        ulong mask = 0;
        foreach (EventCondition c in visible)
        {
            mask |= 1UL << Array.IndexOf(nfa.Atoms, c);
        }

        return new CompiledPattern(pattern, tree, nfa, options, mask);
    }

    /// <summary>Gets whether the pattern runs on the timed matcher (<c>~~</c> gaps, groups with <c>within</c>, ClickHouse mode).</summary>
    internal bool IsTimed => _timed is not null;

    /// <summary>Evaluates every customer of a batch.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="maxDegreeOfParallelism">Cores to use; results do not depend on it.</param>
    /// <returns>One answer per customer run.</returns>
    public PatternMatch[] Evaluate(EventBatch batch, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        var results = new PatternMatch[batch.CustomerCount];
        SkipPlan plan = PlanFor(batch);
        CustomerRanges.Run(batch.CustomerCount, maxDegreeOfParallelism, (from, to) => EvaluateRuns(batch, plan, from, to, results, long.MinValue, skip: true));
        return results;
    }

    /// <summary>Evaluates every customer of a batch into a caller-owned span, on the calling thread. Once the pattern
    /// has seen the batch (the atoms are bound once per batch and kept while it lives), nothing is allocated (a pattern with a variable, <c>{order_id=$o}</c>, too: its copies are kept between calls).</summary>
    /// <param name="batch">The events.</param>
    /// <param name="results">Receives one answer per customer run; at least <see cref="EventBatch.CustomerCount"/> long.</param>
    public void EvaluateInto(EventBatch batch, Span<PatternMatch> results)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(results.Length, batch.CustomerCount, nameof(results));
        EvaluateRuns(batch, PlanFor(batch), 0, batch.CustomerCount, results, long.MinValue, skip: true);
    }

    /// <summary>Evaluates every customer of a batch as of an instant: a match of a pattern ending in an absence
    /// <c>!(X within D)</c> whose deadline is at or before <paramref name="asOf"/> counts even when no later event came.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="maxDegreeOfParallelism">Cores to use; results do not depend on it.</param>
    /// <returns>One answer per customer run.</returns>
    public PatternMatch[] EvaluateAsOf(EventBatch batch, DateTimeOffset asOf, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        var results = new PatternMatch[batch.CustomerCount];
        SkipPlan plan = PlanFor(batch);
        long asOfTicks = AsOfTicks(asOf);
        CustomerRanges.Run(batch.CustomerCount, maxDegreeOfParallelism, (from, to) => EvaluateRuns(batch, plan, from, to, results, asOfTicks, skip: true));
        return results;
    }

    /// <summary>Evaluates every customer of a batch as of an instant into a caller-owned span, on the calling thread
    /// (see <see cref="EvaluateAsOf(EventBatch, DateTimeOffset, int)"/>); allocates nothing once the pattern has seen the batch (a pattern with a variable too).</summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="results">Receives one answer per customer run; at least <see cref="EventBatch.CustomerCount"/> long.</param>
    public void EvaluateAsOfInto(EventBatch batch, DateTimeOffset asOf, Span<PatternMatch> results)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(results.Length, batch.CustomerCount, nameof(results));
        EvaluateRuns(batch, PlanFor(batch), 0, batch.CustomerCount, results, AsOfTicks(asOf), skip: true);
    }

    /// <summary>Evaluates with or without passing inert events (tests: both must give the same answers).</summary>
    internal PatternMatch[] Evaluate(EventBatch batch, DateTimeOffset? asOf, bool skip)
    {
        var results = new PatternMatch[batch.CustomerCount];
        EvaluateRuns(batch, PlanFor(batch), 0, batch.CustomerCount, results, asOf is { } a ? AsOfTicks(a) : long.MinValue, skip);
        return results;
    }

    private long AsOfTicks(DateTimeOffset asOf) => _timed is not null && _timed.HasAbsence ? asOf.UtcTicks : long.MinValue;

    /// <summary>The atoms bound to <paramref name="batch"/> and its skip searches, built on first use and kept while the batch lives.</summary>
    private SkipPlan PlanFor(EventBatch batch) => _plans.TryGetValue(batch, out SkipPlan? plan) ? plan : AddPlan(batch);

    private SkipPlan AddPlan(EventBatch batch)
    {
        // Apart from PlanFor: the lambda's closure would otherwise be allocated on every call, found or not.
        var plan = new SkipPlan(BoundConditions.Bind(_nfa.Atoms, batch, variablesChecked: true), _skipShape, VariableColumns(batch));
        return _plans.GetValue(batch, _ => plan);
    }

    private void EvaluateRuns(EventBatch batch, SkipPlan plan, int fromRun, int toRun, Span<PatternMatch> results, long asOf, bool skip)
    {
        if (_variable is not null)
        {
            EvaluateBoundRuns(batch, plan, fromRun, toRun, results, asOf, skip);
        }
        else if (_timed is not null)
        {
            EvaluateTimedRuns(batch, plan, fromRun, toRun, results, asOf, skip);
        }
        else
        {
            EvaluatePlainRuns(batch, plan, fromRun, toRun, results, skip);
        }
    }

    /// <summary>Gets the answer as of an instant: a pending absence whose deadline is at or before it completes.</summary>
    /// <param name="state">The state.</param>
    /// <param name="asOf">The instant (e.g. the <see cref="TimeProvider"/>'s now).</param>
    /// <returns>The answer.</returns>
    public PatternMatch GetResult(PatternState state, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Bound is not null)
        {
            return FinishBound(state, asOf.UtcTicks);
        }

        return _timed is null ? Finish(state.Start, state.StartIndex, state.Core) : FinishTimed(state.Cands!, state.CandCount, state.Core, asOf.UtcTicks);
    }

    /// <summary>Gets when a pending match of a pattern ending in an absence completes if no event satisfying it comes
    /// first (schedule a timer for it, then call <see cref="GetResult(PatternState, DateTimeOffset)"/>), or null.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The deadline, or null when nothing waits.</returns>
    public DateTimeOffset? NextDeadline(PatternState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Bound is not null)
        {
            return NextDeadlineBound(state);
        }

        return state.Core.Waiting && state.Core.WaitDeadline != long.MaxValue ? new DateTimeOffset(Math.Min(state.Core.WaitDeadline, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero) : null;
    }

    /// <summary>Gets whether a state can wait for a deadline (an absence, or copies per bound value): only then does
    /// <see cref="NextDeadline"/> need asking.</summary>
    internal bool MayWait => _timed is not null || _variable is not null;

    /// <summary><see cref="GetResult(PatternState)"/>'s count, without building the answer when it is the state's counter.</summary>
    internal int MatchCount(PatternState state) => state.Bound is null && !AnchoredEnd ? state.Core.Count : GetResult(state).Count;

    /// <summary>Creates an empty streaming state for one customer.</summary>
    /// <returns>The state.</returns>
    public PatternState CreateState() => _variable is not null ? CreateBoundState() : _timed is null ? new(_nfa.StateCount) : new(_nfa.StateCount, _timed.Stride);

    /// <summary>Advances a customer's state by one event; give events in timestamp order.</summary>
    /// <param name="state">The state.</param>
    /// <param name="journeyEvent">The event.</param>
    /// <exception cref="ArgumentException">The event is older than the previous one, or the state is for another pattern.</exception>
    public void Advance(PatternState state, JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(journeyEvent);
        if (state.StateCount != _nfa.StateCount || (state.Bound is null) != (_variable is null))
        {
            throw new ArgumentException("The state was created by another pattern.", nameof(state));
        }

        if (state.Index > 0 && journeyEvent.TimestampTicks < state.PrevTicks)
        {
            throw new ArgumentException("Events must be advanced in timestamp order; reorder late events first.", nameof(journeyEvent));
        }

        Touchpoints.TryGetId(journeyEvent.Touchpoint, out int touchpoint);
        int channel = -1;
        if (!journeyEvent.Channel.IsNone)
        {
            Channels.TryGetId(journeyEvent.Channel.Name, out channel);
        }

        ulong mask = _streaming.Match(touchpoint, channel, journeyEvent.Value ?? double.NaN, journeyEvent.Attributes);
        if (state.Bound is not null)
        {
            AdvanceBound(state, mask, journeyEvent.Attributes, journeyEvent.TimestampTicks);
            return;
        }

        Advance(state, mask, journeyEvent.TimestampTicks);
    }

    /// <summary>Binds the atoms to a batch, for <see cref="Advance(PatternState, ulong, long)"/> over its rows.</summary>
    internal BoundPattern Bind(EventBatch batch) => new(BoundConditions.Bind(_nfa.Atoms, batch, variablesChecked: true), VariableColumns(batch));

    /// <summary>Advances by one event given as the mask of atoms it satisfies (no allocation).</summary>
    internal void Advance(PatternState state, ulong mask, long ticks)
    {
        if (_timed is not null)
        {
            long[] scratch = _scratchTimed ??= new long[_timed.Stride * 16];
            long[] cur = state.Cands!;
            _timed.Step(ref cur, ref state.CandCount, ref scratch, ref state.Core, mask, ticks);
            // The step swaps buffers: the state takes the new one and the thread keeps the old one as scratch.
            state.Cands = cur;
            _scratchTimed = scratch;
            return;
        }

        if (!state.Core.Active && (mask & _initialAtoms) == 0)
        {
            state.Core.PrevTicks = ticks;
            state.Core.Index++;
            return;
        }

        // The state keeps only the current step; the next one is computed in per-thread scratch and copied back, so a
        // state costs two small arrays (customers × moments of truth of them are kept in memory).
        int n = state.Start.Length;
        if (_scratchStart is null || _scratchStart.Length < n)
        {
            _scratchStart = new long[Math.Max(n, 16)];
            _scratchIndex = new int[Math.Max(n, 16)];
        }

        Span<long> next = _scratchStart.AsSpan(0, n);
        Span<int> nextIndex = _scratchIndex.AsSpan(0, n);
        if (_small)
        {
            next.Fill(Inactive);
            StepSmall(state.Start, state.StartIndex, next, nextIndex, ref state.Core, mask, ticks);
        }
        else
        {
            Step(state.Start, state.StartIndex, next, nextIndex, ref state.Core, mask, ticks);
        }

        next.CopyTo(state.Start);
        nextIndex.CopyTo(state.StartIndex);
    }

    /// <summary>Gets the answer for the events advanced so far (with <c>$</c>, the latest event counts as the last).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The answer.</returns>
    public PatternMatch GetResult(PatternState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Bound is not null)
        {
            return FinishBound(state, long.MinValue);
        }

        return _timed is null ? Finish(state.Start, state.StartIndex, state.Core) : FinishTimed(state.Cands!, state.CandCount, state.Core, long.MinValue);
    }

    private void EvaluateTimedRuns(EventBatch batch, SkipPlan plan, int fromRun, int toRun, Span<PatternMatch> results, long asOf, bool skip)
    {
        TimedEngine engine = _timed!;
        BoundConditions bound = plan.Bound;
        int stride = engine.Stride;
        long[] cur = _batchCur is { } c && c.Length >= stride * 16 ? c : new long[stride * 16];
        long[] next = _batchNext is { } x && x.Length >= stride * 16 ? x : new long[stride * 16];
        _batchCur = null; // taken: a nested or parallel call on this thread makes its own
        _batchNext = null;
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        skip &= _skipShape is not null;
        bool loops = skip && plan.HasLoops && !(AnchoredEnd && engine.HasWithin); // see EvaluatePlainRuns
        var cursor = new SkipCursor(plan, loops);
        for (int run = fromRun; run < toRun; run++)
        {
            int count = 0;
            var core = default(MatchCore);
            int end = starts[run + 1];
            for (int i = starts[run]; i < end; i++)
            {
                if (skip)
                {
                    ulong states = count == 0 ? 0 : loops ? StatesOf(cur, count, stride) : ulong.MaxValue;
                    int j = cursor.Next(states, core.Waiting, core.WaitDeadline, AnchoredStart && core.Index > 0, ids, ticks, i, end);
                    if (j > i)
                    {
                        core.Index += j - i;
                        core.PrevTicks = ticks[j - 1];
                        i = j;
                        if (i == end)
                        {
                            break;
                        }
                    }
                }

                engine.Step(ref cur, ref count, ref next, ref core, bound.Match(batch, i), ticks[i]);
            }

            results[run] = FinishTimed(cur, count, core, asOf);
        }

        _batchCur = cur;
        _batchNext = next;
    }

    /// <summary>The automaton states of <paramref name="count"/> timed partial matches, as a mask.</summary>
    private static ulong StatesOf(long[] cands, int count, int stride)
    {
        ulong states = 0;
        for (int k = 0; k < count; k++)
        {
            states |= 1UL << (int)cands[k * stride];
        }

        return states;
    }

    /// <summary>The first index in [from, to) whose time is after <paramref name="deadline"/>, or <paramref name="to"/> (times ascend).</summary>
    internal static int FirstAfter(ReadOnlySpan<long> ticks, int from, int to, long deadline)
    {
        int lo = from, hi = to;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (ticks[mid] > deadline)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private PatternMatch FinishTimed(long[] cands, int count, MatchCore core, long asOf)
    {
        if (core.Waiting && core.WaitDeadline <= asOf)
        {
            core.RecordMatchAt(core.WaitStartIndex, core.WaitStart, core.Index - 1, core.WaitDeadline); // a copy: the state does not change
        }

        if (!AnchoredEnd)
        {
            return core.Count == 0 ? PatternMatch.None : new PatternMatch(true, core.Count, core.FirstStart, core.FirstEnd, core.FirstStartTicks, core.FirstEndTicks);
        }

        int best = _timed!.BestFinal(cands, count);
        int off = best * _timed.Stride;
        return best < 0 ? PatternMatch.None : new PatternMatch(true, 1, (int)cands[off + 2], core.Index - 1, cands[off + 1], core.PrevTicks);
    }

    /// <summary>
    /// The plain matcher on active-state masks alone (at most 64 states, no adjacent gaps): per event, the next states are
    /// the successors of the active ones that accept it — no start per state. Starts are needed only for the first
    /// match (its first event) and for <c>within</c>, so the exact matcher (<see cref="StepSmall"/>) re-runs from the
    /// event that last made the automaton active (where its state was empty, so the re-run is exact) when the first
    /// match ends, when the time since that event passes the window (before that nothing can fall out of it: every
    /// start is at or after it), or, with <c>$</c>, when a final state is active at the end; it then runs exactly until
    /// the automaton is idle again. Each event is stepped at most twice, so time stays linear. Same answers as the
    /// exact matcher (PatternSkipTests).
    /// </summary>
    private void EvaluateMaskRuns(EventBatch batch, SkipPlan plan, int fromRun, int toRun, Span<PatternMatch> results)
    {
        int n = _nfa.StateCount;
        Span<long> start = stackalloc long[n];
        Span<int> startIndex = stackalloc int[n];
        Span<long> next = stackalloc long[n];
        Span<int> nextIndex = stackalloc int[n];
        start.Fill(Inactive);
        next.Fill(Inactive);
        BoundConditions bound = plan.Bound;
        ulong[]? accept = plan.StateAccept;
        ulong[] successors = _skipShape!.SuccessorMasks;
        ulong[] statesOfAtom = _statesOfAtom;
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        bool loops = plan.HasLoops;
        ulong loopStates = plan.LoopStates;
        ulong lastStates = 0;
        IdSkip lastSkip = IdSkip.Never;
        long within = _withinTicks;
        ulong initial = _initialMask, final = _finalMask;
        for (int run = fromRun; run < toRun; run++)
        {
            var core = default(MatchCore);
            int first = starts[run], end = starts[run + 1];
            ulong states = 0;
            int act = first;
            long actTicks = 0;
            int i = first;
            while (i < end)
            {
                if (states == 0)
                {
                    IdSkip idle = AnchoredStart && i > first ? IdSkip.All : plan.Idle;
                    if (!idle.Moves(ids[i]))
                    {
                        i += 1 + idle.Next(ids[(i + 1)..end]);
                        if (i >= end)
                        {
                            break;
                        }
                    }
                }
                else if (loops && (states & ~loopStates) == 0)
                {
                    if (states != lastStates)
                    {
                        lastSkip = plan.ForActive(states, waiting: false);
                        lastStates = states;
                    }

                    if (!lastSkip.Moves(ids[i]))
                    {
                        i += 1 + lastSkip.Next(ids[(i + 1)..end]);
                        if (i >= end)
                        {
                            break;
                        }
                    }
                }

                ulong acc = 0;
                if (accept is not null)
                {
                    acc = accept[ids[i]];
                }
                else
                {
                    for (ulong m = bound.Match(batch, i); m != 0; m &= m - 1)
                    {
                        acc |= statesOfAtom[System.Numerics.BitOperations.TrailingZeroCount(m)];
                    }
                }

                ulong nextStates = AnchoredStart && i > first ? 0 : acc & initial;
                if (states == 0)
                {
                    if (nextStates == 0)
                    {
                        i++;
                        continue;
                    }

                    act = i;
                    actTicks = ticks[i];
                }
                else
                {
                    ulong reach = 0;
                    for (ulong m = states; m != 0; m &= m - 1)
                    {
                        reach |= successors[System.Numerics.BitOperations.TrailingZeroCount(m)];
                    }

                    nextStates |= reach & acc;
                }

                states = nextStates;
                bool exact = false;
                if (states != 0 && within != long.MaxValue && ticks[i] - actTicks > within)
                {
                    exact = true; // a start may fall out of the window: only the exact matcher knows which
                }
                else if ((states & final) != 0 && !AnchoredEnd)
                {
                    if (core.Count == 0)
                    {
                        exact = true; // the first match: its start is needed
                    }
                    else
                    {
                        core.Count++; // a later match: counted, and the search restarts after it
                        states = 0;
                    }
                }

                if (exact)
                {
                    i = RunExact(batch, bound, first, act, i, end, ref start, ref startIndex, ref next, ref nextIndex, ref core);
                    states = 0;
                    continue;
                }

                i++;
            }

            if (AnchoredEnd && (states & final) != 0)
            {
                RunExact(batch, bound, first, act, end, end, ref start, ref startIndex, ref next, ref nextIndex, ref core);
            }

            core.Index = end - first;
            core.PrevTicks = end > first ? ticks[end - 1] : 0;
            results[run] = Finish(start, startIndex, core);
            start.Fill(Inactive);
        }
    }

    /// <summary>Steps events exactly from <paramref name="from"/>, where the automaton is empty, through at least
    /// <paramref name="catchUp"/> and then until it is empty again (or the customer ends); returns the next event to read.</summary>
    private int RunExact(EventBatch batch, BoundConditions bound, int first, int from, int catchUp, int end, ref Span<long> start, ref Span<int> startIndex, ref Span<long> next, ref Span<int> nextIndex, ref MatchCore core)
    {
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        core.Active = false;
        core.ActiveMask = 0;
        core.Index = from - first;
        core.PrevTicks = from > first ? ticks[from - 1] : 0;
        for (int j = from; j < end; j++)
        {
            ulong mask = bound.Match(batch, j);
            if (!core.Active && (mask & _initialAtoms) == 0)
            {
                if (j > catchUp)
                {
                    return j;
                }

                core.PrevTicks = ticks[j];
                core.Index++;
                continue;
            }

            StepSmall(start, startIndex, next, nextIndex, ref core, mask, ticks[j]);
            Span<long> swap = start;
            start = next;
            next = swap;
            Span<int> swapIndex = startIndex;
            startIndex = nextIndex;
            nextIndex = swapIndex;
            if (j >= catchUp && !core.Active)
            {
                return j + 1;
            }
        }

        return end;
    }

    private void EvaluatePlainRuns(EventBatch batch, SkipPlan plan, int fromRun, int toRun, Span<PatternMatch> results, bool skip)
    {
        if (skip && _skipShape is not null && _nfa.Gaps.Length == 0)
        {
            EvaluateMaskRuns(batch, plan, fromRun, toRun, results);
            return;
        }

        int n = _nfa.StateCount;
        Span<long> start = n <= 64 ? stackalloc long[n] : new long[n];
        Span<int> startIndex = n <= 64 ? stackalloc int[n] : new int[n];
        Span<long> next = n <= 64 ? stackalloc long[n] : new long[n];
        Span<int> nextIndex = n <= 64 ? stackalloc int[n] : new int[n];
        next.Fill(Inactive); // StepSmall expects the next buffer all inactive and leaves the other one so
        BoundConditions bound = plan.Bound;
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        skip &= _skipShape is not null;
        // With '$' and 'within' the answer is read from the states after the last event, so every event must drop
        // what fell out of the window: active states never pass events then (idle ones still do).
        bool loops = skip && plan.HasLoops && !(AnchoredEnd && _withinTicks != long.MaxValue);
        ulong loopStates = plan.LoopStates;
        ulong lastStates = 0;
        IdSkip lastSkip = IdSkip.Never;
        for (int run = fromRun; run < toRun; run++)
        {
            start.Fill(Inactive);
            var core = default(MatchCore);
            int end = starts[run + 1];
            for (int i = starts[run]; i < end; i++)
            {
                if (skip)
                {
                    IdSkip? pass = null;
                    if (!core.Active)
                    {
                        pass = AnchoredStart && core.Index > 0 ? IdSkip.All : plan.Idle;
                    }
                    else if (loops && (core.ActiveMask & ~loopStates) == 0)
                    {
                        if (core.ActiveMask != lastStates)
                        {
                            lastSkip = plan.ForActive(core.ActiveMask, waiting: false);
                            lastStates = core.ActiveMask;
                        }

                        pass = lastSkip;
                    }

                    if (pass is not null && !pass.Moves(ids[i]))
                    {
                        // A run of events that cannot change the state: only the counter and the previous time move.
                        int j = i + 1 + pass.Next(ids[(i + 1)..end]);
                        core.Index += j - i;
                        core.PrevTicks = ticks[j - 1];
                        i = j;
                        if (i == end)
                        {
                            break;
                        }
                    }
                }

                ulong mask = bound.Match(batch, i);
                if (!core.Active && (mask & _initialAtoms) == 0)
                {
                    // Idle and this event cannot start a match: nothing to step (start stays all inactive).
                    core.PrevTicks = ticks[i];
                    core.Index++;
                    continue;
                }

                if (_small)
                {
                    StepSmall(start, startIndex, next, nextIndex, ref core, mask, ticks[i]); // leaves start all inactive
                }
                else
                {
                    Step(start, startIndex, next, nextIndex, ref core, mask, ticks[i]);
                }

                Span<long> swap = start;
                start = next;
                next = swap;
                Span<int> swapIndex = startIndex;
                startIndex = nextIndex;
                nextIndex = swapIndex;
            }

            results[run] = Finish(start, startIndex, core);
        }
    }

    internal const long Inactive = long.MinValue;

    /// <summary>
    /// <see cref="Step"/> for automata of at most 64 states: visits only the active states (a bit mask in
    /// <see cref="MatchCore.ActiveMask"/>) instead of every state. Expects <paramref name="next"/> all inactive and leaves
    /// <paramref name="start"/> all inactive (so the two buffers can be swapped without clearing). Same answers as Step.
    /// </summary>
    private void StepSmall(Span<long> start, Span<int> startIndex, Span<long> next, Span<int> nextIndex, ref MatchCore core, ulong mask, long t)
    {
        int[] atomOf = _nfa.AtomOf;
        (int To, int Gap)[][] follow = _nfa.Follow;
        GapBounds[] gaps = _nfa.Gaps;
        long sincePrev = t - core.PrevTicks;
        ulong active = core.ActiveMask;
        ulong nextMask = 0;
        for (ulong m = active; m != 0; m &= m - 1)
        {
            int p = System.Numerics.BitOperations.TrailingZeroCount(m);
            long s = start[p];
            int si = startIndex[p];
            start[p] = Inactive;
            foreach ((int q, int gap) in follow[p])
            {
                if ((mask >> atomOf[q] & 1) == 0 || (gap >= 0 && (sincePrev < gaps[gap].MinTicks || sincePrev > gaps[gap].MaxTicks)))
                {
                    continue;
                }

                ulong bit = 1UL << q;
                if ((nextMask & bit) == 0 || s > next[q] || (s == next[q] && si > nextIndex[q]))
                {
                    next[q] = s;
                    nextIndex[q] = si;
                    nextMask |= bit;
                }
            }
        }

        if (!AnchoredStart || core.Index == 0)
        {
            for (ulong m = _initialMask; m != 0; m &= m - 1)
            {
                int q = System.Numerics.BitOperations.TrailingZeroCount(m);
                ulong bit = 1UL << q;
                if ((mask >> atomOf[q] & 1) != 0 && ((nextMask & bit) == 0 || t > next[q] || (t == next[q] && core.Index > nextIndex[q])))
                {
                    next[q] = t;
                    nextIndex[q] = core.Index;
                    nextMask |= bit;
                }
            }
        }

        if (_withinTicks != long.MaxValue)
        {
            for (ulong m = nextMask; m != 0; m &= m - 1)
            {
                int q = System.Numerics.BitOperations.TrailingZeroCount(m);
                if (t - next[q] > _withinTicks)
                {
                    next[q] = Inactive;
                    nextMask &= ~(1UL << q);
                }
            }
        }

        if (!AnchoredEnd && (nextMask & _finalMask) != 0)
        {
            // A match ends here: count it, remember the first, and restart after it (non-overlapping).
            int best = -1;
            for (ulong m = nextMask & _finalMask; m != 0; m &= m - 1)
            {
                int q = System.Numerics.BitOperations.TrailingZeroCount(m);
                if (best < 0 || next[q] > next[best] || (next[q] == next[best] && nextIndex[q] > nextIndex[best]))
                {
                    best = q;
                }
            }

            core.RecordMatch(nextIndex[best], next[best], t);
            for (ulong m = nextMask; m != 0; m &= m - 1)
            {
                next[System.Numerics.BitOperations.TrailingZeroCount(m)] = Inactive;
            }

            nextMask = 0;
        }

        core.ActiveMask = nextMask;
        core.Active = nextMask != 0;
        core.PrevTicks = t;
        core.Index++;
    }

    /// <summary>Advances the automaton by one event: the heart of the matcher, O(states + edges) per event, no allocation.</summary>
    private void Step(ReadOnlySpan<long> start, ReadOnlySpan<int> startIndex, Span<long> next, Span<int> nextIndex, ref MatchCore core, ulong mask, long t)
    {
        int[] atomOf = _nfa.AtomOf;
        (int To, int Gap)[][] follow = _nfa.Follow;
        GapBounds[] gaps = _nfa.Gaps;
        int n = atomOf.Length;
        next.Fill(Inactive);
        long sincePrev = t - core.PrevTicks;
        bool any = false;
        for (int p = 0; p < n; p++)
        {
            long s = start[p];
            if (s == Inactive)
            {
                continue;
            }

            foreach ((int q, int gap) in follow[p])
            {
                if ((mask >> atomOf[q] & 1) == 0)
                {
                    continue;
                }

                if (gap >= 0 && (sincePrev < gaps[gap].MinTicks || sincePrev > gaps[gap].MaxTicks))
                {
                    continue;
                }

                if (s > next[q] || (s == next[q] && startIndex[p] > nextIndex[q]))
                {
                    next[q] = s;
                    nextIndex[q] = startIndex[p];
                    any = true;
                }
            }
        }

        if (!AnchoredStart || core.Index == 0)
        {
            foreach (int q in _nfa.Initial)
            {
                if ((mask >> atomOf[q] & 1) != 0 && (t > next[q] || (t == next[q] && core.Index > nextIndex[q])))
                {
                    next[q] = t;
                    nextIndex[q] = core.Index;
                    any = true;
                }
            }
        }

        if (any && _withinTicks != long.MaxValue)
        {
            for (int q = 0; q < n; q++)
            {
                if (next[q] != Inactive && t - next[q] > _withinTicks)
                {
                    next[q] = Inactive;
                }
            }
        }

        if (any && !AnchoredEnd)
        {
            // A match ends here: count it, remember the first, and restart after it (non-overlapping).
            int best = -1;
            for (int q = 0; q < n; q++)
            {
                if (_nfa.IsFinal[q] && next[q] != Inactive && (best < 0 || next[q] > next[best] || (next[q] == next[best] && nextIndex[q] > nextIndex[best])))
                {
                    best = q;
                }
            }

            if (best >= 0)
            {
                core.RecordMatch(nextIndex[best], next[best], t);
                next.Fill(Inactive);
                any = false;
            }
        }

        core.Active = any;
        core.PrevTicks = t;
        core.Index++;
    }

    private PatternMatch Finish(ReadOnlySpan<long> start, ReadOnlySpan<int> startIndex, MatchCore core)
    {
        if (!AnchoredEnd)
        {
            return core.Count == 0 ? PatternMatch.None : new PatternMatch(true, core.Count, core.FirstStart, core.FirstEnd, core.FirstStartTicks, core.FirstEndTicks);
        }

        int best = -1;
        for (int q = 0; q < start.Length; q++)
        {
            if (_nfa.IsFinal[q] && start[q] != Inactive && (best < 0 || start[q] > start[best] || (start[q] == start[best] && startIndex[q] > startIndex[best])))
            {
                best = q;
            }
        }

        return best < 0 ? PatternMatch.None : new PatternMatch(true, 1, startIndex[best], core.Index - 1, start[best], core.PrevTicks);
    }
}

/// <summary>The scalar part of a matcher state.</summary>
internal struct MatchCore
{
    /// <summary>Whether some automaton state may be active; false guarantees all are inactive. Derived, not serialized.</summary>
    public bool Active;

    /// <summary>The active states when the automaton has at most 64 (StepSmall); derived, not serialized.</summary>
    public ulong ActiveMask;
    public int Index;
    public long PrevTicks;
    public int Count;
    public int FirstStart;
    public int FirstEnd;
    public long FirstStartTicks;
    public long FirstEndTicks;

    /// <summary>Whether a match of a pattern ending in an absence waits for its deadline (timed matcher only).</summary>
    public bool Waiting;
    public long WaitDeadline;
    public long WaitStart;
    public int WaitStartIndex;

    /// <summary>Counts a match that ends at event <paramref name="endIndex"/> / instant <paramref name="endTicks"/>.</summary>
    public void RecordMatchAt(int startIndex, long startTicks, int endIndex, long endTicks)
    {
        if (Count == 0)
        {
            FirstStart = startIndex;
            FirstEnd = endIndex;
            FirstStartTicks = startTicks;
            FirstEndTicks = endTicks;
        }

        Count++;
    }

    /// <summary>Counts a match that started at event <paramref name="startIndex"/> and ends at the current event, remembering the first.</summary>
    public void RecordMatch(int startIndex, long startTicks, long endTicks)
    {
        if (Count == 0)
        {
            FirstStart = startIndex;
            FirstEnd = Index;
            FirstStartTicks = startTicks;
            FirstEndTicks = endTicks;
        }

        Count++;
    }
}

/// <summary>
/// The timed and variable batch matchers' use of a <see cref="SkipPlan"/>: from the active states (0: idle) and a
/// waiting match's deadline, the next event that may change the state; the search for the last set of active states is
/// kept, since it rarely changes from one stepped event to the next.
/// </summary>
internal struct SkipCursor
{
    private readonly SkipPlan _plan;
    private readonly bool _loops;
    private ulong _lastStates;
    private bool _lastWaiting;
    private IdSkip _lastSkip;

    /// <summary>Initializes a cursor; <paramref name="loops"/>: whether active states may pass events at all.</summary>
    public SkipCursor(SkipPlan plan, bool loops)
    {
        _plan = plan;
        _loops = loops;
        _lastStates = ulong.MaxValue;
        _lastSkip = IdSkip.Never;
    }

    /// <summary>The first event in [<paramref name="i"/>, <paramref name="end"/>) that may change the state: an event
    /// the search for <paramref name="states"/> stops at, or the first one after a waiting match's deadline.</summary>
    public int Next(ulong states, bool waiting, long deadline, bool pastAnchoredStart, ReadOnlySpan<int> ids, ReadOnlySpan<long> ticks, int i, int end)
    {
        IdSkip? pass = null;
        if (states == 0)
        {
            pass = waiting ? _plan.IdleWaiting : pastAnchoredStart ? IdSkip.All : _plan.Idle;
        }
        else if (_loops && (states & ~_plan.LoopStates) == 0)
        {
            if (states != _lastStates || waiting != _lastWaiting)
            {
                _lastSkip = _plan.ForActive(states, waiting);
                _lastStates = states;
                _lastWaiting = waiting;
            }

            pass = _lastSkip;
        }

        if (pass is null || pass.Moves(ids[i]))
        {
            return i;
        }

        int j = i + 1 + pass.Next(ids[(i + 1)..end]);
        return waiting ? CompiledPattern.FirstAfter(ticks, i, j, deadline) : j; // the deadline passing moves the state too
    }
}
