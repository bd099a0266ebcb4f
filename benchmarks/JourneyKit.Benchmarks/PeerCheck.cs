using JourneyKit.Benchmarks.Peers;
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;

namespace JourneyKit.Benchmarks;

/// <summary>Checks that every peer gives JourneyKit's answers before anything is timed.</summary>
public static class PeerCheck
{
    /// <param name="sqlLevels">The SQL peer's levels by customer (DuckDB when built with -p:Peers=true), or null.</param>
    public static void FunnelPeersAgree(WindowFunnel funnel, EventBatch batch, List<JourneyEvent> events, Func<string[], TimeSpan, Dictionary<string, int>>? sqlLevels)
    {
        WindowFunnelResult result = funnel.Evaluate(batch);
        string[] steps = [.. funnel.Steps.Select(s => s.TouchpointSet[0])];
        Dictionary<string, int> linq = NaiveLinqFunnel.Levels(events, steps, funnel.Window);
        Dictionary<string, int>? sql = sqlLevels?.Invoke(steps, funnel.Window);
        for (int run = 0; run < result.CustomerCount; run++)
        {
            string id = result.CustomerId(run);
            int level = result.Levels[run];
            if (linq[id] != level)
            {
                throw new InvalidOperationException($"Naive LINQ disagrees for {id}: {linq[id]} vs JourneyKit {level}.");
            }

            if (sql is not null && sql[id] != level)
            {
                throw new InvalidOperationException($"The SQL peer disagrees for {id}: {sql[id]} vs JourneyKit {level}.");
            }
        }
    }
}
