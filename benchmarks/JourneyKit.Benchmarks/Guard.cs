using System.Diagnostics;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
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

        // The pattern matcher: nothing allocated per event (100 customers with 10,000 events each, so the per-call result
        // and scratch arrays amortise), and flat time per event from 1e5 to 1e6 events.
        CompiledPattern pattern = CompiledPattern.Compile("web.browse (cart.add | checkout.start)+ order.placed within 1d");
        (EventBatch longHistories, _) = BenchData.Generate(1_000_000, 100);
        pattern.Evaluate(longHistories); // warm up
        long start = GC.GetAllocatedBytesForCurrentThread();
        pattern.Evaluate(longHistories);
        long patternBytes = GC.GetAllocatedBytesForCurrentThread() - start;
        double patternPerEvent = patternBytes / (double)longHistories.Count;
        bool patternOk = patternPerEvent < 0.01;
        failures += patternOk ? 0 : 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(patternOk ? "ok  " : "FAIL")} pattern: {patternBytes} bytes for {longHistories.Count} events ({patternPerEvent:F4} B/event)"));
        double patternSmall = NsPerEvent(() => pattern.Evaluate(small), small.Count);
        double patternLarge = NsPerEvent(() => pattern.Evaluate(large), large.Count);
        double patternRatio = patternLarge / patternSmall;
        patternOk = patternRatio <= MaxScalingRatio;
        failures += patternOk ? 0 : 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(patternOk ? "ok  " : "FAIL")} pattern: {patternSmall:F2} ns/event at 1e5, {patternLarge:F2} ns/event at 1e6, ratio {patternRatio:F2} (max {MaxScalingRatio})"));

        // Streaming: one customer's state advanced event by event allocates nothing.
        WindowFunnel streaming = WindowFunnel.Create(BenchData.FunnelSteps, TimeSpan.FromDays(1));
        List<JourneyEvent> one = largeEvents.GetRange(0, 10_000);
        var streamed = new List<JourneyEvent>(one.Count);
        foreach (JourneyEvent e in one)
        {
            streamed.Add(e with { CustomerId = "guard" });
        }

        streamed.Sort((a, b) => a.TimestampTicks.CompareTo(b.TimestampTicks));
        WindowFunnelState state = streaming.CreateState();
        foreach (JourneyEvent e in streamed)
        {
            streaming.Advance(state, e); // warm up
        }

        state = streaming.CreateState();
        start = GC.GetAllocatedBytesForCurrentThread();
        foreach (JourneyEvent e in streamed)
        {
            streaming.Advance(state, e);
        }

        long streamingBytes = GC.GetAllocatedBytesForCurrentThread() - start;
        bool streamingOk = streamingBytes == 0;
        failures += streamingOk ? 0 : 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(streamingOk ? "ok  " : "FAIL")} streaming funnel: {streamingBytes} bytes for {streamed.Count} events"));

        PatternState patternState = pattern.CreateState();
        foreach (JourneyEvent e in streamed)
        {
            pattern.Advance(patternState, e); // warm up (per-thread scratch)
        }

        patternState = pattern.CreateState();
        start = GC.GetAllocatedBytesForCurrentThread();
        foreach (JourneyEvent e in streamed)
        {
            pattern.Advance(patternState, e);
        }

        long patternStreamingBytes = GC.GetAllocatedBytesForCurrentThread() - start;
        streamingOk = patternStreamingBytes == 0;
        failures += streamingOk ? 0 : 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(streamingOk ? "ok  " : "FAIL")} streaming pattern: {patternStreamingBytes} bytes for {streamed.Count} events"));

        failures += CheckCsvIngestion(output, small, large);
        GC.KeepAlive(largeEvents);
        output.WriteLine(failures == 0 ? "guard passed" : $"guard failed: {failures} check(s)");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// CSV ingestion (the byte-level path): no string or object per row — bytes per event stay within what the columns
    /// themselves take (customer, touchpoint, channel ids and ticks: 20 B, once more for the trimmed copy at Build; a string per row would add 30 B or more) —
    /// and time per event flat from 1e5 to 1e6 events.
    /// </summary>
    private static int CheckCsvIngestion(TextWriter output, EventBatch small, EventBatch large)
    {
        byte[] smallCsv = Csv(small);
        byte[] largeCsv = Csv(large);
        ReadCsv(largeCsv); // warm up
        long start = GC.GetAllocatedBytesForCurrentThread();
        int count = ReadCsv(largeCsv);
        double perEvent = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)count;
        bool ok = perEvent <= 56;
        int failures = ok ? 0 : 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? "ok  " : "FAIL")} csv ingestion: {perEvent:F1} bytes/event for {count} events, columns included (max 56)"));
        double smallNs = NsPerEvent(() => ReadCsv(smallCsv), small.Count);
        double largeNs = NsPerEvent(() => ReadCsv(largeCsv), large.Count);
        double ratio = largeNs / smallNs;
        ok = ratio <= MaxScalingRatio;
        failures += ok ? 0 : 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(ok ? "ok  " : "FAIL")} csv ingestion: {smallNs:F1} ns/event at 1e5, {largeNs:F1} ns/event at 1e6, ratio {ratio:F2} (max {MaxScalingRatio})"));
        return failures;
    }

    private static int ReadCsv(byte[] csv)
    {
        var builder = new EventBatchBuilder();
        CsvEventReader.ReadInto(new MemoryStream(csv, writable: false), builder, null, null);
        return builder.Build().Count;
    }

    /// <summary>The batch as CSV in its own (grouped, time) order, Unix-second timestamps.</summary>
    private static byte[] Csv(EventBatch batch)
    {
        var text = new System.Text.StringBuilder("customer_id,touchpoint,timestamp\n");
        for (int i = 0; i < batch.Count; i++)
        {
            long seconds = (batch.TimestampTicks[i] - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
            text.Append(batch.Customers[batch.CustomerIds[i]]).Append(',').Append(batch.Touchpoints[batch.TouchpointIds[i]]).Append(',')
                .Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
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
        return NsPerEvent(() => funnel.EvaluateLevels(batch, levels), batch.Count);
    }

    private static double NsPerEvent(Action run, int events)
    {
        double best = double.MaxValue;
        for (int round = 0; round < 9; round++)
        {
            // Start each round from a cold cache so both sizes pay the same memory cost per event.
            EvictCaches();
            long start = Stopwatch.GetTimestamp();
            run();
            double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / events;
            best = Math.Min(best, ns);
        }

        return best;
    }
}
