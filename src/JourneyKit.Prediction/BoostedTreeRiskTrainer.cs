using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Prediction.Internal;
using JourneyKit.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace JourneyKit.Prediction;

/// <summary>
/// Fits a <see cref="RiskPredictionModel"/>: gradient-boosted regression trees (ML.NET FastTree, binary log loss) on the runs
/// open at earlier landmarks of the training data (<see cref="OpenRunSampler"/>: every <see cref="LandmarkSpacing"/> back from
/// cut-off − horizon, so each has its whole horizon observed), one ensemble per <see cref="RiskTarget"/>, calibrated on a
/// validation split of the customers (<see cref="ValidationFraction"/>, <see cref="Calibration"/>).
/// </summary>
/// <remarks>
/// <para>Features, all known at the instant of the prediction: the stage (one column per stage), hours in the stage, the
/// ratio to and excess over its standard time, hours since the last and the first event, events, stage visits and visits
/// of the current stage, stages behind the furthest reached, backtracks, repeats, channel switches, assisted contacts,
/// out-of-path events and disallowed moves, the persona, the last channel, each moment of truth's hits and the positive
/// and negative weight so far, the default score's components, and numeric attributes (<see cref="NumericAttributes"/>).</para>
/// <para>Fitting is deterministic for a seed (<see cref="RiskTrainingSet.Seed"/>): the split hashes customer ids with it,
/// FastTree gets it and runs on one thread.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class BoostedTreeRiskTrainer : RiskModelTrainer
{
    /// <summary>The name of the model in results: <c>boosted-trees</c>.</summary>
    public const string ModelName = "boosted-trees";

    /// <summary>Gets the number of trees per target. The default value is 100.</summary>
    public int NumberOfTrees { get; init; } = 100;

    /// <summary>Gets the leaves per tree. The default value is 16.</summary>
    public int NumberOfLeaves { get; init; } = 16;

    /// <summary>Gets the fewest training runs in a leaf. The default value is 50.</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 50;

    /// <summary>Gets the learning rate (shrinkage). The default value is 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Gets the time between landmarks. The default value is null: a quarter of the horizon, at least one hour (as <see cref="HistoricalRateRiskTrainer"/>).</summary>
    public TimeSpan? LandmarkSpacing { get; init; }

    /// <summary>Gets the most landmarks, newest first. The default value is 64.</summary>
    public int MaxLandmarks { get; init; } = 64;

    /// <summary>Gets the share of customers held out to fit the calibration. The default value is 0.25.</summary>
    public double ValidationFraction { get; init; } = 0.25;

    /// <summary>Gets the calibration. The default value is <see cref="RiskCalibration.Platt"/> (on the known-hazard test it recovers the true risk within 0.06, isotonic within 0.11).</summary>
    public RiskCalibration Calibration { get; init; } = RiskCalibration.Platt;

    /// <summary>
    /// Gets the numeric attributes to use as features (the latest value at the instant; missing when absent or not a
    /// number). The default value is null: the attributes the journey's persona rules compare numerically (gt, ge, lt, le).
    /// </summary>
    public IReadOnlyList<string>? NumericAttributes { get; init; }

    /// <summary>Gets the most landmark rows used per target (a seeded sample beyond it). The default value is 400,000.</summary>
    public int MaxTrainingRows { get; init; } = 400_000;

    /// <summary>
    /// Gets the steps of the discrete-time hazard for <see cref="RiskTarget.NotProgressing"/>: with more than one, the trees
    /// learn the risk of not progressing within one step (horizon / steps) at landmarks up to one step before the cut-off,
    /// and the risk over the horizon is the product over the steps, the run's clocks advanced a step at a time. With 1 the
    /// trees learn the whole horizon at landmarks at least one horizon before the cut-off. The default value is 1.
    /// </summary>
    /// <remarks>
    /// Use more steps when the history before the cut-off is short next to the horizon: on the bank sample's first cut-off
    /// (15 days of data, horizon 14 days) 4 steps lift the AUC of <see cref="RiskTarget.NotProgressing"/> from 0.50 to 0.66;
    /// on BPI Challenge 2012 (months of history) they rank as well but calibrate worse (docs/prediction.md).
    /// The risk of missing the goal is learned at landmarks at least one horizon before the cut-off either way.
    /// </remarks>
    public int HazardSteps { get; init; } = 1;


    /// <inheritdoc/>
    public override string Name => ModelName;

    /// <inheritdoc/>
    public override FittedRiskModel Fit(RiskTrainingSet training) => FitModel(training);

    /// <summary>Fits the model.</summary>
    /// <param name="training">The training set.</param>
    /// <returns>The fitted model.</returns>
    public RiskPredictionModel FitModel(RiskTrainingSet training)
    {
        ArgumentNullException.ThrowIfNull(training);
        Validate();
        CompiledJourney journey = training.Journey;
        var schema = FeatureSchema.For(journey, [.. NumericAttributes ?? PersonaNumericAttributes(journey.Journey)]);
        TimeSpan spacing = HistoricalRateRiskTrainer.SpacingFor(LandmarkSpacing, training.Horizon);
        TimeSpan step = HazardSteps > 1 ? TimeSpan.FromTicks(training.Horizon.Ticks / HazardSteps) : training.Horizon;
        IReadOnlyList<DateTimeOffset> landmarks = Landmarks(training, step, spacing);
        var rows = new List<float[]>();
        EventBatch events = training.Events;
        IReadOnlyList<OpenRunSample> samples = OpenRunSampler.Sample(training.Evaluator, events, landmarks, step, training.Cutoff, (int index, JourneyInstance run, in OpenRunSample s) =>
        {
            var row = new float[schema.Count];
            schema.Extract(training.Evaluator, run, s.Landmark.UtcTicks, events, events.CustomerStarts[s.EventRun], s.EndRow, row);
            rows.Add(row);
        });

        var trees = new TreeEnsemble[2];
        var calibrators = new Calibrator[2];
        DateTimeOffset goalUntil = training.Cutoff - training.Horizon;
        for (int t = 0; t < 2; t++)
        {
            DateTimeOffset until = t == (int)RiskTarget.MissingGoal ? goalUntil : training.Cutoff;
            (trees[t], calibrators[t]) = FitTarget((RiskTarget)t, samples, rows, schema.Count, training.Seed, until);
        }

        return new RiskPredictionModel(journey.Journey.Id, journey.Journey.Version, training.Horizon, HazardSteps, schema, trees, calibrators, samples.Count);
    }

    /// <summary>The landmarks: every <paramref name="spacing"/> back from cut-off − <paramref name="step"/>, and at the latest cut-off − horizon (so the goal target keeps its landmarks).</summary>
    private List<DateTimeOffset> Landmarks(RiskTrainingSet training, TimeSpan step, TimeSpan spacing)
    {
        var landmarks = new List<DateTimeOffset>();
        if (training.Events.EarliestTimestamp is not { } first)
        {
            return landmarks;
        }

        DateTimeOffset newest = training.Cutoff - step;
        int most = MaxLandmarks + (int)Math.Min(10_000, (training.Horizon - step).Ticks / spacing.Ticks);
        for (DateTimeOffset l = newest; l > first && landmarks.Count < most; l -= spacing)
        {
            landmarks.Add(l);
        }

        return landmarks;
    }

    private (TreeEnsemble Trees, Calibrator Calibrator) FitTarget(RiskTarget target, IReadOnlyList<OpenRunSample> samples, List<float[]> rows, int features, int seed, DateTimeOffset until)
    {
        var train = new List<int>();
        var validation = new List<int>();
        for (int i = 0; i < samples.Count; i++)
        {
            if (samples[i].Label(target) is not null && samples[i].Landmark <= until)
            {
                (InValidation(samples[i].CustomerId, seed) ? validation : train).Add(i);
            }
        }

        Subsample(train, MaxTrainingRows, seed);
        Subsample(validation, MaxTrainingRows, seed + 1);
        TreeEnsemble ensemble = Train(train, samples, rows, target, features, seed);
        var scores = new double[validation.Count];
        var labels = new bool[validation.Count];
        for (int k = 0; k < validation.Count; k++)
        {
            scores[k] = ensemble.Score(rows[validation[k]]);
            labels[k] = samples[validation[k]].Label(target)!.Value;
        }

        return (ensemble, Calibrator.Fit(Calibration, scores, labels));
    }

    private TreeEnsemble Train(List<int> indices, IReadOnlyList<OpenRunSample> samples, List<float[]> rows, RiskTarget target, int features, int seed)
    {
        int positives = 0;
        foreach (int i in indices)
        {
            positives += samples[i].Label(target)!.Value ? 1 : 0;
        }

        if (positives == 0 || positives == indices.Count || indices.Count < 2 * MinimumExampleCountPerLeaf)
        {
            // Too little to learn from: a constant score (the calibration then gives the validation rate).
            return new TreeEnsemble(0, []);
        }

        var ml = new MLContext(seed);
        var data = new List<TrainingRow>(indices.Count);
        foreach (int i in indices)
        {
            data.Add(new TrainingRow { Features = rows[i], Label = samples[i].Label(target)!.Value });
        }

        SchemaDefinition definition = SchemaDefinition.Create(typeof(TrainingRow));
        definition[nameof(TrainingRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        IDataView view = ml.Data.LoadFromEnumerable(data, definition);
        var options = new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = NumberOfTrees,
            NumberOfLeaves = NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            LearningRate = LearningRate,
            Seed = seed,
            NumberOfThreads = 1,
            FeatureColumnName = nameof(TrainingRow.Features),
            LabelColumnName = nameof(TrainingRow.Label),
        };
        var model = ml.BinaryClassification.Trainers.FastTree(options).Fit(view);
        TreeEnsemble<RegressionTree> fitted = model.Model.SubModel.TrainedTreeEnsemble;
        var trees = new Tree[fitted.Trees.Count];
        for (int t = 0; t < trees.Length; t++)
        {
            RegressionTree tree = fitted.Trees[t];
            trees[t] = new Tree(
                fitted.TreeWeights[t],
                [.. tree.NumericalSplitFeatureIndexes],
                [.. tree.NumericalSplitThresholds],
                [.. tree.LeftChild],
                [.. tree.RightChild],
                [.. tree.LeafValues]);
        }

        var ensemble = new TreeEnsemble(fitted.Bias, trees);
        var used = new List<float[]>(indices.Count);
        foreach (int i in indices)
        {
            used.Add(rows[i]);
        }

        ensemble.SetNodeValues(used);
        return ensemble;
    }

    /// <summary>A customer is in the validation split when a seeded FNV-1a hash of its id falls in the first <see cref="ValidationFraction"/> of the range.</summary>
    private bool InValidation(string customer, int seed)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (char c in customer)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (hash % 10_000) < ValidationFraction * 10_000;
    }

    /// <summary>Keeps a seeded random <paramref name="max"/> of the indices, in their order.</summary>
    private static void Subsample(List<int> indices, int max, int seed)
    {
        if (indices.Count <= max)
        {
            return;
        }

        var random = new Random(seed);
        int[] keep = [.. indices];
        random.Shuffle(keep);
        Array.Sort(keep, 0, max);
        indices.Clear();
        indices.AddRange(keep.AsSpan(0, max));
    }

    private static List<string> PersonaNumericAttributes(Journey journey)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Persona persona in journey.Personas)
        {
            foreach (AttributeRule rule in persona.Rule.All)
            {
                if (rule.Op is RuleOperator.Gt or RuleOperator.Ge or RuleOperator.Lt or RuleOperator.Le)
                {
                    keys.Add(rule.Attribute);
                }
            }
        }

        return [.. keys];
    }

    private void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(NumberOfTrees, 1, nameof(NumberOfTrees));
        ArgumentOutOfRangeException.ThrowIfLessThan(NumberOfLeaves, 2, nameof(NumberOfLeaves));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumExampleCountPerLeaf, 1, nameof(MinimumExampleCountPerLeaf));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLandmarks, 1, nameof(MaxLandmarks));
        ArgumentOutOfRangeException.ThrowIfLessThan(HazardSteps, 1, nameof(HazardSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTrainingRows, 100, nameof(MaxTrainingRows));
        if (!(LearningRate is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be in (0, 1].");
        }

        if (!(ValidationFraction is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be in (0, 1).");
        }
    }

    /// <summary>One training row for ML.NET.</summary>
    private sealed class TrainingRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
