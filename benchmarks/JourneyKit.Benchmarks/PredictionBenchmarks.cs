using BenchmarkDotNet.Attributes;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Prediction;
using JourneyKit.Scoring;

namespace JourneyKit.Benchmarks;

/// <summary>
/// Predicting once fitted (issue 15's target: ≥ 1 M runs/s/core): the boosted-tree model (defaults: 100 trees of 16 leaves
/// per target, Platt) fitted on ~250,000 generated bank events, asked about every run open halfway through them. Times are
/// per run (<c>OperationsPerInvoke</c> = the runs), feature extraction included; one thread.
/// </summary>
[MemoryDiagnoser]
public class PredictionBenchmarks
{
    private RiskPredictionModel _model = null!;
    private RiskQuery _query = null!;
    private RunRisk[] _risks = null!;
    private JourneyEvaluator _evaluator = null!;
    private DateTimeOffset _asOf;

    /// <summary>Gets the runs asked about (set in <see cref="Setup"/>; the benchmarks' operations per invoke).</summary>
    public const int Runs = 16_384;

    [GlobalSetup]
    public void Setup()
    {
        (_model, _query, _evaluator, _asOf) = Fit(50_000, Runs);
        _risks = new RunRisk[Runs];
    }

    /// <summary>The model and a query of <paramref name="runs"/> open runs (repeated when fewer are open).</summary>
    internal static (RiskPredictionModel Model, RiskQuery Query, JourneyEvaluator Evaluator, DateTimeOffset AsOf) Fit(int customers, int runs)
    {
        var data = PredictionSetup.Generate(customers);
        (JourneyEvaluator evaluator, DateTimeOffset asOf, EventBatch before) = (data.Evaluator, data.Cutoff, data.Before);
        RiskPredictionModel model = new BoostedTreeRiskTrainer().FitModel(new RiskTrainingSet(evaluator, before, asOf, TimeSpan.FromDays(7), seed: 1));
        List<JourneyInstance> open = data.OpenRuns();

        var asked = new List<JourneyInstance>(runs);
        for (int i = 0; asked.Count < runs; i++)
        {
            asked.Add(open[i % open.Count]);
        }

        return (model, new RiskQuery(evaluator, before, asOf, TimeSpan.FromDays(7), asked), evaluator, asOf);
    }

    /// <summary>The batch call: one query of every run (features from the runs and their events).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Runs)]
    public double Predict_Batch_PerRun()
    {
        _model.Predict(_query, _risks);
        return _risks[^1].NotProgressing;
    }

    /// <summary>One run at a time (what a risk rule's estimator does).</summary>
    [Benchmark(OperationsPerInvoke = Runs)]
    public double Predict_OneRun_PerRun()
    {
        double total = 0;
        for (int i = 0; i < _query.Runs.Count; i++)
        {
            total += _model.Predict(_evaluator, _query.Runs[i], _asOf).NotProgressing;
        }

        return total;
    }
}
