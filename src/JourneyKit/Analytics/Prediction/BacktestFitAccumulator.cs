using JourneyKit.Analytics.Prediction.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// The first pass of a backtest over batches of whole customers (<see cref="BacktestPlan.CreateFitAccumulator"/>): the fitting
/// statistics of the built-in baselines at every cut-off, from the events at or before it — the historical rates' labelled
/// samples per stage, and the analysis behind the Kaplan–Meier curves (<see cref="JourneyAnalysisAccumulator"/>). Add
/// batches, merge the partitions, build the fitted models (<see cref="BacktestFit"/>) for the second pass.
/// </summary>
/// <remarks>
/// <para>A customer must be in one partition only, with all its events. Memory is that of one
/// <see cref="JourneyAnalysisAccumulator"/> per cut-off and Kaplan–Meier model, and a few counts.</para>
/// <threadsafety>Not thread-safe: one accumulator per thread, merged afterwards.</threadsafety>
/// </remarks>
public sealed class BacktestFitAccumulator
{
    private readonly BacktestPlan _plan;
    private readonly (int Known, int Events)[][][,] _counts;   // [cut-off][rate trainer]
    private readonly JourneyAnalysisAccumulator[][] _analyses; // [cut-off][Kaplan–Meier trainer]

    internal BacktestFitAccumulator(BacktestPlan plan)
    {
        _plan = plan;
        _counts = new (int, int)[plan.Cutoffs.Count][][,];
        _analyses = new JourneyAnalysisAccumulator[plan.Cutoffs.Count][];
        for (int c = 0; c < plan.Cutoffs.Count; c++)
        {
            _counts[c] = new (int, int)[plan.Rates.Count][,];
            for (int r = 0; r < plan.Rates.Count; r++)
            {
                _counts[c][r] = HistoricalRateRiskTrainer.NewCounts(plan.Journey);
            }

            _analyses[c] = new JourneyAnalysisAccumulator[plan.Analyzers.Length];
            for (int k = 0; k < plan.Analyzers.Length; k++)
            {
                _analyses[c][k] = plan.Analyzers[k].CreateAccumulator(plan.Cutoffs[c]);
            }
        }
    }

    /// <summary>Adds every customer of a batch (a partition: customers not added before, each with all its events).</summary>
    /// <param name="batch">The events of whole customers; those after the end of the data are ignored.</param>
    /// <exception cref="ArgumentException">A customer of the batch was already added.</exception>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch.Until(_plan.DataEnd);
        for (int c = 0; c < _plan.Cutoffs.Count; c++)
        {
            DateTimeOffset cutoff = _plan.Cutoffs[c];
            EventBatch training = batch.Until(cutoff);
            for (int r = 0; r < _plan.Rates.Count; r++)
            {
                HistoricalRateRiskTrainer.Count(OpenRunSampler.Sample(_plan.Evaluator, training, _plan.Landmarks[c][r], _plan.Options.Horizon, cutoff), _counts[c][r]);
            }

            for (int k = 0; k < _analyses[c].Length; k++)
            {
                _analyses[c][k].Add(training);
            }
        }
    }

    /// <summary>Adds another partition's statistics to this one.</summary>
    /// <param name="other">The other accumulator, of the same plan; no shared customers.</param>
    /// <exception cref="ArgumentException">The accumulators come from different plans, or share a customer.</exception>
    public void Merge(BacktestFitAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._plan != _plan)
        {
            throw new ArgumentException("Only accumulators of the same plan can be merged.", nameof(other));
        }

        for (int c = 0; c < _counts.Length; c++)
        {
            for (int r = 0; r < _counts[c].Length; r++)
            {
                (int Known, int Events)[,] mine = _counts[c][r], theirs = other._counts[c][r];
                for (int t = 0; t < mine.GetLength(0); t++)
                {
                    for (int s = 0; s < mine.GetLength(1); s++)
                    {
                        mine[t, s] = (mine[t, s].Known + theirs[t, s].Known, mine[t, s].Events + theirs[t, s].Events);
                    }
                }
            }

            for (int k = 0; k < _analyses[c].Length; k++)
            {
                _analyses[c][k].Merge(other._analyses[c][k]);
            }
        }
    }

    /// <summary>Fits every model at every cut-off from the statistics added and merged.</summary>
    /// <returns>The fitted models, for the second pass.</returns>
    public BacktestFit Build()
    {
        BacktestOptions options = _plan.Options;
        var fitted = new FittedRiskModel[_counts.Length][];
        for (int c = 0; c < _counts.Length; c++)
        {
            var rates = new HistoricalRateRiskTrainer.Rates[_plan.Rates.Count];
            for (int r = 0; r < rates.Length; r++)
            {
                rates[r] = _plan.Rates[r].RatesOf(_counts[c][r]);
            }

            fitted[c] = new FittedRiskModel[options.Models.Count];
            for (int m = 0; m < fitted[c].Length; m++)
            {
                fitted[c][m] = options.Models[m] switch
                {
                    HistoricalRateRiskTrainer h => rates[_plan.Rates.IndexOf(h)],
                    KaplanMeierRiskTrainer k => k.FromAnalysis(_plan.Journey, _analyses[c][_plan.Curves.IndexOf(k)].Build(), rates[_plan.Rates.IndexOf(k.Fallback)]),
                    _ => throw new InvalidOperationException("Only the built-in baselines are fitted batch by batch."),
                };
            }
        }

        return new BacktestFit(_plan, fitted);
    }
}
