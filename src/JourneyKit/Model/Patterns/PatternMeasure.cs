using System.Globalization;
using System.Runtime.CompilerServices;

namespace JourneyKit.Model.Patterns;

/// <summary>
/// Predicts exactly how many automaton states and edges each node of a pattern tree builds (the Glushkov construction in
/// <c>JourneyKit.Matching.Pattern</c>), so that a pattern past <see cref="PatternOptions.MaxStates"/> or
/// <see cref="PatternOptions.MaxEdges"/> is rejected at the offset of the first (innermost) node past the limit, before
/// anything is built — by journey validation as by <c>CompiledPattern.Compile</c>.
/// </summary>
internal static class PatternMeasure
{
    /// <summary>
    /// Predicts the states and edges the automaton builder makes for <paramref name="node"/> (post-order, so
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

            case SkipNode:
                size = PatternSize.Skip;
                break;

            case WithinNode within:
                size = Measure(within.Inner, options, text, sizes);
                break;

            case SeqNode seq:
                size = Measure(seq.Items[0], options, text, sizes);
                for (int i = 1; i < seq.Items.Count; i++)
                {
                    if (seq.Items[i] is SkipNode skip && sizes[seq.Items[i - 1]].Nullable)
                    {
                        throw new PatternSyntaxException(PatternError.UnexpectedToken, skip.Offset, skip.Forbid is null
                            ? "the item before a time gap '~~(…)' may match no events; make it required (the gap is measured from its last event)"
                            : "the item before an absence '!(X within D)' may match no events; make it required (the absence is measured from its last event)", text);
                    }

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
}

/// <summary>
/// What building a pattern node makes: whether it matches the empty sequence, the sizes of its first and last position
/// sets, its states and its follow edges. Counts saturate instead of overflowing.
/// </summary>
internal readonly record struct PatternSize(bool Nullable, long First, long Last, long States, long Edges)
{
    private const long Cap = long.MaxValue / 4;

    public static PatternSize Atom => new(false, 1, 1, 1, 0);

    public static PatternSize Skip => new(true, 1, 1, 1, 1);

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
