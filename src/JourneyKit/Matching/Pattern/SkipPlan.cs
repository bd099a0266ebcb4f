using System.Collections.Concurrent;
using JourneyKit.Matching.Internal;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// What a pattern's automaton (at most 64 states) says about events that cannot change the matcher's state, before any
/// batch is seen: per state its successors, whether it keeps itself on a plain self-loop (no gap, no time rule, an atom
/// decided by the touchpoint alone), and the atoms that start a match.
/// </summary>
/// <remarks>
/// <para>With active states S (a bit mask; S = 0 when idle), an event is inert — stepping it would leave the same
/// states with the same starts and registers — when every state of S keeps itself (each has such a self-loop and
/// accepts the event), no state outside S that follows one of S accepts it, no two states of S are linked (a link
/// could raise a start), and no state that starts a match accepts it (while matches may start). Then the only effect
/// of the event is the event counter and the previous event's time, so a run of inert events is passed at once.</para>
/// <para>The contract with the matchers: an event whose atom mask meets none of the moving atoms, at states that all
/// keep themselves on a self-loop without a rule, must change nothing but the counter and the previous time. A new
/// effect an event has outside that (an edge rule on a self-loop — e.g. an absence between items forbids an event
/// while in a skip —, an atom outside the masks) must either put a rule on the loop (then the state is not a loop state
/// here) or add its atoms to the moving set in <see cref="Moving"/>; PatternSkipTests checks skip = no skip.</para>
/// <para>Deferring the <c>within</c> check over a run of inert events gives the same answer: times only grow, so a
/// partial match past its window at an inert event is past it at the next event that is stepped, where it is
/// dropped before it can match; a later start always beats it.</para>
/// </remarks>
internal sealed class SkipShape
{
    private readonly int[] _atomOf;
    private readonly ulong[] _successors;

    public SkipShape(PatternAutomaton nfa, (int To, int Rule)[][] follow, ulong startAtoms, bool anchoredStart, ulong absenceAtoms)
    {
        _atomOf = nfa.AtomOf;
        _successors = new ulong[nfa.StateCount];
        StartAtoms = startAtoms;
        AnchoredStart = anchoredStart;
        AbsenceAtoms = absenceAtoms;
        for (int p = 0; p < nfa.StateCount; p++)
        {
            bool loop = false;
            foreach ((int q, int rule) in follow[p])
            {
                _successors[p] |= 1UL << q;
                loop |= q == p && rule < 0;
            }

            if (loop && nfa.Atoms[nfa.AtomOf[p]].IsTouchpointOnly)
            {
                LoopStates |= 1UL << p;
            }
        }
    }

    /// <summary>Gets, per state, its successors as a mask.</summary>
    public ulong[] SuccessorMasks => _successors;

    /// <summary>Gets the states whose atom is in <paramref name="atoms"/>.</summary>
    public ulong StatesOf(ulong atoms)
    {
        ulong states = 0;
        for (int q = 0; q < _atomOf.Length; q++)
        {
            states |= (atoms >> _atomOf[q] & 1) << q;
        }

        return states;
    }

    /// <summary>Gets the states that keep themselves on an inert event (a plain self-loop, a touchpoint-only atom).</summary>
    public ulong LoopStates { get; }

    /// <summary>Gets the atoms of the states that start a match.</summary>
    public ulong StartAtoms { get; }

    /// <summary>Gets whether matches start only at the customer's first event.</summary>
    public bool AnchoredStart { get; }

    /// <summary>Gets the atom of an absence at the end (it cancels a waiting match), or 0.</summary>
    public ulong AbsenceAtoms { get; }

    /// <summary>Builds the per-id flags for active states <paramref name="states"/>, or null when no event is inert there.</summary>
    public bool[]? Moving(ReadOnlySpan<ulong> touchpointTable, ulong states, bool mayStart, bool waiting)
    {
        if (!TryInertAtoms(states, mayStart, waiting, out ulong moving, out ulong held))
        {
            return null;
        }

        var flags = new bool[touchpointTable.Length];
        for (int id = 0; id < flags.Length; id++)
        {
            ulong accepted = touchpointTable[id];
            flags[id] = (accepted & moving) != 0 || (accepted & held) != held;
        }

        return flags;
    }

    /// <summary>Whether an event satisfying the atoms <paramref name="mask"/> is inert at active states
    /// <paramref name="states"/> (the same rule as <see cref="Moving"/>, on one event's atoms instead of a touchpoint's):
    /// a copy of a pattern with a variable passes such an event without a step.</summary>
    public bool IsInert(ulong states, bool mayStart, bool waiting, ulong mask) =>
        TryInertAtoms(states, mayStart, waiting, out ulong moving, out ulong held) && (mask & moving) == 0 && (mask & held) == held;

    /// <summary>The atoms that move active states <paramref name="states"/> and the atoms they need to keep themselves;
    /// false when no event is inert there.</summary>
    private bool TryInertAtoms(ulong states, bool mayStart, bool waiting, out ulong moving, out ulong held)
    {
        moving = 0;
        held = 0;   // atoms every state of S needs (to keep itself)
        if ((states & ~LoopStates) != 0)
        {
            return false;
        }

        ulong leaving = 0; // successors outside S: accepting one of them moves the state
        for (ulong m = states; m != 0; m &= m - 1)
        {
            int p = System.Numerics.BitOperations.TrailingZeroCount(m);
            if ((_successors[p] & states & ~(1UL << p)) != 0)
            {
                return false; // two active states linked: the event could raise a start
            }

            held |= 1UL << _atomOf[p];
            leaving |= _successors[p] & ~states;
        }

        moving = (mayStart ? StartAtoms : 0) | (waiting ? AbsenceAtoms : 0);
        for (ulong m = leaving; m != 0; m &= m - 1)
        {
            moving |= 1UL << _atomOf[System.Numerics.BitOperations.TrailingZeroCount(m)];
        }

        return true;
    }
}

/// <summary>
/// A pattern bound to one batch (its <see cref="BoundConditions"/>) with the searches that pass inert events
/// (<see cref="SkipShape"/>): built once per batch and kept while the batch lives. Thread-safe.
/// </summary>
internal sealed class SkipPlan
{
    private const int MaxCachedStates = 4096;
    private readonly SkipShape? _shape;
    private readonly ConcurrentDictionary<(ulong States, bool Waiting), IdSkip> _active = new();

    public SkipPlan(BoundConditions bound, SkipShape? shape, int[]?[]? variableColumns = null)
    {
        Bound = bound;
        _shape = shape;
        VariableColumns = variableColumns;
        if (shape is null)
        {
            Idle = IdSkip.Never;
            IdleWaiting = IdSkip.Never;
            return;
        }

        if (bound.ResidualMask == 0)
        {
            // Every atom is decided by the touchpoint: per id, the automaton states that accept it.
            ReadOnlySpan<ulong> table = bound.TouchpointTable;
            StateAccept = new ulong[table.Length];
            for (int id = 0; id < table.Length; id++)
            {
                StateAccept[id] = shape.StatesOf(table[id]);
            }
        }

        Idle = Build(0, mayStart: true, waiting: false);
        IdleWaiting = shape.AbsenceAtoms == 0 ? Idle : Build(0, mayStart: true, waiting: true);
    }

    /// <summary>Gets, per touchpoint id, the automaton states whose atom accepts it, when every atom is decided by the
    /// touchpoint alone (no channel, value or attribute part); null otherwise.</summary>
    public ulong[]? StateAccept { get; }

    /// <summary>Gets the atoms bound to the batch.</summary>
    public BoundConditions Bound { get; }

    /// <summary>Gets the batch columns of the pattern variable's attribute keys (null entries: no event has the key), or
    /// null when the pattern has no variable.</summary>
    public int[]?[]? VariableColumns { get; }

    /// <summary>Gets the shape the searches come from, or null when nothing is skipped.</summary>
    public SkipShape? Shape => _shape;

    /// <summary>Gets the search for an idle matcher: the next event that can start a match.</summary>
    public IdSkip Idle { get; }

    /// <summary>Gets the search for an idle timed matcher whose match waits for an absence deadline.</summary>
    public IdSkip IdleWaiting { get; }

    /// <summary>Gets whether any active state can pass events.</summary>
    public bool HasLoops => _shape is not null && _shape.LoopStates != 0;

    /// <summary>Gets the states that may keep themselves on an inert event.</summary>
    public ulong LoopStates => _shape?.LoopStates ?? 0;

    /// <summary>Gets the search for active states <paramref name="states"/> (not 0) past the first event.</summary>
    public IdSkip ForActive(ulong states, bool waiting)
    {
        if (_shape is null || (states & ~_shape.LoopStates) != 0)
        {
            return IdSkip.Never;
        }

        if (_active.TryGetValue((states, waiting), out IdSkip? skip))
        {
            return skip;
        }

        skip = Build(states, mayStart: !_shape.AnchoredStart, waiting);
        if (_active.Count < MaxCachedStates)
        {
            _active.TryAdd((states, waiting), skip);
        }

        return skip;
    }

    private IdSkip Build(ulong states, bool mayStart, bool waiting)
    {
        bool[]? moving = _shape!.Moving(Bound.TouchpointTable, states, mayStart, waiting);
        return moving is null ? IdSkip.Never : IdSkip.From(moving);
    }
}
