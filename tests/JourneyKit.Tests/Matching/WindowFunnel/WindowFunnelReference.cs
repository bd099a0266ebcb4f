using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching.WindowFunnel;

// Inside the namespace, so that WindowFunnel names the type rather than this test namespace.
using JourneyKit.Matching.WindowFunnel;

/// <summary>
/// A deliberately literal transcription of ClickHouse's windowFunnel (current source): per customer, build the list of
/// (timestamp, step) entries — conditions visited from last to first, an unmatched event adding step 0 under
/// strict_order — stable-sort it by (timestamp, step), then walk it with the optional-timestamp-pair array.
/// </summary>
internal static class WindowFunnelReference
{
    public static Dictionary<string, int> Levels(IEnumerable<JourneyEvent> events, IReadOnlyList<EventCondition> steps, TimeSpan window, WindowFunnelMode mode)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IGrouping<string, JourneyEvent> customer in events.GroupBy(e => e.CustomerId))
        {
            result[customer.Key] = Level(customer.ToList(), steps, window.Ticks, mode);
        }

        return result;
    }

    public static int Level(List<JourneyEvent> events, IReadOnlyList<EventCondition> steps, long window, WindowFunnelMode mode)
    {
        bool strictOrder = mode.HasFlag(WindowFunnelMode.StrictOrder);
        bool dedup = mode.HasFlag(WindowFunnelMode.StrictDeduplication);
        bool increase = mode.HasFlag(WindowFunnelMode.StrictIncrease);
        bool reentry = mode.HasFlag(WindowFunnelMode.AllowReentry);
        int n = steps.Count;
        var list = new List<(long Ts, int Event)>();
        foreach (JourneyEvent e in events.OrderBy(e => e.TimestampTicks)) // the batch's stable sort by time
        {
            bool has = false;
            for (int i = n; i > 0; i--)
            {
                if (steps[i - 1].Matches(e))
                {
                    list.Add((e.TimestampTicks, i));
                    has = true;
                }
            }

            if (strictOrder && !has)
            {
                list.Add((e.TimestampTicks, 0));
            }
        }

        if (list.Count == 0)
        {
            return 0;
        }

        if (!strictOrder && n == 1)
        {
            return 1;
        }

        list = list.OrderBy(x => x.Ts).ThenBy(x => x.Event).ToList(); // LINQ OrderBy is stable
        var ts = new (long First, long Last)?[n];
        bool firstEvent = false;
        foreach ((long timestamp, int ev) in list)
        {
            int idx = ev - 1;
            if (strictOrder && idx == -1)
            {
                if (firstEvent)
                {
                    break;
                }

                continue;
            }

            if (idx == 0)
            {
                ts[0] = (timestamp, timestamp);
                firstEvent = true;
            }
            else if (dedup && ts[idx].HasValue)
            {
                return MaxLevel(ts);
            }
            else if (strictOrder && firstEvent && !ts[idx - 1].HasValue)
            {
                if (reentry)
                {
                    continue;
                }

                for (int e = 0; e < n; e++)
                {
                    if (!ts[e].HasValue)
                    {
                        return e;
                    }
                }
            }
            else if (ts[idx - 1].HasValue)
            {
                long first = ts[idx - 1]!.Value.First;
                bool matched = timestamp - first <= window; // not first + window: an unbounded window would overflow
                if (increase)
                {
                    matched = matched && ts[idx - 1]!.Value.Last < timestamp;
                }

                if (matched)
                {
                    ts[idx] = (first, timestamp);
                    if (idx + 1 == n)
                    {
                        return n;
                    }
                }
            }
        }

        return MaxLevel(ts);
    }

    private static int MaxLevel((long First, long Last)?[] ts)
    {
        for (int e = ts.Length; e > 0; e--)
        {
            if (ts[e - 1].HasValue)
            {
                return e;
            }
        }

        return 0;
    }
}
