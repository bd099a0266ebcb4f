using System.Globalization;
using System.Runtime.CompilerServices;

using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// The Glushkov automaton of a pattern: one state per atom occurrence (no ε-moves), follow edges carrying optional gap
/// bounds. Before anything is built, <see cref="PatternSize"/> predicts exactly how many states and edges each node will
/// build; the first (innermost) node past <see cref="PatternOptions.MaxStates"/> or <see cref="PatternOptions.MaxEdges"/>
/// is rejected at its offset. The builder counts again while building, so construction is bounded even if the
/// prediction were wrong.
/// </summary>
internal sealed class PatternAutomaton
{
    private readonly List<int> _atomOf = [];
    private readonly List<List<(int To, int Gap)>> _follow = [];
    private readonly List<GapBounds> _gaps = [];
    private readonly List<EventCondition> _atoms = [];
    private readonly IReadOnlyDictionary<PatternNode, PatternSize> _sizes;
    private readonly PatternOptions _options;
    private readonly string _text;
    private readonly List<int> _skipOf = [];
    private readonly List<List<int>> _followRule = [];
    private readonly List<EdgeRule> _rules = [];
    private readonly List<TimeRegister> _registers = [];
    private readonly Dictionary<PatternNode, int> _registerOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<(int Lo, int Reg)> _openGroups = [];
    private readonly List<(int Lo, int Hi, int Reg)> _groupCopies = [];
    private readonly Dictionary<int, (ulong Atom, long Ticks)> _forbidOf = []; // skip register → absence in its window
    private long _edgeCount;

    private PatternAutomaton(IReadOnlyDictionary<PatternNode, PatternSize> sizes, PatternOptions options, string text)
    {
        _sizes = sizes;
        _options = options;
        _text = text;
    }

    public int StateCount => _atomOf.Count;

    /// <summary>Gets the number of follow edges (the per-event work besides the states).</summary>
    public long EdgeCount => _edgeCount;

    public int[] AtomOf { get; private set; } = [];

    public (int To, int Gap)[][] Follow { get; private set; } = [];

    public GapBounds[] Gaps { get; private set; } = [];

    public int[] Initial { get; private set; } = [];

    public bool[] IsFinal { get; private set; } = [];

    public EventCondition[] Atoms { get; private set; } = [];

    /// <summary>Gets the time registers (<c>~~</c> gaps and groups with <c>within</c>); empty for plain patterns.</summary>
    public TimeRegister[] Registers { get; private set; } = [];

    /// <summary>Gets, per state, its follow edges with the index of their <see cref="Rules"/> entry (-1: none); only when <see cref="Registers"/> is not empty.</summary>
    public (int To, int Rule)[][] FollowRule { get; private set; } = [];

    /// <summary>Gets the edge rules of <see cref="FollowRule"/>.</summary>
    public EdgeRule[] Rules { get; private set; } = [];

    /// <summary>Gets, per initial state, the registers a match starting there sets to the event's time.</summary>
    public ulong[] InitialSets { get; private set; } = [];

    /// <summary>Gets, per state and register (state × register count), how a partial match there prefers the register's value.</summary>
    public RegisterUse[] Use { get; private set; } = [];

    /// <summary>The most <c>~~</c> gaps plus groups with <c>within</c> a pattern may have (each is a time kept per partial match).</summary>
    public const int MaxRegisters = PatternConstants.MaxTimeConstraints;

    /// <summary>Builds the automaton of a pattern whose size <see cref="ParsedPattern"/> has already measured and checked; <paramref name="extraAtoms"/> are atoms to track besides the pattern's (ClickHouse mode).</summary>
    public static PatternAutomaton Build(ParsedPattern parsed, IReadOnlyList<EventCondition>? extraAtoms = null)
    {
        string text = parsed.Text;
        var automaton = new PatternAutomaton(parsed.Sizes, parsed.Options, text);
        foreach (EventCondition extra in extraAtoms ?? [])
        {
            if (!automaton._atoms.Contains(extra))
            {
                if (automaton._atoms.Count == Internal.BoundConditions.MaxConditions)
                {
                    throw new PatternSyntaxException(PatternError.TooManyAtoms, 0, $"a pattern may use at most {Internal.BoundConditions.MaxConditions} distinct events", text);
                }

                automaton._atoms.Add(extra);
            }
        }

        Fragment root = automaton.Build(parsed.Tree.Root);
        System.Diagnostics.Debug.Assert(parsed.Size.States == automaton.StateCount && parsed.Size.Edges == automaton.EdgeCount, "the prediction is exact");
        System.Diagnostics.Debug.Assert(!root.Nullable, "ParsedPattern rejects patterns that match the empty sequence");

        automaton.AtomOf = [.. automaton._atomOf];
        automaton.Follow = new (int To, int Gap)[automaton._follow.Count][];
        for (int p = 0; p < automaton._follow.Count; p++)
        {
            automaton.Follow[p] = [.. automaton._follow[p]];
        }

        automaton.Gaps = [.. automaton._gaps];
        automaton.Initial = [.. root.First];
        automaton.IsFinal = new bool[automaton.StateCount];
        foreach (int p in root.Last)
        {
            automaton.IsFinal[p] = true;
        }

        automaton.Atoms = [.. automaton._atoms];
        automaton.FinishRegisters(root);
        return automaton;
    }

    private void FinishRegisters(Fragment root)
    {
        Registers = [.. _registers];
        if (Registers.Length == 0)
        {
            return;
        }

        FollowRule = new (int To, int Rule)[_follow.Count][];
        for (int p = 0; p < _follow.Count; p++)
        {
            FollowRule[p] = new (int To, int Rule)[_follow[p].Count];
            for (int k = 0; k < _follow[p].Count; k++)
            {
                FollowRule[p][k] = (_follow[p][k].To, _followRule[p][k]);
            }
        }

        Rules = [.. _rules];
        int r = Registers.Length;
        Use = new RegisterUse[StateCount * r];
        foreach ((int lo, int hi, int reg) in _groupCopies)
        {
            for (int q = lo; q < hi; q++)
            {
                Use[(q * r) + reg] = Registers[reg].MaxTicks == long.MaxValue ? RegisterUse.None : RegisterUse.Later;
            }
        }

        for (int q = 0; q < StateCount; q++)
        {
            if (_skipOf[q] >= 0)
            {
                TimeRegister t = Registers[_skipOf[q]];
                bool min = t.MinTicks > 0, max = t.MaxTicks != long.MaxValue;
                Use[(q * r) + _skipOf[q]] = min && max ? RegisterUse.Exact : min ? RegisterUse.Earlier : max ? RegisterUse.Later : RegisterUse.None;
            }
        }

        InitialSets = new ulong[Initial.Length];
        for (int i = 0; i < Initial.Length; i++)
        {
            InitialSets[i] = GroupsContaining(Initial[i], open: false);
        }
    }

    /// <summary>The group registers whose copies contain state <paramref name="q"/>: the open ones (being built) or the finished ones.</summary>
    private ulong GroupsContaining(int q, bool open)
    {
        ulong mask = 0;
        if (open)
        {
            foreach ((int lo, int reg) in _openGroups)
            {
                mask |= q >= lo ? 1UL << reg : 0;
            }
        }
        else
        {
            foreach ((int lo, int hi, int reg) in _groupCopies)
            {
                mask |= q >= lo && q < hi ? 1UL << reg : 0;
            }
        }

        return mask;
    }

    private int RegisterOf(PatternNode node, TimeRegister register)
    {
        if (!_registerOf.TryGetValue(node, out int reg))
        {
            if (_registers.Count == MaxRegisters)
            {
                throw new PatternSyntaxException(PatternError.TooManyTimeConstraints, node.Offset, $"a pattern may have at most {MaxRegisters} time gaps '~~(…)' and groups with 'within' (each is a time kept per partial match)", _text);
            }

            reg = _registers.Count;
            _registers.Add(register);
            _registerOf[node] = reg;
        }

        return reg;
    }

    private Fragment Build(PatternNode node)
    {
        if (_sizes[node].States == 0)
        {
            return Fragment.Empty(); // e.g. a{0}: nothing to build, however often it is repeated
        }

        switch (node)
        {
            case AtomNode atom:
            {
                int p = NewState(atom.Condition, atom.Offset);
                return new Fragment(false, [p], [p], [0]);
            }

            case SkipNode skip:
            {
                int reg = RegisterOf(skip, new TimeRegister(skip.Bounds.MinTicks, skip.Bounds.MaxTicks, FromPrevious: true));
                int p = NewState(EventCondition.Any, skip.Offset);
                _skipOf[p] = reg;
                if (skip.Forbid is { } forbid)
                {
                    _forbidOf[reg] = (1UL << AtomIndex(forbid, skip.Offset), skip.ForbidTicks);
                }

                _edgeCount++;
                if (_edgeCount > _options.MaxEdges)
                {
                    throw new PatternSyntaxException(PatternError.TooManyEdges, skip.Offset, $"the automaton needs more than {_options.MaxEdges} edges (PatternOptions.MaxEdges)", _text);
                }

                // The skip's own loop carries its register; a skipped event is an event of every group the skip is in
                // (their 'within' is checked), and may not be an absence's event inside its window.
                _follow[p].Add((p, -1));
                _followRule[p].Add(-1);
                ulong inside = GroupsContaining(p, open: true);
                bool forbids = _forbidOf.TryGetValue(reg, out (ulong Atom, long Ticks) f);
                if (inside != 0 || forbids)
                {
                    _rules.Add(new EdgeRule(0, long.MaxValue, inside, 0) { Forbid = forbids ? f.Atom : 0, ForbidTicks = f.Ticks, ForbidRegister = reg });
                    _followRule[p][^1] = _rules.Count - 1;
                }

                return new Fragment(true, [p], [p], [1UL << reg]) { NullPending = 1UL << reg };
            }

            case WithinNode within:
            {
                int reg = RegisterOf(within, new TimeRegister(0, within.MaxTicks, FromPrevious: false));
                int lo = _atomOf.Count;
                _openGroups.Add((lo, reg));
                Fragment inner = Build(within.Inner);
                _openGroups.RemoveAt(_openGroups.Count - 1);
                _groupCopies.Add((lo, _atomOf.Count, reg));
                return inner;
            }

            case SeqNode seq:
            {
                Fragment result = Build(seq.Items[0]);
                for (int i = 1; i < seq.Items.Count; i++)
                {
                    result = Concat(result, Build(seq.Items[i]), seq.Gaps[i]);
                }

                return result;
            }

            case AltNode alt:
            {
                bool nullable = false;
                var first = new List<int>();
                var last = new List<int>();
                var exit = new List<ulong>();
                foreach (PatternNode option in alt.Options)
                {
                    Fragment f = Build(option);
                    nullable |= f.Nullable;
                    first.AddRange(f.First);
                    last.AddRange(f.Last);
                    exit.AddRange(f.LastExit);
                }

                return new Fragment(nullable, first, last, exit);
            }

            case RepeatNode repeat:
            {
                Fragment? result = null;
                for (int i = 0; i < repeat.Min; i++)
                {
                    Fragment copy = Build(repeat.Inner);
                    result = result is null ? copy : Concat(result, copy, null);
                }

                if (repeat.Max == -1)
                {
                    Fragment star = Build(repeat.Inner);
                    Connect(star, star.First, null);
                    star = star with { Nullable = true };
                    result = result is null ? star : Concat(result, star, null);
                }
                else if (repeat.Max > repeat.Min)
                {
                    // X{0,k} as (X (X (X)?)?)?: the same language with edges linear in k (k optional copies side by side
                    // would connect every copy to every later one).
                    int optional = repeat.Max - repeat.Min;
                    var copies = new Fragment[optional];
                    for (int i = 0; i < optional; i++)
                    {
                        copies[i] = Build(repeat.Inner);
                    }

                    Fragment tail = copies[optional - 1] with { Nullable = true };
                    for (int i = optional - 2; i >= 0; i--)
                    {
                        tail = Concat(copies[i], tail, null) with { Nullable = true };
                    }

                    result = result is null ? tail : Concat(result, tail, null);
                }

                return result ?? Fragment.Empty();
            }

            default:
                throw new InvalidOperationException();
        }
    }

    private int AtomIndex(EventCondition condition, int offset)
    {
        int atomIndex = _atoms.IndexOf(condition);
        if (atomIndex < 0)
        {
            if (_atoms.Count == Internal.BoundConditions.MaxConditions)
            {
                throw new PatternSyntaxException(PatternError.TooManyAtoms, offset, $"a pattern may use at most {Internal.BoundConditions.MaxConditions} distinct events", _text);
            }

            atomIndex = _atoms.Count;
            _atoms.Add(condition);
        }

        return atomIndex;
    }

    private int NewState(EventCondition condition, int offset)
    {
        int atomIndex = AtomIndex(condition, offset);
        int p = _atomOf.Count;
        if (p >= _options.MaxStates)
        {
            throw new PatternSyntaxException(PatternError.TooManyStates, offset, $"the automaton needs more than {_options.MaxStates} states (PatternOptions.MaxStates)", _text);
        }

        _atomOf.Add(atomIndex);
        _follow.Add([]);
        _followRule.Add([]);
        _skipOf.Add(-1);
        return p;
    }

    private Fragment Concat(Fragment a, Fragment b, GapBounds? gap)
    {
        Connect(a, b.First, gap);
        var first = new List<int>(a.First);
        if (a.Nullable)
        {
            first.AddRange(b.First);
        }

        var last = new List<int>(b.Last);
        var exit = new List<ulong>(b.LastExit);
        if (b.Nullable)
        {
            last.AddRange(a.Last);
            foreach (ulong e in a.LastExit)
            {
                exit.Add(e | b.NullPending); // a zero-length skip: its bound applies to a's last events
            }
        }

        return new Fragment(a.Nullable && b.Nullable, first, last, exit);
    }

    private void Connect(Fragment fromFragment, List<int> to, GapBounds? gap)
    {
        List<int> from = fromFragment.Last;
        long edges = (long)from.Count * to.Count;
        if (edges == 0)
        {
            return;
        }

        _edgeCount += edges;
        if (_edgeCount > _options.MaxEdges)
        {
            throw new PatternSyntaxException(PatternError.TooManyEdges, 0, $"the automaton needs more than {_options.MaxEdges} edges (PatternOptions.MaxEdges)", _text);
        }

        int gapIndex = -1;
        if (gap is { } g)
        {
            gapIndex = _gaps.Count;
            _gaps.Add(g);
        }

        for (int i = 0; i < from.Count; i++)
        {
            int p = from[i];
            foreach (int q in to)
            {
                _follow[p].Add((q, gapIndex));
                _followRule[p].Add(RuleFor(p, fromFragment.LastExit[i], q, gap));
            }
        }
    }

    /// <summary>
    /// The time rule of edge p → q: the adjacent gap and the bounds of zero-length skips (time since the previous event),
    /// the bound of the skip p loops in (time since its register), the groups q is inside (checked) or enters (set),
    /// and the skip q starts (set to the previous event's time). -1 when there is nothing to check or set.
    /// </summary>
    private int RuleFor(int p, ulong exit, int q, GapBounds? gap)
    {
        long min = gap?.MinTicks ?? 0, max = gap?.MaxTicks ?? long.MaxValue;
        ulong check = 0;
        for (ulong m = exit; m != 0; m &= m - 1)
        {
            int reg = System.Numerics.BitOperations.TrailingZeroCount(m);
            if (_skipOf[p] == reg)
            {
                check |= 1UL << reg;
            }
            else
            {
                min = Math.Max(min, _registers[reg].MinTicks);
                max = Math.Min(max, _registers[reg].MaxTicks);
            }
        }

        ulong inside = GroupsContaining(q, open: true);
        ulong entered = GroupsContaining(q, open: false) & ~inside;
        check |= inside;
        ulong set = entered | (_skipOf[q] >= 0 && p != q ? 1UL << _skipOf[q] : 0);
        bool forbids = _skipOf[q] >= 0 && _forbidOf.ContainsKey(_skipOf[q]);
        if (min == 0 && max == long.MaxValue && check == 0 && set == 0 && !forbids)
        {
            return -1;
        }

        EdgeRule rule = new(min, max, check, set);
        if (forbids)
        {
            (ulong atom, long ticks) = _forbidOf[_skipOf[q]];
            rule = rule with { Forbid = atom, ForbidTicks = ticks, ForbidRegister = _skipOf[q] };
        }

        _rules.Add(rule);
        return _rules.Count - 1;
    }

    private sealed record Fragment(bool Nullable, List<int> First, List<int> Last, List<ulong> LastExit)
    {
        /// <summary>Gets the skips a zero-length match of this fragment leaves pending (only a bare <c>~~</c> has any).</summary>
        public ulong NullPending { get; init; }

        public static Fragment Empty() => new(true, [], [], []);
    }
}

/// <summary>A time kept per partial match: a <c>~~</c> gap (set to the event before it; the next event must come
/// Min..Max after it) or a group with <c>within</c> (set to its first event; every later event of the group at most Max after it).</summary>
internal readonly record struct TimeRegister(long MinTicks, long MaxTicks, bool FromPrevious);

/// <summary>What an edge checks and sets: Since* bounds the time since the previous event; every register in Check
/// must be within its bounds; the registers in Set take this (group) or the previous (skip) event's time.</summary>
internal readonly record struct EdgeRule(long SinceMin, long SinceMax, ulong Check, ulong Set)
{
    /// <summary>Gets the atoms (an absence between two items) an event entering or staying in a skip may not satisfy
    /// while it is at most <see cref="ForbidTicks"/> after the skip's register <see cref="ForbidRegister"/>; 0: none.</summary>
    public ulong Forbid { get; init; }

    /// <summary>Gets the absence's window (inclusive).</summary>
    public long ForbidTicks { get; init; }

    /// <summary>Gets the skip's register the window is measured from.</summary>
    public int ForbidRegister { get; init; }
}

/// <summary>How a partial match at a state prefers a register: not used, later (only upper bounds ahead), earlier
/// (only lower bounds ahead), or exactly (both: no partial match dominates another with a different value).</summary>
internal enum RegisterUse : byte
{
    None,
    Later,
    Earlier,
    Exact,
}
