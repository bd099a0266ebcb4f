using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// A backtest of the built-in baselines over batches of whole customers, for data too big to hold at once
/// (<see cref="Backtest.Plan"/>): the first pass over the data fits the models (<see cref="CreateFitAccumulator"/>, one
/// accumulator per partition, merged), the second scores their predictions (<see cref="BacktestFit.CreateAccumulator"/>).
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe: accumulators on several threads share it.</threadsafety></remarks>
public sealed class BacktestPlan
{
    internal BacktestPlan(CompiledJourney journey, BacktestOptions options, List<DateTimeOffset> cutoffs, DateTimeOffset start, DateTimeOffset end)
    {
        Journey = journey;
        Options = options;
        Cutoffs = cutoffs;
        DataStart = start;
        DataEnd = end;
        Evaluator = new JourneyEvaluator(journey, options.Evaluation);
        var rates = new List<HistoricalRateRiskTrainer>();
        var curves = new List<KaplanMeierRiskTrainer>();
        foreach (RiskModelTrainer model in options.Models)
        {
            HistoricalRateRiskTrainer fallback = model as HistoricalRateRiskTrainer ?? ((KaplanMeierRiskTrainer)model).Fallback;
            if (!rates.Contains(fallback))
            {
                rates.Add(fallback);
            }

            if (model is KaplanMeierRiskTrainer curve && !curves.Contains(curve))
            {
                curves.Add(curve);
            }
        }

        Rates = rates;
        Curves = curves;
        Analyzers = new JourneyAnalyzer[curves.Count];
        for (int k = 0; k < curves.Count; k++)
        {
            Analyzers[k] = new JourneyAnalyzer(journey, curves[k].AnalysisOptions(options.Evaluation));
        }

        Landmarks = new List<DateTimeOffset>[cutoffs.Count][];
        for (int c = 0; c < cutoffs.Count; c++)
        {
            Landmarks[c] = new List<DateTimeOffset>[rates.Count];
            for (int r = 0; r < rates.Count; r++)
            {
                Landmarks[c][r] = rates[r].LandmarksFor(start, cutoffs[c], options.Horizon);
            }
        }
    }

    /// <summary>Gets the cut-offs, in time order.</summary>
    public IReadOnlyList<DateTimeOffset> Cutoffs { get; }

    /// <summary>Gets the earliest event of the data.</summary>
    public DateTimeOffset DataStart { get; }

    /// <summary>Gets the latest event of the data: outcomes are judged at it, later events are ignored.</summary>
    public DateTimeOffset DataEnd { get; }

    internal CompiledJourney Journey { get; }

    internal BacktestOptions Options { get; }

    internal JourneyEvaluator Evaluator { get; }

    /// <summary>The distinct rate trainers: the models' and the Kaplan–Meier fallbacks.</summary>
    internal List<HistoricalRateRiskTrainer> Rates { get; }

    /// <summary>The distinct Kaplan–Meier trainers.</summary>
    internal List<KaplanMeierRiskTrainer> Curves { get; }

    /// <summary>The analyzer of each Kaplan–Meier trainer (shared, so that the partitions' analyses merge).</summary>
    internal JourneyAnalyzer[] Analyzers { get; }

    /// <summary>The landmarks, [cut-off][rate trainer].</summary>
    internal List<DateTimeOffset>[][] Landmarks { get; }

    /// <summary>Creates an empty accumulator of the first pass, for one partition of customers.</summary>
    /// <returns>The accumulator.</returns>
    public BacktestFitAccumulator CreateFitAccumulator() => new(this);
}
