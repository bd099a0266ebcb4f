namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>
/// ClickHouse's <c>sequenceMatch</c> / <c>sequenceCount</c> as ClickHouse computes them: the backtracking matcher of
/// AggregateFunctionSequenceMatch.h transcribed step by step (implicit leading <c>.*</c>, time conditions against the
/// base event, <c>.*</c> moving the base to where it stops, trailing <c>.*</c>/<c>(?t&lt;…)</c>/<c>(?t&lt;=…)</c>/
/// <c>(?t&gt;=0)</c> skipped at the end of the events, counting by restarting where the last match left off).
/// Events are those with at least one condition, in order; times are whole seconds.
/// </summary>
internal static class ClickHouseReference
{
    private enum Kind
    {
        Event,
        Any,
        Star,
        LessOrEqual,
        Less,
        GreaterOrEqual,
        Greater,
        Equal,
    }

    public static (bool Matched, int Count) Run(string pattern, IReadOnlyList<(long Seconds, uint Conditions)> events)
    {
        List<(Kind Kind, long Extra)> actions = Parse(pattern);
        int it = 0;
        bool matched = events.Count > 0 && Match(actions, events, ref it);
        int count = 0;
        it = 0;
        while (it != events.Count && Match(actions, events, ref it))
        {
            count++;
        }

        return (matched, count);
    }

    private static List<(Kind Kind, long Extra)> Parse(string pattern)
    {
        var actions = new List<(Kind Kind, long Extra)> { (Kind.Star, 0) };
        int pos = 0;
        while (pos < pattern.Length)
        {
            if (pattern[pos] == ' ')
            {
                pos++;
            }
            else if (pattern.AsSpan(pos).StartsWith("(?t"))
            {
                pos += 3;
                string op = pattern.AsSpan(pos).StartsWith("<=") ? "<=" : pattern.AsSpan(pos).StartsWith(">=") ? ">=" : pattern.AsSpan(pos).StartsWith("==") ? "==" : pattern[pos].ToString();
                pos += op.Length;
                int close = pattern.IndexOf(')', pos);
                long n = long.Parse(pattern[pos..close], System.Globalization.CultureInfo.InvariantCulture);
                pos = close + 1;
                actions.Add((op switch { "<=" => Kind.LessOrEqual, "<" => Kind.Less, ">=" => Kind.GreaterOrEqual, ">" => Kind.Greater, _ => Kind.Equal }, n));
            }
            else if (pattern.AsSpan(pos).StartsWith("(?"))
            {
                int close = pattern.IndexOf(')', pos);
                actions.Add((Kind.Event, long.Parse(pattern[(pos + 2)..close], System.Globalization.CultureInfo.InvariantCulture) - 1));
                pos = close + 1;
            }
            else if (pattern.AsSpan(pos).StartsWith(".*"))
            {
                actions.Add((Kind.Star, 0));
                pos += 2;
            }
            else
            {
                actions.Add((Kind.Any, 0));
                pos++;
            }
        }

        return actions;
    }

    private static bool Match(List<(Kind Kind, long Extra)> actions, IReadOnlyList<(long Seconds, uint Conditions)> events, ref int eventsIt)
    {
        int end = events.Count;
        int actionIt = 0;
        int eventsBegin = eventsIt;
        int baseIt = eventsIt;
        var backStack = new Stack<(int Action, int Event, int Base)>();
        int ev = eventsIt;

        bool DoBacktrack()
        {
            while (backStack.Count > 0)
            {
                (int a, int e, int b) = backStack.Pop();
                actionIt = a;
                ev = e + 1;
                baseIt = b;
                if (ev != end)
                {
                    return true;
                }
            }

            return false;
        }

        while (actionIt != actions.Count && ev != end)
        {
            (Kind kind, long extra) = actions[actionIt];
            long t = events[ev].Seconds;
            long b = events[baseIt].Seconds;
            switch (kind)
            {
                case Kind.Event:
                    if ((events[ev].Conditions >> (int)extra & 1) != 0)
                    {
                        baseIt = ev;
                        actionIt++;
                        ev++;
                    }
                    else if (!DoBacktrack())
                    {
                        goto done;
                    }

                    break;
                case Kind.Any:
                    baseIt = ev;
                    actionIt++;
                    ev++;
                    break;
                case Kind.Star:
                    backStack.Push((actionIt, ev, baseIt));
                    baseIt = ev;
                    actionIt++;
                    break;
                case Kind.LessOrEqual or Kind.Less:
                    if (kind == Kind.LessOrEqual ? t <= b + extra : t < b + extra)
                    {
                        backStack.Push((actionIt, ev, baseIt));
                        baseIt = ev;
                        actionIt++;
                    }
                    else if (!DoBacktrack())
                    {
                        goto done;
                    }

                    break;
                default:
                    if (kind == Kind.GreaterOrEqual ? t >= b + extra : kind == Kind.Greater ? t > b + extra : t == b + extra)
                    {
                        backStack.Push((actionIt, ev, baseIt));
                        baseIt = ev;
                        actionIt++;
                    }
                    else if (++ev == end && !DoBacktrack())
                    {
                        goto done;
                    }

                    break;
            }
        }

    done:
        while (actionIt != actions.Count && (actions[actionIt].Kind is Kind.Star or Kind.LessOrEqual or Kind.Less || (actions[actionIt].Kind == Kind.GreaterOrEqual && actions[actionIt].Extra == 0)))
        {
            actionIt++;
        }

        if (ev == eventsBegin)
        {
            ev++;
        }

        eventsIt = ev;
        return actionIt == actions.Count;
    }
}
