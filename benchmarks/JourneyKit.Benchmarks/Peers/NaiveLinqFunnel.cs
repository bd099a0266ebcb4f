using JourneyKit.Events;

namespace JourneyKit.Benchmarks.Peers;

/// <summary>
/// What a developer writes without the library: LINQ over a list of events grouped by customer, then the
/// windowFunnel default-mode rule (ClickHouse: entries ordered by (timestamp, step); keep the latest start per level).
/// </summary>
public static class NaiveLinqFunnel
{
    public static Dictionary<string, int> Levels(List<JourneyEvent> events, string[] steps, TimeSpan window)
    {
        long windowTicks = window.Ticks;
        return events
            .GroupBy(e => e.CustomerId)
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var entries = g
                        .SelectMany(e => steps.Select((s, i) => (Event: e, Step: i)).Where(x => x.Event.Touchpoint == steps[x.Step]))
                        .OrderBy(x => x.Event.TimestampTicks)
                        .ThenBy(x => x.Step)
                        .ToList();
                    var start = Enumerable.Repeat(-1L, steps.Length).ToArray();
                    foreach (var (e, step) in entries)
                    {
                        long ts = e.TimestampTicks;
                        if (step == 0)
                        {
                            start[0] = ts;
                        }
                        else if (start[step - 1] >= 0 && ts <= start[step - 1] + windowTicks)
                        {
                            start[step] = start[step - 1];
                        }
                    }

                    return start.Count(s => s >= 0) == 0 ? 0 : Array.FindLastIndex(start, s => s >= 0) + 1;
                });
    }
}
