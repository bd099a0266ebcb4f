using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Tests.Matching;

/// <summary>
/// The pattern semantics straight from the definitions: for every start i, the set of ends j such that events[i..j)
/// match the tree (sets of positions, no automaton); then within/anchors per (i, j), and the greedy count by earliest end.
/// </summary>
internal static class PatternReference
{
    public static PatternMatch Match(PatternTree tree, IReadOnlyList<JourneyEvent> events)
    {
        int n = events.Count;
        bool IsMatch(int i, int j) =>
            j > i
            && (!tree.AnchorStart || i == 0)
            && (!tree.AnchorEnd || j == n)
            && (tree.Within is not { } w || events[j - 1].TimestampTicks - events[i].TimestampTicks <= w.Ticks)
            && Ends(tree.Root, i, events).Contains(j);

        int count = 0, pos = 0;
        (int Start, int End)? first = null;
        while (pos < n)
        {
            (int Start, int End)? best = null;
            for (int j = pos + 1; j <= n && best is null; j++)
            {
                for (int i = j - 1; i >= pos; i--)
                {
                    if (IsMatch(i, j))
                    {
                        best = (i, j);
                        break;
                    }
                }
            }

            if (best is null)
            {
                break;
            }

            count++;
            first ??= best;
            pos = best.Value.End;
            if (tree.AnchorEnd)
            {
                break;
            }
        }

        return first is not { } f
            ? PatternMatch.None
            : new PatternMatch(true, count, f.Start, f.End - 1, events[f.Start].TimestampTicks, events[f.End - 1].TimestampTicks);
    }

    private static HashSet<int> Ends(PatternNode node, int i, IReadOnlyList<JourneyEvent> events)
    {
        switch (node)
        {
            case AtomNode atom:
                return i < events.Count && atom.Condition.Matches(events[i]) ? [i + 1] : [];
            case AltNode alt:
                return [.. alt.Options.SelectMany(o => Ends(o, i, events))];
            case SeqNode seq:
            {
                var positions = new HashSet<int> { i };
                for (int k = 0; k < seq.Items.Count; k++)
                {
                    var next = new HashSet<int>();
                    foreach (int m in positions)
                    {
                        foreach (int j in Ends(seq.Items[k], m, events))
                        {
                            bool gapApplies = seq.Gaps[k] is not null && j > m && m > i;
                            if (gapApplies)
                            {
                                long since = events[m].TimestampTicks - events[m - 1].TimestampTicks;
                                if (since < seq.Gaps[k]!.Value.MinTicks || since > seq.Gaps[k]!.Value.MaxTicks)
                                {
                                    continue;
                                }
                            }

                            next.Add(j);
                        }
                    }

                    positions = next;
                }

                return positions;
            }

            case RepeatNode repeat:
            {
                var result = new HashSet<int>();
                var current = new HashSet<int> { i };
                var seen = new HashSet<(int Count, int Pos)>();
                if (repeat.Min == 0)
                {
                    result.Add(i);
                }

                for (int c = 1; repeat.Max == -1 || c <= repeat.Max; c++)
                {
                    var next = new HashSet<int>();
                    foreach (int m in current)
                    {
                        next.UnionWith(Ends(repeat.Inner, m, events));
                    }

                    if (c >= repeat.Min)
                    {
                        int before = result.Count;
                        result.UnionWith(next);
                        if (repeat.Max == -1 && result.Count == before && next.SetEquals(current))
                        {
                            break;
                        }
                    }

                    if (next.Count == 0 || (repeat.Max == -1 && c > repeat.Min + events.Count + 1))
                    {
                        break;
                    }

                    current = next;
                }

                return result;
            }

            default:
                throw new InvalidOperationException();
        }
    }
}
