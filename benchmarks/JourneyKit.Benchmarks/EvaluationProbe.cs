using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Synthetic;

namespace JourneyKit.Benchmarks;

/// <summary>
/// <c>--evaluation [customers]</c>: full evaluation + score of the bundled bank journey, the object path
/// (<see cref="JourneyEvaluator.Evaluate(EventBatch)"/> + a <see cref="JourneyScore"/> per run) against the columnar path
/// (<see cref="JourneyEvaluator.EvaluateInto"/> + <see cref="ScoringModel.Score(JourneyEvaluator, in JourneyRun, DateTimeOffset, Span{double})"/>):
/// thread CPU time and bytes allocated per event (best of several rounds), bytes the columns retain per event, and a
/// check that both give the same scores.
/// </summary>
public static class EvaluationProbe
{
    public static int Run(TextWriter output, string[] args)
    {
        int customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        Journey journey = JourneyJson.LoadFile(Path.Combine(Guard.Root(), "samples", "data", "retail-bank-account-opening.journey.json"));
        EventBatch batch = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = customers, Seed = 7 }).GenerateBatch();
        var evaluator = new JourneyEvaluator(journey.Compile());
        var asOf = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var columns = new JourneyRunColumns();
        double Objects()
        {
            double total = 0;
            foreach (JourneyInstance i in evaluator.Evaluate(batch))
            {
                total += ScoringModel.Default.Score(evaluator, i, asOf).Value;
            }

            return total;
        }

        double Columnar() => ScoreColumns(evaluator, batch, columns, asOf);

        (double objectNs, double objectBytes) = Measure(Objects, batch.Count, 3);
        (double evaluateNs, _) = Measure(() => { evaluator.EvaluateInto(batch, columns); return columns.Count; }, batch.Count, 5);
        (double columnNs, double columnBytes) = Measure(Columnar, batch.Count, 5);
        double a = Objects(), b = Columnar();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch.Count:N0} events, {batch.CustomerCount:N0} customers, {columns.Count:N0} runs"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"objects : {objectNs,8:F1} ns/event {1e3 / objectNs,7:F2} M events/s {objectBytes,8:F1} B/event allocated"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"columns : {columnNs,8:F1} ns/event {1e3 / columnNs,7:F2} M events/s {columnBytes,8:F2} B/event allocated, {columns.RetainedBytes / (double)batch.Count:F1} B/event retained"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"columns, evaluation alone: {evaluateNs,8:F1} ns/event; scoring {columnNs - evaluateNs:F1} ns/event"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum of scores: objects {a:R}, columns {b:R} ({(a == b ? "equal" : "DIFFERENT")})"));
        return a == b ? 0 : 1;
    }

    /// <summary>Evaluates a batch into the columns and sums the runs' scores.</summary>
    internal static double ScoreColumns(JourneyEvaluator evaluator, EventBatch batch, JourneyRunColumns columns, DateTimeOffset asOf)
    {
        evaluator.EvaluateInto(batch, columns);
        double total = 0;
        for (int r = 0; r < columns.Count; r++)
        {
            total += ScoringModel.Default.Score(evaluator, columns[r], asOf, default);
        }

        return total;
    }

    /// <summary>The best thread CPU time per event and the fewest bytes allocated per event of several rounds after a warm-up.</summary>
    internal static (double Ns, double Bytes) Measure(Func<double> run, int events, int rounds)
    {
        run();
        double ns = double.MaxValue, bytes = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long start = Guard.ThreadNanoseconds();
            run();
            ns = Math.Min(ns, (Guard.ThreadNanoseconds() - start) / (double)events);
            bytes = Math.Min(bytes, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)events);
        }

        return (ns, bytes);
    }
}
