using JourneyKit.Analytics.Prediction.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// The second pass of a backtest over batches of whole customers (<see cref="BacktestFit.CreateAccumulator"/>): each
/// batch's runs open at every cut-off, predicted by the fitted models and labelled from what the batch shows after it. Add
/// batches, merge the partitions in the order of the customers, build: the result is <see cref="Backtest.Run"/>'s.
/// </summary>
/// <remarks>
/// <para>A customer must be in one partition only, with all its events (its outcome is read from them). Memory grows with the
/// predictions the result holds (<see cref="BacktestCutoff.Predictions"/>: one per run open at a cut-off), not with the events.</para>
/// <threadsafety>Not thread-safe: one accumulator per thread, merged afterwards.</threadsafety>
/// </remarks>
public sealed class BacktestAccumulator
{
    private readonly BacktestFit _fit;
    private readonly BacktestPlan _plan;
    private readonly DesignedOrder _order;
    private readonly Backtest.CutoffTally[] _tallies;

    internal BacktestAccumulator(BacktestFit fit)
    {
        _fit = fit;
        _plan = fit.Plan;
        _order = new DesignedOrder(_plan.Journey);
        _tallies = new Backtest.CutoffTally[_plan.Cutoffs.Count];
        for (int c = 0; c < _tallies.Length; c++)
        {
            _tallies[c] = new Backtest.CutoffTally();
        }
    }

    /// <summary>Adds every customer of a batch (a partition: customers not added before, each with all its events).</summary>
    /// <param name="batch">The events of whole customers; those after the end of the data are ignored.</param>
    public void Add(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch.Until(_plan.DataEnd);
        Dictionary<(string Customer, long First), JourneyInstance> outcomes = Backtest.Outcomes(_plan.Evaluator, batch);
        for (int c = 0; c < _tallies.Length; c++)
        {
            FittedRiskModel[] models = _fit.Models[c];
            DateTimeOffset cutoff = _plan.Cutoffs[c];
            _tallies[c].Add(_plan.Evaluator, _order, batch.Until(cutoff), cutoff, _plan.DataEnd, outcomes, _plan.Options.Horizon, () => models);
        }
    }

    /// <summary>Appends another partition's predictions after this one's (merge in the order of the customers for exactly <see cref="Backtest.Run"/>'s result).</summary>
    /// <param name="other">The other accumulator, of the same <see cref="BacktestFit"/>; no shared customers.</param>
    /// <exception cref="ArgumentException">The accumulators come from different fits.</exception>
    public void Merge(BacktestAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._fit != _fit)
        {
            throw new ArgumentException("Only accumulators of the same fit can be merged.", nameof(other));
        }

        for (int c = 0; c < _tallies.Length; c++)
        {
            _tallies[c].Merge(other._tallies[c]);
        }
    }

    /// <summary>Scores the predictions at every cut-off and summarises them.</summary>
    /// <returns>The backtest's result.</returns>
    public BacktestResult Build()
    {
        var results = new List<BacktestCutoff>(_tallies.Length);
        for (int c = 0; c < _tallies.Length; c++)
        {
            results.Add(_tallies[c].Build(_plan.Cutoffs[c], _plan.Options));
        }

        return Backtest.Result(_plan.Journey, _plan.Options, _plan.DataEnd, results);
    }
}
