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
        for (int k = 0; k < columns.Length; k++)
        {
            int id = columns[k] is { } column ? column[row] : -1;
            b.EventValues[k] = id < 0 ? null : batch.AttributeValues[id];
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

    /// <summary>Evaluates customer runs of a pattern with a variable (allocates the copies' states per call).</summary>
    private void EvaluateBoundRuns(EventBatch batch, BoundConditions bound, int fromRun, int toRun, Span<PatternMatch> results, long asOf)
    {
        int[]?[] columns = VariableColumns(batch)!;
        PatternState state = CreateBoundState();
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        for (int run = fromRun; run < toRun; run++)
        {
            ResetBound(state);
            try
            {
                for (int i = starts[run]; i < starts[run + 1]; i++)
                {
                    FillValues(state.Bound!, columns, batch, i);
                    StepBound(state, bound.Match(batch, i), ticks[i]);
                }
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"Customer '{batch.Customers[batch.CustomerOfRun(run)]}': {e.Message}", e);
            }

            results[run] = FinishBound(state, asOf);
        }
    }

    /// <summary>Empties a state for the next customer, keeping its buffers.</summary>
    private void ResetBound(PatternState state)
    {
        BindingState b = state.Bound!;
        RestartAll(b);
        b.Unbound.Core = default;
        state.Core = default;
    }

    /// <summary>One event through every copy: the heart of holding a variable. No allocation once the pool is warm.</summary>
    private void StepBound(PatternState state, ulong mask, long t)
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
                if (values[k] is { } x && Array.IndexOf(values, x, 0, k) < 0 && b.Find(x) < 0)
                {
                    b.Open(x, CreateInnerState); // the cap is checked after the step, once expired copies are dropped
                }
            }
        }

        bool matched = false;
        long bestStart = 0;
        int bestIndex = 0;
        StepCopy(b.Unbound, rest, t, ref matched, ref bestStart, ref bestIndex);
        for (int c = 0; c < b.Count; c++)
        {
            ulong m = rest;
            if (hit != 0)
            {
                ulong equal = 0;
                string v = b.Values[c];
                for (int k = 0; k < values.Length; k++)
                {
                    equal |= string.Equals(values[k], v, StringComparison.Ordinal) ? 1UL << k : 0;
                }

                for (ulong h = hit; h != 0; h &= h - 1)
                {
                    int a = System.Numerics.BitOperations.TrailingZeroCount(h);
                    m |= (variable.KeysOf[a] & ~equal) == 0 ? 1UL << a : 0;
                }
            }

            StepCopy(b.States[c], m, t, ref matched, ref bestStart, ref bestIndex);
        }

        if (matched)
        {
            state.Core.RecordMatch(bestIndex, bestStart, t);
            RestartAll(b);
        }
        else
        {
            for (int c = b.Count - 1; c >= 0; c--)
            {
                if (SamePartials(b.States[c], b.Unbound))
                {
                    b.Close(c);
                }
            }

            if (b.Count > variable.MaxValues)
            {
                throw new InvalidOperationException(
                    $"The pattern '{Text}' holds more than {variable.MaxValues} distinct values of '${variable.Name}' open at once (at event {state.Core.Index}); raise PatternOptions.MaxBoundValues or bound the pattern with 'within'.");
            }
        }

        state.Core.PrevTicks = t;
        state.Core.Index++;
    }

    private void StepCopy(PatternState copy, ulong mask, long t, ref bool matched, ref long bestStart, ref int bestIndex)
    {
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

    /// <summary>Adds a copy for <paramref name="value"/>, a clone of the unbound one.</summary>
    public void Open(string value, Func<PatternState> create)
    {
        PatternState copy;
        if (_pool.Count > 0)
        {
            copy = _pool[^1];
            _pool.RemoveAt(_pool.Count - 1);
        }
        else
        {
            copy = create();
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
