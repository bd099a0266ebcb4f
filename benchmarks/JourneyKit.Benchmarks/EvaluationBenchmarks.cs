using BenchmarkDotNet.Attributes;
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Synthetic;

namespace JourneyKit.Benchmarks;

/// <summary>
/// Full journey evaluation (stages, effort counters, 3 moments of truth as patterns, and the score) over ~1M events of
/// the bundled bank journey, as objects (the baseline) and as columns; streaming updates per event; CSV ingestion. Times are per event.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private EventBatch _batch = null!;
    private JourneyEvaluator _evaluator = null!;
    private readonly JourneyRunColumns _columns = new();
    private WindowFunnel _funnel = null!;
    private JourneyEvent[] _oneCustomer = null!;
    private string _csv = null!;
    private int _events;

    [GlobalSetup]
    public void Setup()
    {
        Journey journey = JourneyJson.LoadFile(Path.Combine(Root(), "samples", "data", "retail-bank-account-opening.journey.json"));
        _batch = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = 200_000, Seed = 7 }).GenerateBatch();
        _events = _batch.Count;
        _evaluator = new JourneyEvaluator(journey.Compile());
        _funnel = WindowFunnel.Create(["web.product.view", "application.start", "application.submit", "id.upload"], TimeSpan.FromDays(7));
        _oneCustomer = [.. Enumerable.Range(0, 1_000).Select(i => new JourneyEvent("c", i % 3 == 0 ? "web.product.view" : "application.start", DateTimeOffset.UnixEpoch.AddMinutes(i)))];
        _csv = Path.Combine(Path.GetTempPath(), "jk-bench-events.csv");
        new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = 200_000, Seed = 7 }).Generate(_csv);
    }

    [Benchmark(Baseline = true)]
    public double EvaluateAndScore_PerEvent()
    {
        IReadOnlyList<JourneyInstance> instances = _evaluator.Evaluate(_batch);
        double total = 0;
        var asOf = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (JourneyInstance i in instances)
        {
            total += ScoringModel.Default.Score(_evaluator, i, asOf).Value;
        }

        return total / _events;
    }

    /// <summary>The columnar path: runs as columns reused across calls, each scored without a breakdown.</summary>
    [Benchmark]
    public double EvaluateAndScoreColumnar_PerEvent() => EvaluationProbe.ScoreColumns(_evaluator, _batch, _columns, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)) / _events;

    [Benchmark(OperationsPerInvoke = 1_000)]
    public int StreamingFunnel_PerEvent()
    {
        WindowFunnelState state = _funnel.CreateState();
        foreach (JourneyEvent e in _oneCustomer)
        {
            _funnel.Advance(state, e);
        }

        return _funnel.GetLevel(state);
    }

    [Benchmark]
    public int CsvIngestion_WholeFile() => EventFile.Read(_csv).Batch.Count;

    public long CsvBytes => new FileInfo(_csv).Length;

    private static string Root()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }
}
