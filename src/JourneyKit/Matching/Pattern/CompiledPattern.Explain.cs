using JourneyKit.Events;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// Explaining one customer's answer (<c>journeykit match --explain</c>): the chain of events the first match is made
/// of, or, without a match, the longest chain of the pattern's leading items and the item that never came. A search
/// over the pattern tree that keeps one chain per way of being part-way through (position, pending time gaps, bound
/// value), so it is polynomial; it allocates and is not a hot path.
/// </summary>
public sealed partial class CompiledPattern
{
    /// <summary>The most events of one customer <see cref="Explain"/> searches for a chain.</summary>
    public const int MaxExplainedEvents = 2_000;

    private readonly PatternTree _tree;
    private readonly ulong _visibleMask;

    /// <summary>Explains one customer's answer: the first match's chain (for each matched event the pattern atom, the
    /// event and the time since the previous step), or the longest chain of leading items and why it stopped.</summary>
    /// <param name="events">The customer's events in time order (as given to <see cref="Advance(PatternState, JourneyEvent)"/>).</param>
    /// <returns>The explanation.</returns>
    public PatternExplanation Explain(IReadOnlyList<JourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        PatternState state = CreateState();
        foreach (JourneyEvent e in events)
        {
            Advance(state, e);
        }

        PatternMatch result = GetResult(state);
        var visible = new List<int>(events.Count); // indexes of the events the pattern sees (all but ClickHouse's hidden ones)
        for (int i = 0; i < events.Count; i++)
        {
            if (_visibleMask == 0 || IsVisible(events[i]))
            {
                visible.Add(i);
            }
        }

        var seen = new List<JourneyEvent>(visible.Count);
        foreach (int i in visible)
        {
            seen.Add(events[i]);
        }

        IReadOnlyList<PatternNode> items = _tree.Root is SeqNode seq ? seq.Items : [_tree.Root];
        int itemCount = Count(items);
        if (seen.Count > MaxExplainedEvents)
        {
            return new PatternExplanation(result, [], 0, itemCount, $"not searched: more than {MaxExplainedEvents:N0} events");
        }

        var search = new ChainSearch(seen);
        var fillers = new HashSet<AtomNode>(ReferenceEqualityComparer.Instance);
        Fillers(_tree.Root, fillers);
        if (result.Matched)
        {
            int from = visible.IndexOf(result.FirstStart);
            Witness? chain = null;
            foreach ((Cont end, Witness? w) in search.Ends(_tree.Root, new Cont(from, null, null), null))
            {
                if (end.End > from && IsFirstMatchEnd(seen, end.End, result) && (chain is null || w!.Event > chain.Event))
                {
                    chain = w;
                }
            }

            return new PatternExplanation(result, Steps(chain, events, visible, fillers), itemCount, itemCount, null);
        }

        // No match: the most leading items some chain reaches (then the chain that ends first).
        for (int k = itemCount; k >= 1; k--)
        {
            List<PatternNode> prefix = Prefix(items, k);
            PatternNode node = prefix.Count == 1 ? prefix[0] : new SeqNode(prefix[0].Offset, prefix, ((SeqNode)_tree.Root).Gaps.Take(prefix.Count).ToList());
            for (int start = 0; start < seen.Count; start++)
            {
                if (_tree.AnchorStart && start > 0)
                {
                    break;
                }

                Witness? best = null;
                foreach ((Cont end, Witness? w) in search.Ends(node, new Cont(start, null, null), null))
                {
                    if (end.End > start && w is not null && (_tree.Within is not { } within || seen[end.End - 1].TimestampTicks - seen[start].TimestampTicks <= within.Ticks)
                        && (best is null || w.Event < best.Event))
                    {
                        best = w;
                    }
                }

                if (best is not null)
                {
                    string why = k == itemCount
                        ? _tree.Absence is not null ? "the items matched; the absence's deadline has not passed by the last event, or the absent event came" : "the items matched but not as the pattern requires at its ends ('$' or 'within')"
                        : $"no event matched item {k + 1} ('{ItemText(items, k)}') after event {visible[best.Event]}";
                    return new PatternExplanation(result, Steps(best, events, visible, fillers), k, itemCount, why);
                }
            }
        }

        return new PatternExplanation(result, [], 0, itemCount, $"no event matched the first item ('{ItemText(items, 0)}')");
    }

    private bool IsVisible(JourneyEvent e)
    {
        for (int a = 0; a < _nfa.Atoms.Length; a++)
        {
            if ((_visibleMask >> a & 1) != 0 && _nfa.Atoms[a].Matches(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a chain of the root ending before position <paramref name="end"/> is the first match's.</summary>
    private bool IsFirstMatchEnd(List<JourneyEvent> seen, int end, PatternMatch result) =>
        _tree.Absence is { } absence
            ? Math.Min(long.MaxValue - absence.Ticks, seen[end - 1].TimestampTicks) + absence.Ticks == result.FirstEndTicks
            : seen[end - 1].TimestampTicks == result.FirstEndTicks && end - 1 == result.FirstEnd;

    private static int Count(IReadOnlyList<PatternNode> items) => items.Count(i => i is not SkipNode { Forbid: null });

    /// <summary>The first <paramref name="k"/> items (time gaps and absences between them kept).</summary>
    private static List<PatternNode> Prefix(IReadOnlyList<PatternNode> items, int k)
    {
        var prefix = new List<PatternNode>();
        int n = 0;
        foreach (PatternNode item in items)
        {
            if (n == k)
            {
                break;
            }

            prefix.Add(item);
            n += item is SkipNode { Forbid: null } ? 0 : 1;
        }

        while (prefix[^1] is SkipNode)
        {
            prefix.RemoveAt(prefix.Count - 1);
        }

        return prefix;
    }

    private string ItemText(IReadOnlyList<PatternNode> items, int k)
    {
        int n = 0;
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is SkipNode { Forbid: null })
            {
                continue;
            }

            if (n++ == k)
            {
                int end = i + 1 < items.Count ? items[i + 1].Offset : _tree.Within is null ? Text.Length : Math.Max(items[i].Offset, Text.LastIndexOf("within", StringComparison.Ordinal));
                return Text[items[i].Offset..Math.Max(items[i].Offset, end)].Trim();
            }
        }

        return Text;
    }

    /// <summary>The '.' of every '.*': the events it skips are not steps of the chain.</summary>
    private static void Fillers(PatternNode node, HashSet<AtomNode> fillers)
    {
        switch (node)
        {
            case RepeatNode { Min: 0, Max: -1, Inner: AtomNode atom } when atom.Condition.Equals(EventCondition.Any):
                fillers.Add(atom);
                break;
            case RepeatNode repeat:
                Fillers(repeat.Inner, fillers);
                break;
            case SeqNode seq:
                foreach (PatternNode item in seq.Items)
                {
                    Fillers(item, fillers);
                }

                break;
            case AltNode alt:
                foreach (PatternNode option in alt.Options)
                {
                    Fillers(option, fillers);
                }

                break;
            case WithinNode within:
                Fillers(within.Inner, fillers);
                break;
        }
    }

    private static List<PatternChainStep> Steps(Witness? chain, IReadOnlyList<JourneyEvent> events, List<int> visible, HashSet<AtomNode> fillers)
    {
        var steps = new List<PatternChainStep>();
        for (Witness? w = chain; w is not null; w = w.Previous)
        {
            if (fillers.Contains(w.Atom))
            {
                continue;
            }

            int index = visible[w.Event];
            JourneyEvent e = events[index];
            steps.Add(new PatternChainStep(index, w.Atom.Condition.ToString(), e.EventId, e.Timestamp, e.Touchpoint, TimeSpan.Zero));
        }

        steps.Reverse();
        for (int i = 1; i < steps.Count; i++)
        {
            steps[i] = steps[i] with { SincePrevious = steps[i].Timestamp - steps[i - 1].Timestamp };
        }

        return steps;
    }

    /// <summary>One matched event of a chain: the event (position among the events seen) and the atom it matched.</summary>
    private sealed record Witness(int Event, AtomNode Atom, Witness? Previous);

    /// <summary>A <c>~~</c> gap waiting: the next matched event must come Min..Max after Anchor.</summary>
    private sealed record Pend(long Anchor, long Min, long Max, Pend? Next);

    /// <summary>Part-way through: the next position, the gaps waiting, the variable's value (null: unbound).</summary>
    private sealed record Cont(int End, Pend? Pending, string? Bound);

    /// <summary>The search: for a node and where it starts, every way it can end, each with one chain.</summary>
    private sealed class ChainSearch(List<JourneyEvent> ev)
    {
        public Dictionary<Cont, Witness?> Ends(PatternNode node, Cont at, Witness? path)
        {
            int i = at.End;
            var result = new Dictionary<Cont, Witness?>();
            switch (node)
            {
                case AtomNode atom:
                {
                    string? bound = at.Bound;
                    if (i < ev.Count && Holds(at.Pending, ev[i].TimestampTicks) && Satisfies(atom.Condition, ev[i], ref bound))
                    {
                        result[new Cont(i + 1, null, bound)] = new Witness(i, atom, path);
                    }

                    return result;
                }

                case AltNode alt:
                    foreach (PatternNode option in alt.Options)
                    {
                        Merge(result, Ends(option, at, path));
                    }

                    return result;
                case SkipNode skip:
                {
                    long anchor = ev[i - 1].TimestampTicks;
                    result[new Cont(i, new Pend(anchor, skip.Bounds.MinTicks, skip.Bounds.MaxTicks, at.Pending), at.Bound)] = path;
                    if (i < ev.Count && Holds(at.Pending, ev[i].TimestampTicks))
                    {
                        for (int j = i + 1; j <= ev.Count; j++)
                        {
                            JourneyEvent skipped = ev[j - 1];
                            string? b = at.Bound;
                            if (skip.Forbid is { } forbid && skipped.TimestampTicks - anchor <= skip.ForbidTicks && Satisfies(forbid, skipped, ref b) && b == at.Bound)
                            {
                                break;
                            }

                            result.TryAdd(new Cont(j, new Pend(anchor, skip.Bounds.MinTicks, skip.Bounds.MaxTicks, null), at.Bound), path);
                        }
                    }

                    return result;
                }

                case WithinNode within:
                    foreach ((Cont c, Witness? w) in Ends(within.Inner, at, path))
                    {
                        if (c.End == i || ev[c.End - 1].TimestampTicks - ev[i].TimestampTicks <= within.MaxTicks)
                        {
                            result.TryAdd(c, w);
                        }
                    }

                    return result;
                case SeqNode seq:
                {
                    var positions = new Dictionary<Cont, Witness?> { [at] = path };
                    for (int k = 0; k < seq.Items.Count; k++)
                    {
                        var next = new Dictionary<Cont, Witness?>();
                        foreach ((Cont m, Witness? w) in positions)
                        {
                            foreach ((Cont c, Witness? cw) in Ends(seq.Items[k], m, w))
                            {
                                if (seq.Gaps[k] is { } gap && c.End > m.End && m.End > i && !gap.Contains(ev[m.End].TimestampTicks - ev[m.End - 1].TimestampTicks))
                                {
                                    continue;
                                }

                                next.TryAdd(c, cw);
                            }
                        }

                        positions = next;
                    }

                    return positions;
                }

                case RepeatNode repeat:
                {
                    var current = new Dictionary<Cont, Witness?> { [at] = path };
                    if (repeat.Min == 0)
                    {
                        result[at] = path;
                    }

                    var everSeen = new HashSet<Cont> { at };
                    for (int c = 1; (repeat.Max == -1 || c <= repeat.Max) && current.Count > 0; c++)
                    {
                        var next = new Dictionary<Cont, Witness?>();
                        foreach ((Cont m, Witness? w) in current)
                        {
                            foreach ((Cont x, Witness? xw) in Ends(repeat.Inner, m, w))
                            {
                                // Unbounded: a position already reached adds nothing new (this keeps the search finite).
                                if (repeat.Max != -1 || everSeen.Add(x))
                                {
                                    next.TryAdd(x, xw);
                                }
                            }
                        }

                        if (c >= repeat.Min)
                        {
                            Merge(result, next);
                        }

                        current = next;
                    }

                    return result;
                }

                default:
                    return result;
            }
        }

        private static void Merge(Dictionary<Cont, Witness?> into, Dictionary<Cont, Witness?> from)
        {
            foreach ((Cont c, Witness? w) in from)
            {
                into.TryAdd(c, w);
            }
        }

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

        /// <summary>An event satisfies an atom given the variable's value so far (binding it at its first use).</summary>
        private static bool Satisfies(EventCondition c, JourneyEvent e, ref string? bound)
        {
            if (!c.Matches(e))
            {
                return false;
            }

            foreach (AttributeCondition a in c.Attributes)
            {
                if (a.Variable is null)
                {
                    continue;
                }

                string v = e.Attributes![a.Key];
                if (bound is null)
                {
                    bound = v;
                }
                else if (bound != v)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
