using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>
/// The pattern semantics straight from the definitions: for every start i, the set of ends j such that events[i..j)
/// match the tree (sets of positions, no automaton); then within/anchors per (i, j), and the greedy count by earliest end.
/// </summary>
internal static class PatternReference
{
    /// <summary>Whether events[i..j) match the tree (before any absence), with its anchors and window.</summary>
    public static bool IsMatch(PatternTree tree, IReadOnlyList<JourneyEvent> events, int i, int j) =>
        j > i
        && (!tree.AnchorStart || i == 0)
        && (!tree.AnchorEnd || j == events.Count)
        && (tree.Within is not { } w || w == TimeSpan.MaxValue || events[j - 1].TimestampTicks - events[i].TimestampTicks <= w.Ticks)
        && Ends(tree.Root, i, null, events).Any(c => c.End == j);

    public static PatternMatch Match(PatternTree tree, IReadOnlyList<JourneyEvent> events)
    {
        int n = events.Count;
        bool IsMatch(int i, int j) => PatternReference.IsMatch(tree, events, i, j);

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

    /// <summary>A way to have matched up to <see cref="End"/> (exclusive), with the time gaps <c>~~</c> still waiting
    /// for the next event (<see cref="Pending"/>).</summary>
    private sealed record Cont(int End, Pend? Pending);

    /// <summary>A <c>~~(min..max)</c> waiting: the next consumed event must come Min..Max after Anchor.</summary>
    private sealed record Pend(long Anchor, long Min, long Max, Pend? Next);

    private static bool Holds(Pend? p, long t)
    {
        for (; p is not null; p = p.Next)
        {
            if (t - p.Anchor < p.Min || t - p.Anchor > p.Max)
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<Cont> Ends(PatternNode node, int i, Pend? pending, IReadOnlyList<JourneyEvent> events)
    {
        switch (node)
        {
            case AtomNode atom:
                return i < events.Count && atom.Condition.Matches(events[i]) && Holds(pending, events[i].TimestampTicks) ? [new Cont(i + 1, null)] : [];
            case AltNode alt:
                return [.. alt.Options.SelectMany(o => Ends(o, i, pending, events))];
            case SkipNode skip:
            {
                // Skip events i..j-1 (any events); the first event after the skip must come min..max after events[i-1].
                long anchor = events[i - 1].TimestampTicks;
                var result = new HashSet<Cont> { new(i, new Pend(anchor, skip.Bounds.MinTicks, skip.Bounds.MaxTicks, pending)) };
                if (i < events.Count && Holds(pending, events[i].TimestampTicks))
                {
                    for (int j = i + 1; j <= events.Count; j++)
                    {
                        result.Add(new Cont(j, new Pend(anchor, skip.Bounds.MinTicks, skip.Bounds.MaxTicks, null)));
                    }
                }

                return result;
            }

            case WithinNode within:
                return [.. Ends(within.Inner, i, pending, events).Where(c => c.End == i || events[c.End - 1].TimestampTicks - events[i].TimestampTicks <= within.MaxTicks)];
            case SeqNode seq:
            {
                var positions = new HashSet<Cont> { new(i, pending) };
                for (int k = 0; k < seq.Items.Count; k++)
                {
                    var next = new HashSet<Cont>();
                    foreach (Cont m in positions)
                    {
                        foreach (Cont j in Ends(seq.Items[k], m.End, m.Pending, events))
                        {
                            bool gapApplies = seq.Gaps[k] is not null && j.End > m.End && m.End > i;
                            if (gapApplies)
                            {
                                long since = events[m.End].TimestampTicks - events[m.End - 1].TimestampTicks;
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
                var result = new HashSet<Cont>();
                var current = new HashSet<Cont> { new(i, pending) };
                if (repeat.Min == 0)
                {
                    result.Add(new Cont(i, pending));
                }

                for (int c = 1; repeat.Max == -1 || c <= repeat.Max; c++)
                {
                    var next = new HashSet<Cont>();
                    foreach (Cont m in current)
                    {
                        next.UnionWith(Ends(repeat.Inner, m.End, m.Pending, events));
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
