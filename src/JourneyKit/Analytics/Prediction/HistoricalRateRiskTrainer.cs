using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// The naive baseline: each stage's historical rate. At earlier landmarks (<see cref="RiskTrainingSet.Landmarks"/>, every
/// <see cref="LandmarkSpacing"/>), the runs open in a stage are followed for the horizon (<see cref="OpenRunSampler"/>); a
/// run now in that stage is given the share of them that did not progress within the horizon, and the share of the decided
/// ones that missed the goal. A stage without samples gets the rate over all stages (0.5 when there are none).
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public sealed class HistoricalRateRiskTrainer : RiskModelTrainer
{
    /// <summary>The most landmarks used by default.</summary>
    public const int DefaultMaxLandmarks = 64;

    /// <summary>Gets the shared instance with default settings.</summary>
    public static HistoricalRateRiskTrainer Default { get; } = new();

    /// <summary>Gets the time between landmarks. The default value is null: a quarter of the horizon, at least one hour.</summary>
    public TimeSpan? LandmarkSpacing { get; init; }

    /// <summary>Gets the most landmarks, newest first. The default value is <see cref="DefaultMaxLandmarks"/>.</summary>
    public int MaxLandmarks { get; init; } = DefaultMaxLandmarks;

    /// <inheritdoc/>
    public override string Name => "historical-rate";

    /// <summary>The landmark spacing for a horizon: <paramref name="spacing"/>, or a quarter of the horizon (at least one hour).</summary>
    /// <param name="spacing">The spacing asked for, or null.</param>
    /// <param name="horizon">The horizon.</param>
    /// <returns>The spacing.</returns>
    public static TimeSpan SpacingFor(TimeSpan? spacing, TimeSpan horizon) =>
        spacing ?? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerHour, horizon.Ticks / 4));

    /// <inheritdoc/>
    public override FittedRiskModel Fit(RiskTrainingSet training) => FitRates(training);

    /// <summary>Fits the rates.</summary>
    internal Rates FitRates(RiskTrainingSet training)
    {
        ArgumentNullException.ThrowIfNull(training);
        IReadOnlyList<DateTimeOffset> landmarks = training.Landmarks(SpacingFor(LandmarkSpacing, training.Horizon), MaxLandmarks);
        IReadOnlyList<OpenRunSample> samples = OpenRunSampler.Sample(training.Evaluator, training.Events, landmarks, training.Horizon, training.Cutoff);
        (int Known, int Events)[,] counts = NewCounts(training.Journey);
        Count(samples, counts);
        return RatesOf(counts);
    }

    /// <summary>The landmarks at a cut-off for data starting at <paramref name="first"/> (<see cref="RiskTrainingSet.Landmarks"/>).</summary>
    internal List<DateTimeOffset> LandmarksFor(DateTimeOffset first, DateTimeOffset cutoff, TimeSpan horizon) =>
        RiskTrainingSet.LandmarksAfter(first, cutoff, horizon, SpacingFor(LandmarkSpacing, horizon), MaxLandmarks);

    /// <summary>Empty counts: known and positive samples per target (rows) and stage (columns; the last pools every stage). Counts of partitions add up.</summary>
    internal static (int Known, int Events)[,] NewCounts(CompiledJourney journey) => new (int, int)[2, journey.Stages.Length + 1];

    /// <summary>Adds labelled samples to the counts.</summary>
    internal static void Count(IReadOnlyList<OpenRunSample> samples, (int Known, int Events)[,] counts)
    {
        int stages = counts.GetLength(1) - 1;
        foreach (OpenRunSample s in samples)
        {
            for (int t = 0; t < 2; t++)
            {
                if (s.Label((RiskTarget)t) is { } label)
                {
                    counts[t, s.Stage].Known++;
                    counts[t, s.Stage].Events += label ? 1 : 0;
                    counts[t, stages].Known++;
                    counts[t, stages].Events += label ? 1 : 0;
                }
            }
        }
    }

    /// <summary>The rates the counts give.</summary>
    internal Rates RatesOf((int Known, int Events)[,] counts)
    {
        int stages = counts.GetLength(1) - 1;
        var rates = new RunRisk[stages];
        for (int s = 0; s < stages; s++)
        {
            rates[s] = new RunRisk(Rate(counts, 0, s, stages), Rate(counts, 1, s, stages));
        }

        return new Rates(Name, rates, new RunRisk(Rate(counts, 0, stages, stages), Rate(counts, 1, stages, stages)));
    }

    private static double Rate((int Known, int Events)[,] counts, int target, int stage, int pooled)
    {
        (int known, int events) = counts[target, stage];
        if (known > 0)
        {
            return (double)events / known;
        }

        (known, events) = counts[target, pooled];
        return known > 0 ? (double)events / known : 0.5;
    }

    /// <summary>The fitted rates.</summary>
    internal sealed class Rates(string name, RunRisk[] rates, RunRisk pooled) : FittedRiskModel
    {
        public override string Name => name;

        /// <summary>The rates of a stage (pooled for none).</summary>
        public RunRisk Of(int stage) => stage >= 0 && stage < rates.Length ? rates[stage] : pooled;

        public override void Predict(RiskQuery query, Span<RunRisk> risks)
        {
            ArgumentNullException.ThrowIfNull(query);
            for (int i = 0; i < query.Runs.Count; i++)
            {
                risks[i] = Of(query.Runs[i].CurrentStage);
            }
        }
    }
}
