using System.Diagnostics;
using System.Globalization;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Prediction;
using JourneyKit.Scoring;

namespace JourneyKit.Benchmarks;

/// <summary>
/// <c>--prediction [customers]</c>: fits the boosted-tree model on generated bank events (200,000 customers ≈ 10⁶ events by
/// default) and times it, then times predicting every run open at the cut-off (batch and one at a time) and counts the
/// bytes allocated per run. Wall-clock numbers of one run on whatever machine it is; for benchmarks/results, not CI.
/// </summary>
public static class PredictionProbe
{
    public static int Run(TextWriter output, string[] args)
    {
        int customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var data = PredictionSetup.Generate(customers);
        (EventBatch batch, JourneyEvaluator evaluator, DateTimeOffset cutoff, EventBatch before) = (data.Batch, data.Evaluator, data.Cutoff, data.Before);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch.Count:N0} events of {customers:N0} customers; cut-off {cutoff:yyyy-MM-dd HH:mm} ({before.Count:N0} events before it); {Environment.ProcessorCount} logical cores"));

        TimeSpan fitCpu = Cpu();
        var fitClock = Stopwatch.StartNew();
        var training = new RiskTrainingSet(evaluator, before, cutoff, TimeSpan.FromDays(7), seed: 1);
        RiskPredictionModel model = new BoostedTreeRiskTrainer().FitModel(training);
        fitClock.Stop();
        fitCpu = Cpu() - fitCpu;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: {fitClock.Elapsed.TotalSeconds:F1} s wall, {fitCpu.TotalSeconds:F1} s CPU (all threads) for {before.Count:N0} events ({model.TrainingRows:N0} training rows; landmarks, features and both targets' trees included)"));

        List<JourneyInstance> open = data.OpenRuns();

        var query = new RiskQuery(evaluator, before, cutoff, TimeSpan.FromDays(7), open);
        var risks = new RunRisk[open.Count];
        model.Predict(query, risks); // warm up
        double best = double.MaxValue, bestCpu = double.MaxValue;
        long bytes = 0;
        for (int round = 0; round < 7; round++)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            TimeSpan cpu = Cpu();
            long t = Stopwatch.GetTimestamp();
            for (int repeat = 0; repeat < 4; repeat++)
            {
                model.Predict(query, risks);
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds / 4);
            bestCpu = Math.Min(bestCpu, (Cpu() - cpu).TotalSeconds / 4);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 4;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"predict (batch): {open.Count:N0} open runs: {open.Count / bestCpu:N0} runs per CPU second (wall: {open.Count / best:N0} runs/s), {bytes / (double)open.Count:F1} B/run"));
        double single = double.MaxValue, singleCpu = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            TimeSpan cpu = Cpu();
            long t = Stopwatch.GetTimestamp();
            foreach (JourneyInstance run in open)
            {
                model.Predict(evaluator, run, cutoff);
            }

            single = Math.Min(single, Stopwatch.GetElapsedTime(t).TotalSeconds);
            singleCpu = Math.Min(singleCpu, (Cpu() - cpu).TotalSeconds);
            bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"predict (one run at a time): {open.Count / singleCpu:N0} runs per CPU second (wall: {open.Count / single:N0} runs/s), {bytes / (double)open.Count:F1} B/run"));
        return 0;
    }

    /// <summary>The process's CPU time: on a machine shared with other work, what a run costs (wall time also counts the waits).</summary>
    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
