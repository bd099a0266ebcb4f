using JourneyKit.Events;
using JourneyKit.Matching.Internal;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// Holding an attribute constant (<c>cart.add{order_id=$o} .* pay{order_id=$o}</c>): the matcher runs one copy of the
/// pattern's state per value of the variable, in lock step. In the copy for value v an atom with <c>key=$o</c> holds
/// when the event satisfies the rest of the atom and its <c>key</c> is v; one more copy (the unbound one) has every such
/// atom false. A copy for v starts as a clone of the unbound copy at the first event with v that could match a variable
/// atom (before it the two cannot differ), and is dropped as soon as its partial matches equal the unbound copy's again
/// (then they cannot differ until the next event with v). So the copies alive are the values bound by partial matches
/// still alive, capped by <see cref="PatternOptions.MaxBoundValues"/>. Matches are the union over the copies: the one
/// ending first (then the latest start) is counted and every copy restarts after it, as the plain matcher does.
/// </summary>
public sealed partial class CompiledPattern
{
    private readonly PatternVariable? _variable;
    private PatternState? _batchBoundState; // the batch matcher's state and copies, kept between calls

    /// <summary>Gets whether the pattern holds a variable (<c>{order_id=$o}</c>).</summary>
    internal bool HasVariable => _variable is not null;

    private PatternState CreateInnerState() => _timed is null ? new(_nfa.StateCount) : new(_nfa.StateCount, _timed.Stride);

    private PatternState CreateBoundState() => new(new BindingState(CreateInnerState(), _variable!.Keys.Length), _nfa.StateCount);

    /// <summary>Advances a state of a pattern with a variable by one streamed event.</summary>
    private void AdvanceBound(PatternState state, ulong mask, IReadOnlyDictionary<string, string>? attributes, long ticks)
    {
        BindingState b = state.Bound!;
        string[] keys = _variable!.Keys;
        b.SizeValues(keys.Length);
        for (int k = 0; k < keys.Length; k++)
        {
            string? v = null;
            attributes?.TryGetValue(keys[k], out v);
            b.EventValues[k] = v;
        }

        StepBound(state, mask, ticks);
    }

    /// <summary>Advances by one batch row (moments of truth in batch evaluation): the mask and, for a variable, its values.</summary>
    internal void Advance(PatternState state, in BoundPattern bound, EventBatch batch, int row)
    {
        ulong mask = bound.Match(batch, row);
        long ticks = batch.TimestampTicks[row];
        if (_variable is null)
        {
            Advance(state, mask, ticks);
            return;
        }

        FillValues(state.Bound!, bound.Columns!, batch, row);
        StepBound(state, mask, ticks);
    }

    private static void FillValues(BindingState b, int[]?[] columns, EventBatch batch, int row)
    {
        b.SizeValues(columns.Length);
        string?[] values = b.EventValues;
        for (int k = 0; k < columns.Length; k++)
        {
            int id = columns[k] is { } column ? column[row] : -1;
            string? v = id < 0 ? null : batch.AttributeValues[id];
            if (!ReferenceEquals(values[k], v))
            {
                values[k] = v; // a store into an array of references is type-checked: skipped while the value repeats
            }
        }
    }

    /// <summary>The batch columns of the variable's attribute keys (null: no event has the key).</summary>
    private int[]?[]? VariableColumns(EventBatch batch)
    {
        if (_variable is null)
        {
            return null;
        }

        var columns = new int[]?[_variable.Keys.Length];
        for (int k = 0; k < columns.Length; k++)
        {
            columns[k] = batch.TryGetAttributeColumn(_variable.Keys[k], out ReadOnlySpan<int> column) ? column.ToArray() : null;
        }

        return columns;
    }

    /// <summary>Evaluates customer runs of a pattern with a variable. The state and its copies are kept by the pattern
    /// between calls (taken while a call runs: a parallel or nested call makes its own), so a warm call allocates
    /// nothing. With <paramref name="skip"/>, events no copy can use are passed with the search of the union of the
    /// copies' active states (each copy's states are a subset, and an event inert for the union is inert for each: see
    /// <see cref="SkipShape"/>), and at a stepped event a copy for which it is inert is not stepped (nor opened).</summary>
    private void EvaluateBoundRuns(EventBatch batch, SkipPlan plan, int fromRun, int toRun, Span<PatternMatch> results, long asOf, bool skip)
    {
        int[]?[] columns = plan.VariableColumns!;
        PatternState state = Interlocked.Exchange(ref _batchBoundState, null) ?? CreateBoundState();
        BindingState b = state.Bound!;
        BoundConditions bound = plan.Bound;
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        skip &= _skipShape is not null;
        bool loops = skip && plan.HasLoops && !(AnchoredEnd && _withinTicks != long.MaxValue); // see EvaluatePlainRuns
        var cursor = new SkipCursor(plan, loops);
        for (int run = fromRun; run < toRun; run++)
        {
            ResetBound(state);
            int end = starts[run + 1];
            try
            {
                for (int i = starts[run]; i < end; i++)
                {
                    if (skip)
                    {
                        ulong states = ActiveStates(b, out bool waiting, out long deadline);
                        int j = cursor.Next(states, waiting, deadline, AnchoredStart && state.Core.Index > 0, ids, ticks, i, end);
                        if (j > i)
                        {
                            PassBound(state, j - i, ticks[j - 1]);
                            i = j;
                            if (i == end)
                            {
                                break;
                            }
                        }
                    }

                    FillValues(b, columns, batch, i);
                    StepBound(state, bound.Match(batch, i), ticks[i], skip);
                }
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"Customer '{batch.Customers[batch.CustomerOfRun(run)]}': {e.Message}", e);
            }

            results[run] = FinishBound(state, asOf);
        }

        _batchBoundState = state;
    }

    /// <summary>The union of the copies' active states (at most 64 automaton states), whether one waits for an absence
    /// deadline, and the earliest such deadline.</summary>
    private ulong ActiveStates(BindingState b, out bool waiting, out long deadline)
    {
        ulong states = StatesOf(b.Unbound);
        waiting = b.Unbound.Core.Waiting;
        deadline = waiting ? b.Unbound.Core.WaitDeadline : long.MaxValue;
        for (int c = 0; c < b.Count; c++)
        {
            PatternState s = b.States[c];
            states |= StatesOf(s);
            if (s.Core.Waiting)
            {
                waiting = true;
                deadline = Math.Min(deadline, s.Core.WaitDeadline);
            }
        }

        return states;
    }

    private static ulong StatesOf(PatternState s) => s.Cands is null ? s.Core.ActiveMask : StatesOf(s.Cands, s.CandCount, s.Stride);

    /// <summary>Passes <paramref name="events"/> events inert for every copy: only the counters and the previous time move.</summary>
    private static void PassBound(PatternState state, int events, long prevTicks)
    {
        BindingState b = state.Bound!;
        state.Core.Index += events;
        state.Core.PrevTicks = prevTicks;
        b.Unbound.Core.Index += events;
        b.Unbound.Core.PrevTicks = prevTicks;
        for (int c = 0; c < b.Count; c++)
        {
            b.States[c].Core.Index += events;
            b.States[c].Core.PrevTicks = prevTicks;
        }
    }

    /// <summary>Whether an event at <paramref name="t"/> satisfying <paramref name="mask"/> would leave copy
    /// <paramref name="s"/> unchanged but for its counter and previous time. A copy with a partial match past the
    /// <c>within</c> window is stepped (the step drops it, and may make the copy the unbound one's equal): copies are
    /// then dropped at the same events with and without the skip, so the cap on open values is met at the same point.</summary>
    private bool IsInert(PatternState s, ulong mask, long t) =>
        _skipShape!.IsInert(StatesOf(s), !AnchoredStart || s.Core.Index == 0, s.Core.Waiting, mask)
        && (_withinTicks == long.MaxValue || t - EarliestStart(s) <= _withinTicks);

    private static long EarliestStart(PatternState s)
    {
        long earliest = long.MaxValue;
        if (s.Cands is null)
        {
            for (ulong m = s.Core.ActiveMask; m != 0; m &= m - 1)
            {
                earliest = Math.Min(earliest, s.Start[System.Numerics.BitOperations.TrailingZeroCount(m)]);
            }
        }
        else
        {
            for (int k = 0; k < s.CandCount; k++)
            {
                earliest = Math.Min(earliest, s.Cands[(k * s.Stride) + 1]);
            }
        }

        return earliest;
    }

    /// <summary>Empties a state for the next customer, keeping its buffers.</summary>
    private void ResetBound(PatternState state)
    {
        BindingState b = state.Bound!;
        RestartAll(b);
        b.Unbound.Core = default;
        state.Core = default;
    }

    /// <summary>One event through every copy: the heart of holding a variable. No allocation once the pool is warm. With
    /// <paramref name="skip"/> (batch), a copy for which the event is inert is not stepped, nor opened.</summary>
    private void StepBound(PatternState state, ulong mask, long t, bool skip = false)
    {
        BindingState b = state.Bound!;
        PatternVariable variable = _variable!;
        if (_timed is { HasAbsence: true })
        {
            CompleteDeadlines(state, t);
        }

        ulong hit = mask & variable.BoundAtoms;
        ulong rest = mask & ~variable.BoundAtoms;
        string?[] values = b.EventValues;
        if (hit != 0)
        {
            for (int k = 0; k < values.Length; k++)
            {
                // A new copy is a clone of the unbound one: when the event is inert for it, the step would leave it
                // equal to the unbound one and it would be dropped at once, so it is not made.
                if (values[k] is { } x && Array.IndexOf(values, x, 0, k) < 0 && b.Find(x) < 0 && !(skip && IsInert(b.Unbound, CopyMask(variable, values, x, hit, rest), t)))
                {
                    b.Open(x, b.HasPooled ? null : CreateInnerState()); // the cap is checked after the step, once expired copies are dropped
                }
            }
        }

        bool matched = false;
        long bestStart = 0;
        int bestIndex = 0;
        bool unboundMoved = StepCopy(b.Unbound, rest, t, skip, ref matched, ref bestStart, ref bestIndex);
        for (int c = b.Count - 1; c >= 0; c--)
        {
            // Backwards, so that dropping copy c (the last one takes its place) leaves the copies still to step in place.
            ulong m = hit == 0 ? rest : CopyMask(variable, values, b.Values[c], hit, rest);
            bool moved = StepCopy(b.States[c], m, t, skip, ref matched, ref bestStart, ref bestIndex);
            if ((moved || unboundMoved) && SamePartials(b.States[c], b.Unbound))
            {
                b.Close(c); // unchanged copies of an unchanged unbound one differ from it still
            }
        }

        if (matched)
        {
            state.Core.RecordMatch(bestIndex, bestStart, t);
            RestartAll(b);
        }
        else if (b.Count > variable.MaxValues)
        {
            throw new InvalidOperationException(
                $"The pattern '{Text}' holds more than {variable.MaxValues} distinct values of '${variable.Name}' open at once (at event {state.Core.Index}); raise PatternOptions.MaxBoundValues or bound the pattern with 'within'.");
        }

        state.Core.PrevTicks = t;
        state.Core.Index++;
    }

    /// <summary>The atoms an event satisfies in the copy for value <paramref name="v"/>: the atoms without the variable,
    /// and those with it whose keys all have the value <paramref name="v"/> in the event.</summary>
    private static ulong CopyMask(PatternVariable variable, string?[] values, string v, ulong hit, ulong rest)
    {
        ulong equal = 0;
        for (int k = 0; k < values.Length; k++)
        {
            equal |= string.Equals(values[k], v, StringComparison.Ordinal) ? 1UL << k : 0;
        }

        ulong m = rest;
        for (ulong h = hit; h != 0; h &= h - 1)
        {
            int a = System.Numerics.BitOperations.TrailingZeroCount(h);
            m |= (variable.KeysOf[a] & ~equal) == 0 ? 1UL << a : 0;
        }

        return m;
    }

    /// <summary>Steps one copy (or, with <paramref name="skip"/>, only its counters when the event is inert for it);
    /// returns whether it was stepped.</summary>
    private bool StepCopy(PatternState copy, ulong mask, long t, bool skip, ref bool matched, ref long bestStart, ref int bestIndex)
    {
        if (skip && IsInert(copy, mask, t))
        {
            copy.Core.PrevTicks = t;
            copy.Core.Index++;
            return false;
        }

        copy.Core.Count = 0; // the copy records its match as its first one: start and start index
        Advance(copy, mask, t);
        if (copy.Core.Count > 0)
        {
            if (!matched || copy.Core.FirstStartTicks > bestStart || (copy.Core.FirstStartTicks == bestStart && copy.Core.FirstStart > bestIndex))
            {
                bestStart = copy.Core.FirstStartTicks;
                bestIndex = copy.Core.FirstStart;
            }

            matched = true;
            copy.Core.Count = 0;
        }

        return true;
    }

    /// <summary>Completes the waiting match (absence) whose deadline passed before an event at <paramref name="t"/>:
    /// the earliest deadline of any copy, then the latest start; every copy restarts after it.</summary>
    private void CompleteDeadlines(PatternState state, long t)
    {
        BindingState b = state.Bound!;
        PatternState? best = EarliestWaiting(b, t - 1);
        if (best is not null)
        {
            state.Core.RecordMatchAt(best.Core.WaitStartIndex, best.Core.WaitStart, state.Core.Index - 1, best.Core.WaitDeadline);
            RestartAll(b);
        }
    }

    /// <summary>The copy waiting with the earliest deadline at or before <paramref name="until"/> (then the latest start), or null.</summary>
    private static PatternState? EarliestWaiting(BindingState b, long until)
    {
        PatternState? best = Earlier(null, b.Unbound, until);
        for (int c = 0; c < b.Count; c++)
        {
            best = Earlier(best, b.States[c], until);
        }

        return best;

        static PatternState? Earlier(PatternState? best, PatternState s, long until)
        {
            if (!s.Core.Waiting || s.Core.WaitDeadline > until)
            {
                return best;
            }

            if (best is null || s.Core.WaitDeadline < best.Core.WaitDeadline
                || (s.Core.WaitDeadline == best.Core.WaitDeadline && (s.Core.WaitStart > best.Core.WaitStart || (s.Core.WaitStart == best.Core.WaitStart && s.Core.WaitStartIndex > best.Core.WaitStartIndex))))
            {
                return s;
            }

            return best;
        }
    }

    /// <summary>Drops every partial match of every copy (a match was counted: the search restarts after it).</summary>
    private static void RestartAll(BindingState b)
    {
        Clear(b.Unbound);
        while (b.Count > 0)
        {
            b.Close(b.Count - 1);
        }
    }

    private static void Clear(PatternState s)
    {
        if (s.Cands is null)
        {
            Array.Fill(s.Start, Inactive);
            s.Core.ActiveMask = 0;
        }
        else
        {
            s.CandCount = 0;
            s.Core.Waiting = false;
        }

        s.Core.Active = false;
    }

    /// <summary>Whether two copies have the same partial matches (and waiting match), so their futures are the same
    /// until an event with the copy's value.</summary>
    private static bool SamePartials(PatternState a, PatternState u)
    {
        if (a.Cands is null)
        {
            long[] sa = a.Start, su = u.Start;
            for (int q = 0; q < sa.Length; q++)
            {
                if (sa[q] != su[q] || (sa[q] != Inactive && a.StartIndex[q] != u.StartIndex[q]))
                {
                    return false;
                }
            }

            return true;
        }

        if (a.Core.Waiting != u.Core.Waiting
            || (a.Core.Waiting && (a.Core.WaitDeadline != u.Core.WaitDeadline || a.Core.WaitStart != u.Core.WaitStart || a.Core.WaitStartIndex != u.Core.WaitStartIndex)))
        {
            return false;
        }

        int n = a.CandCount * a.Stride;
        return a.CandCount == u.CandCount && a.Cands.AsSpan(0, n).SequenceEqual(u.Cands!.AsSpan(0, n));
    }

    /// <summary>The answer of a state with a variable, as of an instant (long.MinValue: only events prove a deadline passed).</summary>
    private PatternMatch FinishBound(PatternState state, long asOf)
    {
        BindingState b = state.Bound!;
        if (AnchoredEnd)
        {
            PatternMatch best = FinishCopy(b.Unbound);
            for (int c = 0; c < b.Count; c++)
            {
                PatternMatch m = FinishCopy(b.States[c]);
                if (m.Matched && (!best.Matched || m.FirstStartTicks > best.FirstStartTicks || (m.FirstStartTicks == best.FirstStartTicks && m.FirstStart > best.FirstStart)))
                {
                    best = m;
                }
            }

            return best;
        }

        MatchCore core = state.Core; // a copy: the state does not change
        if (_timed is { HasAbsence: true } && EarliestWaiting(b, asOf) is { } waiting)
        {
            core.RecordMatchAt(waiting.Core.WaitStartIndex, waiting.Core.WaitStart, core.Index - 1, waiting.Core.WaitDeadline);
        }

        return core.Count == 0 ? PatternMatch.None : new PatternMatch(true, core.Count, core.FirstStart, core.FirstEnd, core.FirstStartTicks, core.FirstEndTicks);
    }

    private PatternMatch FinishCopy(PatternState s) =>
        _timed is null ? Finish(s.Start, s.StartIndex, s.Core) : FinishTimed(s.Cands!, s.CandCount, s.Core, long.MinValue);

    private static DateTimeOffset? NextDeadlineBound(PatternState state) =>
        EarliestWaiting(state.Bound!, long.MaxValue) is { } w && w.Core.WaitDeadline != long.MaxValue
            ? new DateTimeOffset(Math.Min(w.Core.WaitDeadline, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero)
            : null;
}

/// <summary>A pattern's variable: which atoms use it, on which attribute keys.</summary>
internal sealed class PatternVariable
{
    public PatternVariable(string name, EventCondition[] atoms, int maxValues, string text)
    {
        Name = name;
        MaxValues = maxValues;
        var keys = new List<string>();
        KeysOf = new ulong[atoms.Length];
        for (int i = 0; i < atoms.Length; i++)
        {
            foreach (AttributeCondition a in atoms[i].Attributes)
            {
                if (a.Variable is null)
                {
                    continue;
                }

                int k = keys.IndexOf(a.Key);
                if (k < 0)
                {
                    if (keys.Count == 64)
                    {
                        throw new PatternSyntaxException(PatternError.InvalidVariable, 0, $"'${name}' may be compared with at most 64 attributes", text);
                    }

                    k = keys.Count;
                    keys.Add(a.Key);
                }

                KeysOf[i] |= 1UL << k;
                BoundAtoms |= 1UL << i;
            }
        }

        Keys = [.. keys];
    }

    /// <summary>Gets the variable's name, without '$'.</summary>
    public string Name { get; }

    /// <summary>Gets the attribute keys the variable is compared with.</summary>
    public string[] Keys { get; }

    /// <summary>Gets the atoms that use the variable.</summary>
    public ulong BoundAtoms { get; }

    /// <summary>Gets, per atom, the keys (bits into <see cref="Keys"/>) whose values must equal the variable's.</summary>
    public ulong[] KeysOf { get; }

    /// <summary>Gets <see cref="PatternOptions.MaxBoundValues"/>.</summary>
    public int MaxValues { get; }
}

/// <summary>The copies of a state of a pattern with a variable: the unbound one and one per value bound.</summary>
internal sealed class BindingState
{
    private readonly List<PatternState> _pool = [];

    public BindingState(PatternState unbound, int keys)
    {
        Unbound = unbound;
        EventValues = new string?[keys];
    }

    /// <summary>Gets the copy where the variable is bound to no value seen.</summary>
    public PatternState Unbound { get; }

    /// <summary>Gets the values of the copies (the first <see cref="Count"/>).</summary>
    public string[] Values { get; private set; } = new string[4];

    /// <summary>Gets the copies, parallel to <see cref="Values"/>.</summary>
    public PatternState[] States { get; private set; } = new PatternState[4];

    /// <summary>Gets the number of bound copies.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the current event's value of each variable key (scratch).</summary>
    public string?[] EventValues { get; private set; }

    /// <summary>Makes <see cref="EventValues"/> hold <paramref name="keys"/> values (a state read back from bytes has none yet).</summary>
    public void SizeValues(int keys)
    {
        if (EventValues.Length != keys)
        {
            EventValues = new string?[keys];
        }
    }

    public int Find(string value)
    {
        for (int c = 0; c < Count; c++)
        {
            if (string.Equals(Values[c], value, StringComparison.Ordinal))
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>Gets whether a dropped copy can be reused by <see cref="Open"/>.</summary>
    public bool HasPooled => _pool.Count > 0;

    /// <summary>Adds a copy for <paramref name="value"/>, a clone of the unbound one: a dropped copy, or
    /// <paramref name="fresh"/> when none is left (a state, not a factory: a delegate would be allocated per call).</summary>
    public void Open(string value, PatternState? fresh)
    {
        PatternState copy;
        if (_pool.Count > 0)
        {
            copy = _pool[^1];
            _pool.RemoveAt(_pool.Count - 1);
        }
        else
        {
            copy = fresh ?? throw new ArgumentNullException(nameof(fresh));
        }

        CopyPartials(Unbound, copy);
        Add(value, copy);
    }

    /// <summary>Adds a copy read back from bytes.</summary>
    public void Add(string value, PatternState copy)
    {
        if (Count == Values.Length)
        {
            Values = [.. Values, .. new string[Count]];
            States = [.. States, .. new PatternState[Count]];
        }

        Values[Count] = value;
        States[Count] = copy;
        Count++;
    }

    /// <summary>Drops copy <paramref name="c"/> (into the pool); the last copy takes its place.</summary>
    public void Close(int c)
    {
        _pool.Add(States[c]);
        Count--;
        Values[c] = Values[Count];
        States[c] = States[Count];
        Values[Count] = null!;
        States[Count] = null!;
    }

    private static void CopyPartials(PatternState from, PatternState to)
    {
        to.Core = from.Core;
        if (from.Cands is null)
        {
            from.Start.CopyTo(to.Start, 0);
            from.StartIndex.CopyTo(to.StartIndex, 0);
            return;
        }

        int n = from.CandCount * from.Stride;
        if (to.Cands!.Length < n)
        {
            to.Cands = new long[from.Cands.Length];
        }

        Array.Copy(from.Cands, to.Cands, n);
        to.CandCount = from.CandCount;
    }
}
