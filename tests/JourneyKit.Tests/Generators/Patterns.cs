using FsCheck;
using FsCheck.Fluent;

namespace JourneyKit.Tests.Generators;

/// <summary>Which parts of the pattern language a generator draws from.</summary>
public sealed record PatternFeatures
{
    /// <summary>Plain patterns: sets, negated sets, predicates, adjacent gaps <c>~(…)</c>, anchors, <c>within</c>.</summary>
    public static readonly PatternFeatures Plain = new();

    /// <summary>Timed patterns: gaps <c>~~(…)</c> between matched items and groups with <c>within</c> (the timed matcher).</summary>
    public static readonly PatternFeatures Timed = new() { Predicates = false, NegatedSets = false, TimedGaps = true, GroupWindows = true, Anchors = false, MinItems = 2 };

    public int Touchpoints { get; init; } = 3;

    public bool Predicates { get; init; } = true;

    public bool NegatedSets { get; init; } = true;

    public bool TimedGaps { get; init; }

    public bool GroupWindows { get; init; }

    public bool Anchors { get; init; } = true;

    public int MinItems { get; init; } = 1;

    public int MaxItems { get; init; } = 4;

    public int MaxDepth { get; init; } = 2;
}

/// <summary>FsCheck generators and shrinkers of <see cref="PatternCase"/> and <see cref="PatternAst"/>.</summary>
public static class Patterns
{
    public static Arbitrary<PatternCase> Of(PatternFeatures features) => Arb.From(Case(features), Shrink);

    /// <summary>Patterns whose automaton has more than 64 states (the general stepping path, not the 64-bit mask one):
    /// a sequence of 3–6 counted repetitions of groups of alternatives, optionally with <c>.*</c> between, kept when the automaton has more than 64 states, over touchpoints a and b with sets and <c>.</c> so
    /// that matches stay likely.</summary>
    public static Arbitrary<PatternCase> Large() => Arb.From(LargeCase(), Shrink);

    public static Gen<PatternCase> Case(PatternFeatures f) =>
        from root in Root(f, 0)
        from start in f.Anchors ? Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true))) : Gen.Constant(false)
        from end in f.Anchors ? Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true))) : Gen.Constant(false)
        from within in Gen.Frequency((2, Gen.Constant(-1)), (1, Gen.Choose(2, 6)))
        select new PatternCase(root, start, end, within);

    private static Gen<PatternAst> Root(PatternFeatures f, int depth) =>
        Gen.Frequency(
            (4, Sequence(f, depth)),
            (1, from left in Sequence(f, depth) from right in Item(f, depth) select (PatternAst)new AlternationAst(left, right)));

    private static Gen<PatternAst> Sequence(PatternFeatures f, int depth) =>
        from count in Gen.Choose(depth == 0 ? f.MinItems : 1, depth == 0 ? f.MaxItems : 3)
        from items in Item(f, depth).ArrayOf(count)
        from gaps in Gap(f).ArrayOf(count)
        select items.Length == 1 ? items[0] : new SequenceAst(items, [null, .. gaps[1..]]);

    private static Gen<GapAst?> Gap(PatternFeatures f)
    {
        Gen<GapAst?> none = Gen.Constant<GapAst?>(null);
        Gen<GapAst?> adjacent = Gen.Elements<GapAst?>(new GapAst(false, -1, 3), new GapAst(false, 2, -1), new GapAst(false, -1, 2));
        if (!f.TimedGaps)
        {
            return Gen.Frequency((3, none), (1, adjacent));
        }

        Gen<GapAst?> timed =
            from kind in Gen.Choose(0, 4)
            from a in Gen.Choose(0, 3)
            from b in Gen.Choose(2, 4)
            select (GapAst?)(kind switch
            {
                0 => new GapAst(true, a, -1),
                1 => new GapAst(true, -1, a),
                2 => new GapAst(true, Math.Min(a, 1), b),
                3 => new GapAst(true, Math.Min(a, 2), -1, Exclusive: true),
                _ => new GapAst(true, Math.Min(a, 2), -1, Exact: true),
            });
        return Gen.Frequency((4, none), (5, timed), (1, Gen.Elements<GapAst?>(new GapAst(false, -1, 2))));
    }

    private static Gen<PatternAst> Item(PatternFeatures f, int depth) =>
        from primary in depth < f.MaxDepth
            ? Gen.Frequency((4, Atom(f)), (1, Group(f, depth)))
            : Atom(f)
        from quantifier in Gen.Frequency(
            (6, Gen.Constant((Min: 1, Max: 1))),
            (1, Gen.Constant((Min: 0, Max: 1))),
            (1, Gen.Constant((Min: 0, Max: -1))),
            (1, Gen.Constant((Min: 1, Max: -1))),
            (1, Gen.Elements((Min: 1, Max: 2), (Min: 0, Max: 3))))
        select quantifier == (1, 1) ? primary : new RepeatAst(primary, quantifier.Min, quantifier.Max);

    private static Gen<PatternAst> Group(PatternFeatures f, int depth) =>
        from inner in Root(f, depth + 1)
        from within in f.GroupWindows ? Gen.Frequency((1, Gen.Constant(-1)), (1, Gen.Choose(0, 4))) : Gen.Constant(-1)
        select (PatternAst)new GroupAst(inner, within);

    private static Gen<PatternAst> Atom(PatternFeatures f)
    {
        int n = f.Touchpoints;
        var kinds = new List<(int, Gen<PatternAst>)>
        {
            (4, Gen.Choose(0, n - 1).Select(a => (PatternAst)new AtomAst(AtomKind.Touchpoint, a))),
            (1, Gen.Constant((PatternAst)new AtomAst(AtomKind.Any, 0))),
            (1, from a in Gen.Choose(0, n - 1) from b in Gen.Choose(0, n - 1) select (PatternAst)new AtomAst(AtomKind.Set, a, b)),
        };
        if (f.NegatedSets)
        {
            kinds.Add((1, Gen.Choose(0, n - 1).Select(a => (PatternAst)new AtomAst(AtomKind.NotSet, a))));
        }

        if (f.Predicates)
        {
            kinds.Add((1, from a in Gen.Choose(0, n - 1) from k in Gen.Elements(AtomKind.Web, AtomKind.ValueAbove1) select (PatternAst)new AtomAst(k, a)));
        }

        return Gen.Frequency(kinds);
    }

    private static Gen<PatternCase> LargeCase() =>
        (from count in Gen.Choose(3, 6)
         from items in LargeItem().ArrayOf(count)
         from spaced in Gen.Elements(false, true)
         select new PatternCase(Spaced(items, spaced)))
        .Where(c => StateCount(c.Text) > 64);

    /// <summary>The items one after another, or with <c>.*</c> between them (each group anywhere after the previous).</summary>
    private static SequenceAst Spaced(PatternAst[] items, bool spaced)
    {
        var all = new List<PatternAst>();
        foreach (PatternAst item in items)
        {
            if (spaced && all.Count > 0)
            {
                all.Add(new RepeatAst(new AtomAst(AtomKind.Any, 0), 0, -1));
            }

            all.Add(item);
        }

        return new SequenceAst([.. all], new GapAst?[all.Count]);
    }

    /// <summary>A group of 2–3 alternatives of 2–3 atoms each, repeated {m,n} with m ≥ 1: many states, all active side by
    /// side, while a match needs only one alternative per copy.</summary>
    private static Gen<PatternAst> LargeItem() =>
        from branches in LargeBranch().ArrayOf(3)
        from three in Gen.Elements(false, true)
        from min in Gen.Choose(1, 3)
        from extra in Gen.Choose(0, 2)
        let alternation = new AlternationAst(branches[0], three ? new AlternationAst(branches[1], branches[2]) : branches[1])
        select (PatternAst)new RepeatAst(new GroupAst(alternation), min, min + extra);

    private static Gen<PatternAst> LargeBranch() =>
        from size in Gen.Choose(2, 3)
        from atoms in Gen.Frequency(
            (4, Gen.Choose(0, 1).Select(a => (PatternAst)new AtomAst(AtomKind.Touchpoint, a))),
            (1, Gen.Constant((PatternAst)new AtomAst(AtomKind.Any, 0))),
            (1, Gen.Constant((PatternAst)new AtomAst(AtomKind.Set, 0, 1))),
            (1, Gen.Choose(0, 1).Select(a => (PatternAst)new RepeatAst(new AtomAst(AtomKind.Touchpoint, a), 0, 1)))).ArrayOf(size)
        select (PatternAst)new SequenceAst(atoms, new GapAst?[atoms.Length]);

    /// <summary>The automaton's size for a pattern text, or 0 when the compiler refuses it.</summary>
    public static int StateCount(string text)
    {
        try
        {
            return JourneyKit.Matching.Pattern.CompiledPattern.Compile(text).StateCount;
        }
        catch (JourneyKit.Model.Patterns.PatternSyntaxException)
        {
            return 0;
        }
    }

    /// <summary>Simpler cases: no anchors, no window, no absence, then a simpler tree.</summary>
    public static IEnumerable<PatternCase> Shrink(PatternCase c)
    {
        if (c.AnchorStart)
        {
            yield return c with { AnchorStart = false };
        }

        if (c.AnchorEnd)
        {
            yield return c with { AnchorEnd = false };
        }

        if (c.WithinSeconds >= 0)
        {
            yield return c with { WithinSeconds = -1 };
        }

        if (c.Absence is { } absence)
        {
            if (absence.Seconds > 0)
            {
                yield return c with { Absence = absence with { Seconds = 0 } };
            }

            if (absence.Touchpoint > 0)
            {
                yield return c with { Absence = absence with { Touchpoint = 0 } };
            }
        }

        foreach (PatternAst root in Shrink(c.Root))
        {
            yield return c with { Root = root };
        }
    }

    /// <summary>Simpler trees: a part in place of the whole first, then each part simplified.</summary>
    public static IEnumerable<PatternAst> Shrink(PatternAst node)
    {
        switch (node)
        {
            case AtomAst atom:
                if (atom.Kind == AtomKind.Set)
                {
                    yield return new AtomAst(AtomKind.Touchpoint, atom.A);
                    yield return new AtomAst(AtomKind.Touchpoint, atom.B);
                }
                else if (atom.Kind != AtomKind.Touchpoint)
                {
                    yield return new AtomAst(AtomKind.Touchpoint, 0);
                    if (atom.A != 0)
                    {
                        yield return new AtomAst(AtomKind.Touchpoint, atom.A);
                    }
                }

                if (atom.A != 0)
                {
                    yield return atom with { A = 0 };
                }

                break;
            case AlternationAst alt:
                yield return alt.Left;
                yield return alt.Right;
                foreach (PatternAst l in Shrink(alt.Left))
                {
                    yield return alt with { Left = l };
                }

                foreach (PatternAst r in Shrink(alt.Right))
                {
                    yield return alt with { Right = r };
                }

                break;
            case GroupAst group:
                yield return group.Inner;
                if (group.WithinSeconds >= 0)
                {
                    yield return group with { WithinSeconds = -1 };
                }

                foreach (PatternAst inner in Shrink(group.Inner))
                {
                    yield return group with { Inner = inner };
                }

                break;
            case RepeatAst repeat:
                yield return repeat.Inner;
                if (repeat.Max > 1 && repeat.Max > repeat.Min)
                {
                    yield return repeat with { Max = repeat.Max - 1 };
                }

                if (repeat.Min > 1)
                {
                    yield return repeat with { Min = repeat.Min - 1 };
                }

                foreach (PatternAst inner in Shrink(repeat.Inner))
                {
                    yield return repeat with { Inner = inner };
                }

                break;
            case SequenceAst seq:
                for (int i = 0; i < seq.Items.Length; i++)
                {
                    yield return Without(seq, i);
                }

                for (int i = 1; i < seq.Items.Length; i++)
                {
                    if (seq.Gaps[i] is not null)
                    {
                        GapAst?[] gaps = [.. seq.Gaps];
                        gaps[i] = null;
                        yield return seq with { Gaps = gaps };
                    }
                }

                for (int i = 0; i < seq.Items.Length; i++)
                {
                    foreach (PatternAst item in Shrink(seq.Items[i]))
                    {
                        PatternAst[] items = [.. seq.Items];
                        items[i] = item;
                        yield return seq with { Items = items };
                    }
                }

                break;
        }
    }

    private static PatternAst Without(SequenceAst seq, int i)
    {
        PatternAst[] items = [.. seq.Items[..i], .. seq.Items[(i + 1)..]];
        GapAst?[] gaps = [.. seq.Gaps[..i], .. seq.Gaps[(i + 1)..]];
        gaps[0] = null;
        return items.Length == 1 ? items[0] : new SequenceAst(items, gaps);
    }
}
