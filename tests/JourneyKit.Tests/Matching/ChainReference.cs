using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Matching;

/// <summary>
/// A deliberately simple brute-force reference for window funnels with step constraints: entries (timestamp, step) in
/// ClickHouse's order, the same mode stop rules, and after every entry the reached level recomputed from scratch by
/// enumerating <em>every</em> chain of the entries seen so far (entry positions increasing, step j at position j of the
/// chain, gaps within the bounds, strictly increasing times under strict_increase, the whole chain within the window).
/// Exponential in the worst case — only for small inputs.
/// </summary>
internal static class ChainReference
{
    /// <summary>Per customer: the level and, per step, the 1 → k time of the latest chain reaching it (-1 when not).</summary>
    public static Dictionary<string, (int Level, long[] Conversion)> Evaluate(
        IEnumerable<JourneyEvent> events, IReadOnlyList<EventCondition> steps, TimeSpan window, WindowFunnelMode mode, long[] min, long[] max)
    {
        var result = new Dictionary<string, (int, long[])>(StringComparer.Ordinal);
        foreach (IGrouping<string, JourneyEvent> customer in events.GroupBy(e => e.CustomerId))
        {
            result[customer.Key] = Customer(customer.ToList(), steps, window.Ticks, mode, min, max);
        }

        return result;
    }

    public static (int Level, long[] Conversion) Customer(List<JourneyEvent> events, IReadOnlyList<EventCondition> steps, long window, WindowFunnelMode mode, long[] min, long[] max)
    {
        bool strictOrder = mode.HasFlag(WindowFunnelMode.StrictOrder);
        bool dedup = mode.HasFlag(WindowFunnelMode.StrictDeduplication);
        bool increase = mode.HasFlag(WindowFunnelMode.StrictIncrease);
        bool reentry = mode.HasFlag(WindowFunnelMode.AllowReentry);
        int n = steps.Count;

        // Entries: (timestamp, step 1..n), or step 0 for an event matching nothing under strict_order.
        var entries = new List<(long Ts, int Step)>();
        foreach (JourneyEvent e in events.OrderBy(e => e.TimestampTicks))
        {
            bool has = false;
            for (int s = 1; s <= n; s++)
            {
                if (steps[s - 1].Matches(e))
                {
                    entries.Add((e.TimestampTicks, s));
                    has = true;
                }
            }

            if (strictOrder && !has)
            {
                entries.Add((e.TimestampTicks, 0));
            }
        }

        entries = [.. entries.OrderBy(x => x.Ts).ThenBy(x => x.Step)];
        var conversion = new long[n];
        Array.Fill(conversion, -1);
        int reached = 0;
        bool firstEvent = false;
        for (int p = 0; p < entries.Count; p++)
        {
            (long ts, int step) = entries[p];
            if (step == 0)
            {
                if (firstEvent)
                {
                    break;
                }

                continue;
            }

            if (step == 1)
            {
                firstEvent = true;
            }
            else if (dedup && step <= reached)
            {
                break;
            }
            else if (step - 1 > reached)
            {
                if (strictOrder && firstEvent && !reentry)
                {
                    break;
                }

                continue;
            }

            // Every chain ending at entry p: its step is `step`; the latest start among them gives the conversion time.
            long bestStart = long.MinValue;
            foreach (long start in ChainStarts(entries, p, window, increase, min, max))
            {
                bestStart = Math.Max(bestStart, start);
            }

            if (bestStart != long.MinValue)
            {
                conversion[step - 1] = ts - bestStart;
                reached = Math.Max(reached, step);
                if (reached == n)
                {
                    break;
                }
            }
        }

        return (reached, conversion);
    }

    /// <summary>The step-1 times of every valid chain whose last entry is <paramref name="end"/> (step s = its step).</summary>
    private static IEnumerable<long> ChainStarts(List<(long Ts, int Step)> entries, int end, long window, bool increase, long[] min, long[] max)
    {
        (long ts, int step) = entries[end];
        if (step == 1)
        {
            yield return ts;
            yield break;
        }

        for (int q = 0; q < end; q++)
        {
            if (entries[q].Step != step - 1)
            {
                continue;
            }

            long gap = ts - entries[q].Ts;
            if (gap < min[step - 1] || gap > max[step - 1] || (increase && gap <= 0))
            {
                continue;
            }

            foreach (long start in ChainStarts(entries, q, window, increase, min, max))
            {
                if (ts - start <= window)
                {
                    yield return start;
                }
            }
        }
    }
}
