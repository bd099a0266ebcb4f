namespace JourneyKit.Matching.Pattern;

/// <summary>
/// The Glushkov automaton of a pattern: one state per atom occurrence (no ε-moves), follow edges carrying optional gap
/// bounds. Built from the tree after checking its expanded size against <see cref="PatternOptions.MaxStates"/>.
/// </summary>
internal sealed class PatternAutomaton
{
    private readonly List<int> _atomOf = [];
    private readonly List<List<(int To, int Gap)>> _follow = [];
    private readonly List<GapBounds> _gaps = [];
    private readonly List<EventCondition> _atoms = [];

    private PatternAutomaton()
    {
    }

    public int StateCount => _atomOf.Count;

    public int[] AtomOf { get; private set; } = [];

    public (int To, int Gap)[][] Follow { get; private set; } = [];

    public GapBounds[] Gaps { get; private set; } = [];

    public int[] Initial { get; private set; } = [];

    public bool[] IsFinal { get; private set; } = [];

    public EventCondition[] Atoms { get; private set; } = [];

    public static PatternAutomaton Build(PatternTree tree, PatternOptions options, string text)
    {
        long size = Size(tree.Root, options.MaxStates, text);
        _ = size;
        var automaton = new PatternAutomaton();
        Fragment root = automaton.Build(tree.Root, text);
        if (root.Nullable)
        {
            throw new PatternSyntaxException(PatternError.MatchesEmpty, 0, "the pattern can match no events at all; make at least one event required", text);
        }

        automaton.AtomOf = [.. automaton._atomOf];
        automaton.Follow = [.. automaton._follow.Select(f => f.ToArray())];
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

    /// <summary>The number of states the node expands to; throws at the first quantifier that passes the limit.</summary>
    private static long Size(PatternNode node, int limit, string text)
    {
        long size = node switch
        {
            AtomNode => 1,
            SeqNode s => s.Items.Sum(i => Size(i, limit, text)),
            AltNode a => a.Options.Sum(o => Size(o, limit, text)),
            RepeatNode r => Size(r.Inner, limit, text) * Math.Max(1, r.Max == -1 ? Math.Max(r.Min, 1) : r.Max),
            _ => throw new InvalidOperationException(),
        };
        if (size > limit)
        {
            throw new PatternSyntaxException(PatternError.TooManyStates, node.Offset, $"the automaton would need {size} states here; the limit (PatternOptions.MaxStates) is {limit}", text);
        }

        return size;
    }

    private Fragment Build(PatternNode node, string text)
    {
        switch (node)
        {
            case AtomNode atom:
            {
                int atomIndex = _atoms.IndexOf(atom.Condition);
                if (atomIndex < 0)
                {
                    if (_atoms.Count == Internal.BoundConditions.MaxConditions)
                    {
                        throw new PatternSyntaxException(PatternError.TooManyAtoms, atom.Offset, $"a pattern may use at most {Internal.BoundConditions.MaxConditions} distinct events", text);
                    }

                    atomIndex = _atoms.Count;
                    _atoms.Add(atom.Condition);
                }

                int p = _atomOf.Count;
                _atomOf.Add(atomIndex);
                _follow.Add([]);
                return new Fragment(false, [p], [p]);
            }

            case SeqNode seq:
            {
                Fragment result = Build(seq.Items[0], text);
                for (int i = 1; i < seq.Items.Count; i++)
                {
                    result = Concat(result, Build(seq.Items[i], text), seq.Gaps[i]);
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
                    Fragment f = Build(option, text);
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
                    Fragment copy = Build(repeat.Inner, text);
                    result = result is null ? copy : Concat(result, copy, null);
                }

                if (repeat.Max == -1)
                {
                    Fragment star = Build(repeat.Inner, text);
                    Connect(star.Last, star.First, null);
                    star = star with { Nullable = true };
                    result = result is null ? star : Concat(result, star, null);
                }
                else
                {
                    for (int i = repeat.Min; i < repeat.Max; i++)
                    {
                        Fragment optional = Build(repeat.Inner, text) with { Nullable = true };
                        result = result is null ? optional : Concat(result, optional, null);
                    }
                }

                return result ?? new Fragment(true, [], []);
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

    private sealed record Fragment(bool Nullable, List<int> First, List<int> Last);
}
