using System.Diagnostics;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;

namespace JourneyKit.Benchmarks;

/// <summary>
/// The CI guard (<c>--guard</c>): in one run, checks that the hot loops allocate nothing per event and that time per
/// event stays flat from 10^5 to 10^6 events (ratio ≤ 1.5). Ratios within one run, never absolute times.
/// </summary>
public static class Guard
{
    private const double MaxScalingRatio = 1.5;

    public static int Run(TextWriter output)
    {
        int failures = 0;
        (EventBatch small, _) = BenchData.Generate(100_000, 1_000);
        (EventBatch large, List<JourneyEvent> largeEvents) = BenchData.Generate(1_000_000, 10_000);
        WindowFunnel funnel = WindowFunnel.Create(BenchData.FunnelSteps, TimeSpan.FromDays(1), WindowFunnelMode.None);
        PeerCheck.FunnelPeersAgree(funnel, small, BenchData.Generate(100_000, 1_000).Events, null);

        foreach (WindowFunnelMode mode in new[] { WindowFunnelMode.None, WindowFunnelMode.StrictOrder, WindowFunnelMode.StrictDeduplication, WindowFunnelMode.StrictIncrease })
        {
            WindowFunnel f = WindowFunnel.Create(BenchData.FunnelSteps, TimeSpan.FromDays(1), mode);
            var levels = new byte[large.CustomerCount];
            f.EvaluateLevels(large, levels); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            f.EvaluateLevels(large, levels);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // Binding the steps to the batch allocates once per call (a lookup table per touchpoint), not per event.
            double perEvent = allocated / (double)large.Count;
            bool ok = perEvent < 0.01;
            failures += ok ? 0 : 1;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? "ok  " : "FAIL")} funnel {mode}: {allocated} bytes for {large.Count} events ({perEvent:F4} B/event)"));

            // Scaling on a funnel whose last step never occurs, so every event is read (no early stop).
            WindowFunnel scan = WindowFunnel.Create([.. BenchData.FunnelSteps[..3], "never.happens"], TimeSpan.FromDays(1), mode);
            double smallNs = NsPerEvent(scan, small);
            double largeNs = NsPerEvent(scan, large);
            double ratio = largeNs / smallNs;
            // Strict order and deduplication stop each customer early, so their time is dominated by the jumps
            // between customers, not by events: their ratio is reported, the scan modes are checked.
            bool checkedMode = (mode & (WindowFunnelMode.StrictOrder | WindowFunnelMode.StrictDeduplication)) == 0;
            ok = !checkedMode || ratio <= MaxScalingRatio;
            failures += ok ? 0 : 1;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? (checkedMode ? "ok  " : "info") : "FAIL")} funnel {mode}: {smallNs:F2} ns/event at 1e5, {largeNs:F2} ns/event at 1e6, ratio {ratio:F2} (max {MaxScalingRatio})"));
        }

        GC.KeepAlive(largeEvents);
        output.WriteLine(failures == 0 ? "guard passed" : $"guard failed: {failures} check(s)");
        return failures == 0 ? 0 : 1;
    }

    private static readonly long[] Evictor = new long[8 * 1024 * 1024]; // 64 MiB, larger than any last-level cache here

    private static void EvictCaches()
    {
        for (int i = 0; i < Evictor.Length; i += 8)
        {
            Evictor[i]++;
        }
    }

    private static double NsPerEvent(WindowFunnel funnel, EventBatch batch)
    {
        var levels = new byte[batch.CustomerCount];
        double best = double.MaxValue;
        for (int round = 0; round < 9; round++)
        {
            // Start each round from a cold cache so both sizes pay the same memory cost per event.
            EvictCaches();
            long start = Stopwatch.GetTimestamp();
            funnel.EvaluateLevels(batch, levels);
            double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch.Count;
            best = Math.Min(best, ns);
        }

        return best;
    }
}
