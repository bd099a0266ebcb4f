using System.Numerics;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// The matcher for patterns with time registers (<c>~~(…)</c> gaps between matched items, groups with <c>within</c>)
/// or hidden events (ClickHouse mode: events that satisfy no condition are not there). Instead of one latest start
/// per automaton state it keeps, per state, the partial matches no other one dominates: a later start is better, and
/// each register the state still needs is better later (only upper bounds ahead), earlier (only lower bounds ahead) or
/// must be equal (both). Work per event is O((states + edges) × partial matches per state); a state keeps at most
/// <see cref="PatternOptions.MaxPartialMatches"/>, past which matching stops with a clear error.
/// </summary>
/// <remarks>
/// A partial match is <see cref="Stride"/> longs: state, start ticks, start index, then one value per register.
/// Candidate buffers grow geometrically and are reused, so a steady stream allocates nothing per event.
/// </remarks>
internal sealed class TimedEngine
{
    private readonly PatternAutomaton _nfa;
    private readonly int _registers;
    private readonly long _withinTicks;
    private readonly bool _anchoredStart;
    private readonly bool _anchoredEnd;
    private readonly ulong _initialAtoms;
    private readonly ulong _visible;
    private readonly int _maxPartial;
    private readonly string _text;
    private readonly long[] _regMin;
    private readonly long[] _regMax;
    private readonly ulong _fromPrevious;
    private readonly ulong _absenceMask; // the absence's event: it cancels a waiting match
    private readonly long _absenceTicks;

    public TimedEngine(PatternAutomaton nfa, PatternTree tree, ulong visible, int maxPartial, string text)
    {
        _nfa = nfa;
        _registers = nfa.Registers.Length;
        Stride = 3 + _registers;
        _withinTicks = tree.Within is { } w && w != TimeSpan.MaxValue ? w.Ticks : long.MaxValue;
        _anchoredStart = tree.AnchorStart;
        _anchoredEnd = tree.AnchorEnd;
        _visible = visible;
        _maxPartial = maxPartial;
        _text = text;
        if (tree.Absence is { } absence)
        {
            _absenceMask = 1UL << Array.IndexOf(nfa.Atoms, absence.Condition);
            _absenceTicks = absence.Ticks;
        }

        foreach (int q in nfa.Initial)
        {
            _initialAtoms |= 1UL << nfa.AtomOf[q];
        }

        _regMin = new long[_registers];
        _regMax = new long[_registers];
        for (int r = 0; r < _registers; r++)
        {
            _regMin[r] = nfa.Registers[r].MinTicks;
            _regMax[r] = nfa.Registers[r].MaxTicks;
            _fromPrevious |= nfa.Registers[r].FromPrevious ? 1UL << r : 0;
        }

        if (_registers == 0)
        {
            // No registers (ClickHouse mode without time conditions): every edge is a plain edge or an adjacent gap.
            Follow = new (int To, int Rule)[nfa.Follow.Length][];
            Rules = new EdgeRule[nfa.Gaps.Length];
            for (int g = 0; g < nfa.Gaps.Length; g++)
            {
                Rules[g] = new EdgeRule(nfa.Gaps[g].MinTicks, nfa.Gaps[g].MaxTicks, 0, 0);
            }

            for (int p = 0; p < nfa.Follow.Length; p++)
            {
                Follow[p] = [.. nfa.Follow[p]];
            }

            Use = [];
            InitialSets = new ulong[nfa.Initial.Length];
        }
        else
        {
            Follow = nfa.FollowRule;
            Rules = nfa.Rules;
            Use = nfa.Use;
            InitialSets = nfa.InitialSets;
        }
    }

    /// <summary>Gets whether the pattern ends in an absence <c>!(X within D)</c>.</summary>
    public bool HasAbsence => _absenceMask != 0;

    /// <summary>Gets whether the whole pattern has a <c>within</c> window.</summary>
    public bool HasWithin => _withinTicks != long.MaxValue;

    /// <summary>Gets the longs per partial match.</summary>
    public int Stride { get; }

    private (int To, int Rule)[][] Follow { get; }

    private EdgeRule[] Rules { get; }

    private RegisterUse[] Use { get; }

    private ulong[] InitialSets { get; }

    /// <summary>Advances by one event. <paramref name="cur"/> holds <paramref name="count"/> partial matches; on return
    /// it holds the new ones (the buffers may be swapped or grown).</summary>
    public void Step(ref long[] cur, ref int count, ref long[] next, ref MatchCore core, ulong mask, long t)
    {
        if (_visible != 0 && (mask & _visible) == 0)
        {
            core.Index++; // a hidden event: not there for the pattern (ClickHouse keeps only rows with a condition)
            return;
        }

        if (core.Waiting)
        {
            if (core.WaitDeadline < t)
            {
                // The deadline passed before this event with no absent event: the match completes there, and the
                // search restarts after it (partial matches begun before the deadline overlap it).
                core.RecordMatchAt(core.WaitStartIndex, core.WaitStart, core.Index - 1, core.WaitDeadline);
                core.Waiting = false;
                count = 0;
            }
            else if ((mask & _absenceMask) != 0)
            {
                core.Waiting = false; // the absent event came in time: no match (every waiting one would fail alike)
            }
        }

        if (count == 0 && (mask & _initialAtoms) == 0)
        {
            core.PrevTicks = t;
            core.Index++;
            return;
        }

        int stride = Stride;
        long since = t - core.PrevTicks;
        int n = 0;
        int[] atomOf = _nfa.AtomOf;
        bool[] isFinal = _nfa.IsFinal;
        (int To, int Rule)[][] follow = Follow;
        EdgeRule[] rules = Rules;
        bool anyFinal = false; // BestFinal only when a final state was reached
        Span<long> scratch = stackalloc long[stride];
        for (int c = 0; c < count; c++)
        {
            int off = c * stride;
            int p = (int)cur[off];
            long start = cur[off + 1];
            if (t - start > _withinTicks)
            {
                continue;
            }

            foreach ((int q, int rule) in follow[p])
            {
                if ((mask >> atomOf[q] & 1) == 0)
                {
                    continue;
                }

                ulong set = 0;
                if (rule >= 0)
                {
                    ref readonly EdgeRule e = ref rules[rule];
                    if (since < e.SinceMin || since > e.SinceMax || (e.Check != 0 && !RegistersHold(cur, off, e.Check, t)))
                    {
                        continue;
                    }

                    if ((mask & e.Forbid) != 0 && t - ((e.Set >> e.ForbidRegister & 1) != 0 ? core.PrevTicks : cur[off + 3 + e.ForbidRegister]) <= e.ForbidTicks)
                    {
                        continue; // the absent event came within its window after the item before (a !(c within D) b)
                    }

                    set = e.Set;
                }

                Copy(cur.AsSpan(off, stride), scratch);
                scratch[0] = q;
                for (ulong m = set; m != 0; m &= m - 1)
                {
                    int r = BitOperations.TrailingZeroCount(m);
                    scratch[3 + r] = (_fromPrevious >> r & 1) != 0 ? core.PrevTicks : t;
                }

                anyFinal |= isFinal[q];
                Insert(ref next, ref n, scratch, core.Index);
            }
        }

        if (!_anchoredStart || core.Index == 0)
        {
            int[] initial = _nfa.Initial;
            for (int i = 0; i < initial.Length; i++)
            {
                int q = initial[i];
                if ((mask >> atomOf[q] & 1) == 0)
                {
                    continue;
                }

                scratch.Clear();
                scratch[0] = q;
                scratch[1] = t;
                scratch[2] = core.Index;
                for (ulong m = InitialSets[i]; m != 0; m &= m - 1)
                {
                    scratch[3 + BitOperations.TrailingZeroCount(m)] = t;
                }

                anyFinal |= isFinal[q];
                Insert(ref next, ref n, scratch, core.Index);
            }
        }

        if (!_anchoredEnd && anyFinal)
        {
            int best = BestFinal(next, n);
            if (best >= 0 && _absenceMask == 0)
            {
                core.RecordMatch((int)next[(best * stride) + 2], next[(best * stride) + 1], t);
                n = 0; // restart after the match (non-overlapping)
            }
            else if (best >= 0)
            {
                // The pattern before the absence matched: the match waits for its deadline. The earliest deadline is the
                // only one that can complete first (an absent event cancels every waiting one), so later ones are ignored,
                // except one with the same deadline and a later start (shorter).
                long deadline = t > long.MaxValue - _absenceTicks ? long.MaxValue : t + _absenceTicks;
                long start = next[(best * stride) + 1];
                int startIndex = (int)next[(best * stride) + 2];
                if (!core.Waiting || (deadline == core.WaitDeadline && (start > core.WaitStart || (start == core.WaitStart && startIndex > core.WaitStartIndex))))
                {
                    core.Waiting = true;
                    core.WaitDeadline = deadline;
                    core.WaitStart = start;
                    core.WaitStartIndex = startIndex;
                }
            }
        }

        (cur, next) = (next, cur);
        count = n;
        core.Active = n != 0;
        core.PrevTicks = t;
        core.Index++;
    }

    /// <summary>The partial match at a final state with the latest start (then the latest start index), or -1.</summary>
    public int BestFinal(long[] cands, int count)
    {
        int best = -1;
        for (int c = 0; c < count; c++)
        {
            int off = c * Stride;
            if (!_nfa.IsFinal[(int)cands[off]])
            {
                continue;
            }

            if (best < 0 || cands[off + 1] > cands[(best * Stride) + 1] || (cands[off + 1] == cands[(best * Stride) + 1] && cands[off + 2] > cands[(best * Stride) + 2]))
            {
                best = c;
            }
        }

        return best;
    }

    private bool RegistersHold(long[] cur, int off, ulong check, long t)
    {
        for (ulong m = check; m != 0; m &= m - 1)
        {
            int r = BitOperations.TrailingZeroCount(m);
            long d = t - cur[off + 3 + r];
            if (d < _regMin[r] || d > _regMax[r])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds a partial match unless one at the same state dominates it; drops the ones it dominates.</summary>
    private void Insert(ref long[] next, ref int n, ReadOnlySpan<long> cand, int eventIndex)
    {
        int stride = Stride;
        int q = (int)cand[0];
        int same = 0;
        for (int k = 0; k < n; k++)
        {
            if (next[k * stride] == q && Dominates(next.AsSpan(k * stride, stride), cand, q))
            {
                return;
            }
        }

        for (int k = n - 1; k >= 0; k--)
        {
            if (next[k * stride] != q)
            {
                continue;
            }

            if (Dominates(cand, next.AsSpan(k * stride, stride), q))
            {
                n--;
                if (k != n)
                {
                    next.AsSpan(n * stride, stride).CopyTo(next.AsSpan(k * stride, stride));
                }
            }
            else
            {
                same++;
            }
        }

        if (same >= _maxPartial)
        {
            throw new InvalidOperationException(
                $"The pattern '{_text}' has more than {_maxPartial} partial matches waiting at one point at event {eventIndex} (their times differ, so none can be dropped); raise PatternOptions.MaxPartialMatches or narrow the pattern's time gaps.");
        }

        if ((n + 1) * stride > next.Length)
        {
            Array.Resize(ref next, Math.Max(next.Length * 2, (n + 1) * stride));
        }

        Copy(cand, next.AsSpan(n * stride, stride));
        n++;
    }

    /// <summary>Copies a partial match (a few longs: a loop costs less than a call to a general memory copy).</summary>
    private static void Copy(ReadOnlySpan<long> from, Span<long> to)
    {
        for (int k = 0; k < from.Length; k++)
        {
            to[k] = from[k];
        }
    }

    /// <summary>Whether partial match a does at least as well as b in every future (both at state q).</summary>
    private bool Dominates(ReadOnlySpan<long> a, ReadOnlySpan<long> b, int q)
    {
        if (a[1] < b[1] || (a[1] == b[1] && a[2] < b[2]))
        {
            return false;
        }

        int baseUse = q * _registers;
        for (int r = 0; r < _registers; r++)
        {
            long x = a[3 + r], y = b[3 + r];
            bool ok = Use[baseUse + r] switch
            {
                RegisterUse.Later => x >= y,
                RegisterUse.Earlier => x <= y,
                RegisterUse.Exact => x == y,
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
