using System.Buffers.Binary;
using System.Collections.Immutable;
using JourneyKit.Events;
using JourneyKit.Matching.Internal;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>One customer's answer to a pattern.</summary>
/// <param name="Matched">Whether any part of the customer's events matches.</param>
/// <param name="Count">The number of non-overlapping matches (greedy by earliest end).</param>
/// <param name="FirstStart">The index of the first match's first event among the customer's events, or -1.</param>
/// <param name="FirstEnd">The index of the first match's last event, or -1.</param>
/// <param name="FirstStartTicks">The first match's first event time (UTC ticks), or 0.</param>
/// <param name="FirstEndTicks">The first match's last event time (UTC ticks), or 0.</param>
public readonly record struct PatternMatch(bool Matched, int Count, int FirstStart, int FirstEnd, long FirstStartTicks, long FirstEndTicks)
{
    /// <summary>The answer when nothing matched.</summary>
    public static PatternMatch None { get; } = new(false, 0, -1, -1, 0, 0);
}

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
public sealed class CompiledPattern
{
    private readonly PatternAutomaton _nfa;
    private readonly BoundConditions _streaming;
    private readonly long _withinTicks;
    private readonly ulong _initialAtoms; // atoms that can start a match: an idle automaton skips every other event
    private readonly bool _small;         // at most 64 states: the active set is a bit mask (StepSmall)
    private readonly ulong _finalMask;
    private readonly ulong _initialMask;
    private readonly TimedEngine? _timed; // patterns with ~~ gaps, groups with within, or hidden events (ClickHouse)

    [ThreadStatic]
    private static long[]? _scratchStart;

    [ThreadStatic]
    private static long[]? _scratchTimed;

    [ThreadStatic]
    private static int[]? _scratchIndex;

    private CompiledPattern(string text, PatternTree tree, PatternAutomaton nfa, PatternOptions options, ulong visible = 0)
    {
        Text = text;
        if (nfa.Registers.Length > 0 || visible != 0 || tree.Absence is not null)
        {
            _timed = new TimedEngine(nfa, tree, visible, options.MaxPartialMatches, text);
        }

        _nfa = nfa;
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
        BoundConditions bound = BoundConditions.Bind(_nfa.Atoms, batch);
        if (_timed is not null)
        {
            EvaluateTimed(batch, bound, results, maxDegreeOfParallelism, long.MinValue);
            return results;
        }

        CustomerRanges.Run(batch.CustomerCount, maxDegreeOfParallelism, (from, to) => EvaluateRuns(batch, bound, from, to, results));
        return results;
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
        if (_timed is null || !_timed.HasAbsence)
        {
            return Evaluate(batch, maxDegreeOfParallelism);
        }

        var results = new PatternMatch[batch.CustomerCount];
        EvaluateTimed(batch, BoundConditions.Bind(_nfa.Atoms, batch), results, maxDegreeOfParallelism, asOf.UtcTicks);

        return results;
    }

    /// <summary>Gets the answer as of an instant: a pending absence whose deadline is at or before it completes.</summary>
    /// <param name="state">The state.</param>
    /// <param name="asOf">The instant (e.g. the <see cref="TimeProvider"/>'s now).</param>
    /// <returns>The answer.</returns>
    public PatternMatch GetResult(PatternState state, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(state);
        return _timed is null ? Finish(state.Start, state.StartIndex, state.Core) : FinishTimed(state.Cands!, state.CandCount, state.Core, asOf.UtcTicks);
    }

    /// <summary>Gets when a pending match of a pattern ending in an absence completes if no event satisfying it comes
    /// first (schedule a timer for it, then call <see cref="GetResult(PatternState, DateTimeOffset)"/>), or null.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The deadline, or null when nothing waits.</returns>
    public DateTimeOffset? NextDeadline(PatternState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Core.Waiting && state.Core.WaitDeadline != long.MaxValue ? new DateTimeOffset(Math.Min(state.Core.WaitDeadline, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero) : null;
    }

    /// <summary>Creates an empty streaming state for one customer.</summary>
    /// <returns>The state.</returns>
    public PatternState CreateState() => _timed is null ? new(_nfa.StateCount) : new(_nfa.StateCount, _timed.Stride);

    /// <summary>Advances a customer's state by one event; give events in timestamp order.</summary>
    /// <param name="state">The state.</param>
    /// <param name="journeyEvent">The event.</param>
    /// <exception cref="ArgumentException">The event is older than the previous one, or the state is for another pattern.</exception>
    public void Advance(PatternState state, JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(journeyEvent);
        if (state.StateCount != _nfa.StateCount)
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
        Advance(state, mask, journeyEvent.TimestampTicks);
    }

    /// <summary>Binds the atoms to a batch, for <see cref="Advance(PatternState, ulong, long)"/> over its rows.</summary>
    internal BoundPattern Bind(EventBatch batch) => new(BoundConditions.Bind(_nfa.Atoms, batch));

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
        return _timed is null ? Finish(state.Start, state.StartIndex, state.Core) : FinishTimed(state.Cands!, state.CandCount, state.Core, long.MinValue);
    }

    private void EvaluateTimed(EventBatch batch, BoundConditions bound, PatternMatch[] results, int maxDegreeOfParallelism, long asOf)
    {
        CustomerRanges.Run(batch.CustomerCount, maxDegreeOfParallelism, (from, to) => EvaluateTimedRuns(batch, bound, from, to, results, asOf));
    }

    private void EvaluateTimedRuns(EventBatch batch, BoundConditions bound, int fromRun, int toRun, PatternMatch[] results, long asOf)
    {
        TimedEngine engine = _timed!;
        var cur = new long[engine.Stride * 16];
        var next = new long[engine.Stride * 16];
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        for (int run = fromRun; run < toRun; run++)
        {
            int count = 0;
            var core = default(MatchCore);
            for (int i = starts[run]; i < starts[run + 1]; i++)
            {
                engine.Step(ref cur, ref count, ref next, ref core, bound.Match(batch, i), ticks[i]);
            }

            results[run] = FinishTimed(cur, count, core, asOf);
        }
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

    private void EvaluateRuns(EventBatch batch, BoundConditions bound, int fromRun, int toRun, PatternMatch[] results)
    {
        int n = _nfa.StateCount;
        var start = new long[n];
        var startIndex = new int[n];
        var next = new long[n];
        var nextIndex = new int[n];
        Array.Fill(next, Inactive); // StepSmall expects the next buffer all inactive and leaves the other one so
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        for (int run = fromRun; run < toRun; run++)
        {
            Array.Fill(start, Inactive);
            var core = default(MatchCore);
            for (int i = starts[run]; i < starts[run + 1]; i++)
            {
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

                (start, next) = (next, start);
                (startIndex, nextIndex) = (nextIndex, startIndex);
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

    private PatternMatch Finish(long[] start, int[] startIndex, MatchCore core)
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
/// One customer's streaming pattern state: for each automaton state, the latest start of a partial match there, plus
/// counters; for patterns with time gaps <c>~~(…)</c> or groups with <c>within</c>, the partial matches no other one
/// dominates. Serializable (<see cref="WriteTo"/> / <see cref="ReadFrom"/>, format version 1, or 2 for the timed form).
/// </summary>
/// <threadsafety>Not thread-safe.</threadsafety>
public sealed class PatternState
{
    private const byte FormatVersion = 1;
    private const byte TimedFormatVersion = 2;
    private const int Header = 45;

    internal long[] Start;
    internal int[] StartIndex;
    internal MatchCore Core;

    /// <summary>The timed form's partial matches (<see cref="Stride"/> longs each), or null.</summary>
    internal long[]? Cands;
    internal int CandCount;

    internal PatternState(int states)
    {
        Start = new long[states];
        Array.Fill(Start, CompiledPattern.Inactive);
        StartIndex = new int[states];
    }

    internal PatternState(int states, int stride)
        : this(0)
    {
        TimedStates = states;
        Stride = stride;
        Cands = new long[stride * 4];
    }

    internal int StateCount => Cands is null ? Start.Length : TimedStates;

    /// <summary>Gets the longs per partial match of the timed form (0 for the plain form).</summary>
    internal int Stride { get; }

    private int TimedStates { get; }

    internal int Index => Core.Index;

    internal long PrevTicks => Core.PrevTicks;

    /// <summary>Gets the number of bytes <see cref="WriteTo"/> writes.</summary>
    public int SerializedSize => Cands is null ? Header + (12 * Start.Length) : Header + 8 + WaitBytes + (8 * Stride * CandCount);

    private const int WaitBytes = 1 + 8 + 8 + 4;

    /// <summary>Writes the state.</summary>
    /// <param name="destination">At least <see cref="SerializedSize"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    public int WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SerializedSize, nameof(destination));
        destination[0] = Cands is null ? FormatVersion : TimedFormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], StateCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[5..], Core.Index);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], Core.PrevTicks);
        BinaryPrimitives.WriteInt32LittleEndian(destination[17..], Core.Count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[21..], Core.FirstStart);
        BinaryPrimitives.WriteInt32LittleEndian(destination[25..], Core.FirstEnd);
        BinaryPrimitives.WriteInt64LittleEndian(destination[29..], Core.FirstStartTicks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[37..], Core.FirstEndTicks);
        int offset = Header;
        if (Cands is not null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], Stride);
            BinaryPrimitives.WriteInt32LittleEndian(destination[(offset + 4)..], CandCount);
            destination[offset + 8] = Core.Waiting ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 9)..], Core.Waiting ? Core.WaitDeadline : 0);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 17)..], Core.Waiting ? Core.WaitStart : 0);
            BinaryPrimitives.WriteInt32LittleEndian(destination[(offset + 25)..], Core.Waiting ? Core.WaitStartIndex : 0);
            offset += 8 + WaitBytes;
            for (int i = 0; i < Stride * CandCount; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], Cands[i]);
                offset += 8;
            }

            return offset;
        }

        for (int q = 0; q < Start.Length; q++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], Start[q]);
            BinaryPrimitives.WriteInt32LittleEndian(destination[(offset + 8)..], Start[q] == CompiledPattern.Inactive ? 0 : StartIndex[q]); // canonical
            offset += 12;
        }

        return offset;
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">Not a pattern state of format version 1 or 2.</exception>
    public static PatternState ReadFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length < Header || (source[0] != FormatVersion && source[0] != TimedFormatVersion))
        {
            throw new FormatException("The bytes are not a pattern state of format version 1 or 2.");
        }

        int states = BinaryPrimitives.ReadInt32LittleEndian(source[1..]);
        PatternState state;
        if (source[0] == TimedFormatVersion)
        {
            int stride = source.Length >= Header + 8 ? BinaryPrimitives.ReadInt32LittleEndian(source[Header..]) : -1;
            int count = source.Length >= Header + 8 ? BinaryPrimitives.ReadInt32LittleEndian(source[(Header + 4)..]) : -1;
            if (states < 0 || states > 1_000_000 || stride < 3 || stride > 3 + PatternAutomaton.MaxRegisters || count < 0 || count > 1_000_000
                || source.Length < Header + 8 + WaitBytes + (8L * stride * count) || source[Header + 8] > 1)
            {
                throw new FormatException("The pattern state is truncated or has an invalid size.");
            }

            state = new PatternState(states, stride);
            state.Cands = new long[Math.Max(stride * 4, stride * count)];
            state.CandCount = count;
            for (int i = 0; i < stride * count; i++)
            {
                state.Cands[i] = BinaryPrimitives.ReadInt64LittleEndian(source[(Header + 8 + WaitBytes + (8 * i))..]);
                if (i % stride == 0 && (state.Cands[i] < 0 || state.Cands[i] >= states))
                {
                    throw new FormatException("The pattern state names an automaton state it does not have.");
                }
            }

            state.Core.Active = count > 0;
            state.Core.Waiting = source[Header + 8] == 1;
            state.Core.WaitDeadline = BinaryPrimitives.ReadInt64LittleEndian(source[(Header + 9)..]);
            state.Core.WaitStart = BinaryPrimitives.ReadInt64LittleEndian(source[(Header + 17)..]);
            state.Core.WaitStartIndex = BinaryPrimitives.ReadInt32LittleEndian(source[(Header + 25)..]);
        }
        else
        {
            if (states < 0 || states > 1_000_000 || source.Length < Header + (12L * states))
            {
                throw new FormatException("The pattern state is truncated or has an invalid size.");
            }

            state = new PatternState(states);
            int offset = Header;
            for (int q = 0; q < states; q++)
            {
                state.Start[q] = BinaryPrimitives.ReadInt64LittleEndian(source[offset..]);
                state.StartIndex[q] = BinaryPrimitives.ReadInt32LittleEndian(source[(offset + 8)..]);
                if (state.Start[q] != CompiledPattern.Inactive)
                {
                    state.Core.Active = true;
                    state.Core.ActiveMask |= q < 64 ? 1UL << q : 0;
                }

                offset += 12;
            }
        }

        state.Core.Index = BinaryPrimitives.ReadInt32LittleEndian(source[5..]);
        state.Core.PrevTicks = BinaryPrimitives.ReadInt64LittleEndian(source[9..]);
        state.Core.Count = BinaryPrimitives.ReadInt32LittleEndian(source[17..]);
        state.Core.FirstStart = BinaryPrimitives.ReadInt32LittleEndian(source[21..]);
        state.Core.FirstEnd = BinaryPrimitives.ReadInt32LittleEndian(source[25..]);
        state.Core.FirstStartTicks = BinaryPrimitives.ReadInt64LittleEndian(source[29..]);
        state.Core.FirstEndTicks = BinaryPrimitives.ReadInt64LittleEndian(source[37..]);
        return state;
    }
}
