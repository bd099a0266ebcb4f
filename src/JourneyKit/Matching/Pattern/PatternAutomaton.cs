using System.Globalization;
using System.Runtime.CompilerServices;

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
    private readonly Dictionary<PatternNode, PatternSize> _sizes;
    private readonly PatternOptions _options;
    private readonly string _text;
    private long _edgeCount;

    private PatternAutomaton(Dictionary<PatternNode, PatternSize> sizes, PatternOptions options, string text)
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

    public static PatternAutomaton Build(PatternTree tree, PatternOptions options, string text)
    {
        var sizes = new Dictionary<PatternNode, PatternSize>(ReferenceEqualityComparer.Instance);
        PatternSize size = Measure(tree.Root, options, text, sizes);
        var automaton = new PatternAutomaton(sizes, options, text);
        Fragment root = automaton.Build(tree.Root);
        System.Diagnostics.Debug.Assert(size.States == automaton.StateCount && size.Edges == automaton.EdgeCount, "the prediction is exact");
        if (root.Nullable)
        {
            throw new PatternSyntaxException(PatternError.MatchesEmpty, 0, "the pattern can match no events at all; make at least one event required", text);
        }

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
        return automaton;
    }

    /// <summary>
    /// Predicts the states and edges <see cref="Build(PatternNode)"/> makes for <paramref name="node"/> (post-order, so
    /// the innermost node past a limit is the one named) and records it in <paramref name="sizes"/>. Nothing is
    /// allocated per state; a repetition stops as soon as it passes a limit, so this is bounded by the tree size times
    /// <see cref="PatternOptions.MaxStates"/>.
    /// </summary>
    internal static PatternSize Measure(PatternNode node, PatternOptions options, string text, Dictionary<PatternNode, PatternSize> sizes)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new PatternSyntaxException(PatternError.TooDeep, node.Offset, "the pattern nests too deeply here", text);
        }

        PatternSize size;
        switch (node)
        {
            case AtomNode:
                size = PatternSize.Atom;
                break;

            case SeqNode seq:
                size = Measure(seq.Items[0], options, text, sizes);
                for (int i = 1; i < seq.Items.Count; i++)
                {
                    size = PatternSize.Concat(size, Measure(seq.Items[i], options, text, sizes));
                    Check(size, seq, options, text);
                }

                break;

            case AltNode alt:
                size = PatternSize.Empty with { Nullable = false };
                foreach (PatternNode option in alt.Options)
                {
                    size = PatternSize.Alternate(size, Measure(option, options, text, sizes));
                    Check(size, alt, options, text);
                }

                break;

            case RepeatNode repeat:
            {
                if (repeat.Max == 0)
                {
                    size = PatternSize.Empty; // X{0}: X is never built, so it is not measured either
                    break;
                }

                PatternSize inner = Measure(repeat.Inner, options, text, sizes);
                if (inner.States == 0)
                {
                    size = PatternSize.Empty;
                    break;
                }

                // Mirrors Build: Min copies in sequence, then a starred copy or the optional copies nested from the right.
                PatternSize? result = null;
                for (int i = 0; i < repeat.Min; i++)
                {
                    result = result is { } r ? PatternSize.Concat(r, inner) : inner;
                    Check(result.Value, repeat, options, text);
                }

                if (repeat.Max == -1)
                {
                    PatternSize star = PatternSize.Star(inner);
                    result = result is { } r ? PatternSize.Concat(r, star) : star;
                }
                else if (repeat.Max > repeat.Min)
                {
                    PatternSize tail = inner with { Nullable = true };
                    for (int i = repeat.Min + 1; i < repeat.Max; i++)
                    {
                        tail = PatternSize.Concat(inner, tail) with { Nullable = true };
                        Check(tail, repeat, options, text);
                    }

                    result = result is { } r ? PatternSize.Concat(r, tail) : tail;
                }

                size = result!.Value;
                break;
            }

            default:
                throw new InvalidOperationException();
        }

        Check(size, node, options, text);
        sizes[node] = size;
        return size;
    }

    private static void Check(PatternSize size, PatternNode node, PatternOptions options, string text)
    {
        if (size.States > options.MaxStates)
        {
            throw new PatternSyntaxException(PatternError.TooManyStates, node.Offset, $"{Describe(node, text)} needs more than {options.MaxStates.ToString("N0", CultureInfo.InvariantCulture)} automaton states (PatternOptions.MaxStates)", text);
        }

        if (size.Edges > options.MaxEdges)
        {
            throw new PatternSyntaxException(PatternError.TooManyEdges, node.Offset, $"{Describe(node, text)} needs more than {options.MaxEdges.ToString("N0", CultureInfo.InvariantCulture)} automaton edges, the work done per event (PatternOptions.MaxEdges)", text);
        }
    }

    /// <summary>Names the offending part: the quantifier as written, or the kind of node.</summary>
    private static string Describe(PatternNode node, string text) => node switch
    {
        RepeatNode r => $"the repetition '{Quantifier(r, text)}' here",
        AltNode => "this alternation",
        SeqNode => "this sequence",
        _ => "this event",
    };

    private static string Quantifier(RepeatNode r, string text)
    {
        if (r.Offset >= 0 && r.Offset < text.Length && text[r.Offset] is '?' or '*' or '+')
        {
            return text[r.Offset].ToString();
        }

        int close = r.Offset >= 0 && r.Offset < text.Length ? text.IndexOf('}', r.Offset) : -1;
        return close > r.Offset && close - r.Offset <= 24 ? text[r.Offset..(close + 1)] : "{…}";
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
                int atomIndex = _atoms.IndexOf(atom.Condition);
                if (atomIndex < 0)
                {
                    if (_atoms.Count == Internal.BoundConditions.MaxConditions)
                    {
                        throw new PatternSyntaxException(PatternError.TooManyAtoms, atom.Offset, $"a pattern may use at most {Internal.BoundConditions.MaxConditions} distinct events", _text);
                    }

                    atomIndex = _atoms.Count;
                    _atoms.Add(atom.Condition);
                }

                int p = _atomOf.Count;
                if (p >= _options.MaxStates)
                {
                    throw new PatternSyntaxException(PatternError.TooManyStates, atom.Offset, $"the automaton needs more than {_options.MaxStates} states (PatternOptions.MaxStates)", _text);
                }

                _atomOf.Add(atomIndex);
                _follow.Add([]);
                return new Fragment(false, [p], [p]);
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
                foreach (PatternNode option in alt.Options)
                {
                    Fragment f = Build(option);
                    nullable |= f.Nullable;
                    first.AddRange(f.First);
                    last.AddRange(f.Last);
                }

                return new Fragment(nullable, first, last);
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
                    Connect(star.Last, star.First, null);
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

    private Fragment Concat(Fragment a, Fragment b, GapBounds? gap)
    {
        Connect(a.Last, b.First, gap);
        var first = new List<int>(a.First);
        if (a.Nullable)
        {
            first.AddRange(b.First);
        }

        var last = new List<int>(b.Last);
        if (b.Nullable)
        {
            last.AddRange(a.Last);
        }

        return new Fragment(a.Nullable && b.Nullable, first, last);
    }

    private void Connect(List<int> from, List<int> to, GapBounds? gap)
    {
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

        foreach (int p in from)
        {
            foreach (int q in to)
            {
                _follow[p].Add((q, gapIndex));
            }
        }
    }

    private sealed record Fragment(bool Nullable, List<int> First, List<int> Last)
    {
        public static Fragment Empty() => new(true, [], []);
    }
}

/// <summary>
/// What building a pattern node makes: whether it matches the empty sequence, the sizes of its first and last position
/// sets, its states and its follow edges. Counts saturate instead of overflowing.
/// </summary>
internal readonly record struct PatternSize(bool Nullable, long First, long Last, long States, long Edges)
{
    private const long Cap = long.MaxValue / 4;

    public static PatternSize Atom => new(false, 1, 1, 1, 0);

    public static PatternSize Empty => new(true, 0, 0, 0, 0);

    public static PatternSize Concat(PatternSize a, PatternSize b) => new(
        a.Nullable && b.Nullable,
        Add(a.First, a.Nullable ? b.First : 0),
        Add(b.Last, b.Nullable ? a.Last : 0),
        Add(a.States, b.States),
        Add(Add(a.Edges, b.Edges), Multiply(a.Last, b.First)));

    public static PatternSize Alternate(PatternSize a, PatternSize b) => new(
        a.Nullable || b.Nullable, Add(a.First, b.First), Add(a.Last, b.Last), Add(a.States, b.States), Add(a.Edges, b.Edges));

    public static PatternSize Star(PatternSize x) => new(true, x.First, x.Last, x.States, Add(x.Edges, Multiply(x.Last, x.First)));

    private static long Add(long a, long b) => Math.Min(Cap, a + b);

    private static long Multiply(long a, long b) => a == 0 || b == 0 ? 0 : a > Cap / b ? Cap : Math.Min(Cap, a * b);
}
