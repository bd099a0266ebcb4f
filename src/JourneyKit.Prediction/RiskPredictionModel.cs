using System.Text;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Prediction.Internal;
using JourneyKit.Scoring;

namespace JourneyKit.Prediction;

/// <summary>
/// A fitted, calibrated risk model (from <see cref="BoostedTreeRiskTrainer"/>): for a run open at an instant, the probability
/// of not progressing past its stage within the horizon and of never reaching the goal, each from boosted trees over the
/// run's features at that instant and a calibration fitted on a validation split; with the features that moved each
/// prediction most, in plain words (<see cref="Explain"/>). Saved and loaded in a versioned binary format.
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public sealed class RiskPredictionModel : FittedRiskModel
{
    /// <summary>The version of the saved format that <see cref="Save"/> writes and <see cref="Load"/> reads.</summary>
    public const int FormatVersion = 2;

    private static readonly byte[] Magic = "JKRM"u8.ToArray();
    private readonly TreeEnsemble[] _trees;
    private readonly Calibrator[] _calibrators;

    internal RiskPredictionModel(string journeyId, int journeyVersion, TimeSpan horizon, int hazardSteps, FeatureSchema schema, TreeEnsemble[] trees, Calibrator[] calibrators, int trainingRows)
    {
        JourneyId = journeyId;
        JourneyVersion = journeyVersion;
        Horizon = horizon;
        HazardSteps = hazardSteps;
        Schema = schema;
        _trees = trees;
        _calibrators = calibrators;
        TrainingRows = trainingRows;
        Fingerprint = ComputeFingerprint();
    }

    /// <inheritdoc/>
    public override string Name => BoostedTreeRiskTrainer.ModelName;

    /// <summary>Gets the journey the model was fitted for.</summary>
    public string JourneyId { get; }

    /// <summary>Gets the journey version the model was fitted for.</summary>
    public int JourneyVersion { get; }

    /// <summary>Gets the horizon of <see cref="RiskTarget.NotProgressing"/> the model was fitted for.</summary>
    public TimeSpan Horizon { get; }

    /// <summary>Gets the steps of the discrete-time hazard of <see cref="RiskTarget.NotProgressing"/> (<see cref="BoostedTreeRiskTrainer.HazardSteps"/>); 1 when the trees predict the whole horizon.</summary>
    public int HazardSteps { get; }

    /// <summary>Gets how many labelled runs at landmarks the model learned from (both targets).</summary>
    public int TrainingRows { get; }

    /// <summary>Gets the names of the features, in the order the trees read them.</summary>
    public IReadOnlyList<string> FeatureNames => Schema.Names;

    /// <summary>Gets a fingerprint of the model's content (format version and a 64-bit hash of the saved bytes), to record with each decision made from it: <c>boosted-trees/1:0123456789abcdef</c>.</summary>
    public string Fingerprint { get; }

    internal FeatureSchema Schema { get; }

    /// <inheritdoc/>
    public override void Predict(RiskQuery query, Span<RunRisk> risks)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckJourney(query.Journey);
        Span<float> row = Schema.Count <= 512 ? stackalloc float[Schema.Count] : new float[Schema.Count];
        Span<float> moved = Schema.Count <= 512 ? stackalloc float[Schema.Count] : new float[Schema.Count];
        long asOf = query.AsOf.UtcTicks;
        for (int i = 0; i < query.Runs.Count; i++)
        {
            (int start, int end) = query.EventRows(i);
            Schema.Extract(query.Evaluator, query.Runs[i], asOf, query.Events, start, end, row);
            double standard = FeatureSchema.StandardHours(query.Journey, query.Runs[i]);
            risks[i] = new RunRisk(NotProgressing(row, standard, moved), Probability(RiskTarget.MissingGoal, row));
        }
    }

    /// <summary>Predicts for one run from the run alone (numeric attributes from <see cref="JourneyInstance.Attributes"/>).</summary>
    /// <param name="evaluator">The evaluator the run was advanced with.</param>
    /// <param name="run">The run, holding only events up to <paramref name="asOf"/>.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The risks.</returns>
    public RunRisk Predict(JourneyEvaluator evaluator, JourneyInstance run, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(run);
        CheckJourney(evaluator.Journey);
        Span<float> row = Schema.Count <= 512 ? stackalloc float[Schema.Count] : new float[Schema.Count];
        Span<float> moved = Schema.Count <= 512 ? stackalloc float[Schema.Count] : new float[Schema.Count];
        Schema.Extract(evaluator, run, asOf.UtcTicks, null, 0, 0, row);
        return new RunRisk(NotProgressing(row, FeatureSchema.StandardHours(evaluator.Journey, run), moved), Probability(RiskTarget.MissingGoal, row));
    }

    /// <summary>
    /// Gets the features that moved one prediction most, largest effect first: each tree's path is split into per-feature
    /// steps (Saabas), summed per feature group (the stage one-hot columns are one "stage" reason), and described with the
    /// run's own values.
    /// </summary>
    /// <param name="evaluator">The evaluator the run was advanced with.</param>
    /// <param name="run">The run, holding only events up to <paramref name="asOf"/>.</param>
    /// <param name="asOf">The instant.</param>
    /// <param name="target">The prediction to explain.</param>
    /// <param name="count">How many reasons; at least 1.</param>
    /// <returns>The reasons, by the size of their contribution.</returns>
    public IReadOnlyList<RiskFactor> Explain(JourneyEvaluator evaluator, JourneyInstance run, DateTimeOffset asOf, RiskTarget target = RiskTarget.NotProgressing, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        CheckJourney(evaluator.Journey);
        var row = new float[Schema.Count];
        Schema.Extract(evaluator, run, asOf.UtcTicks, null, 0, 0, row);
        var contributions = new double[Schema.Count];
        _trees[(int)target].Contributions(row, contributions);
        var byGroup = new Dictionary<int, double>();
        for (int f = 0; f < contributions.Length; f++)
        {
            if (contributions[f] != 0)
            {
                byGroup[Schema.Groups[f]] = byGroup.GetValueOrDefault(Schema.Groups[f]) + contributions[f];
            }
        }

        var factors = new List<RiskFactor>(byGroup.Count);
        foreach ((int group, double sum) in byGroup)
        {
            factors.Add(new RiskFactor(FactorText.Name(Schema, group), sum, FactorText.Describe(Schema, evaluator.Journey, run, asOf.UtcTicks, group, row)));
        }

        factors.Sort(static (a, b) =>
        {
            int c = Math.Abs(b.Contribution).CompareTo(Math.Abs(a.Contribution));
            return c != 0 ? c : string.CompareOrdinal(a.Feature, b.Feature);
        });
        return factors.Count > count ? factors.GetRange(0, count) : factors;
    }

    /// <summary>Writes the model (format <see cref="FormatVersion"/>).</summary>
    /// <param name="stream">Where to write.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        WriteTo(w);
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <param name="stream">Where to read.</param>
    /// <returns>The model.</returns>
    /// <exception cref="FormatException">The data is not a risk model of a known format version, or is damaged.</exception>
    public static RiskPredictionModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            byte[] magic = r.ReadBytes(4);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new FormatException("The data is not a JourneyKit risk model (no 'JKRM' header).");
            }

            int version = r.ReadInt32();
            if (version is not (1 or FormatVersion))
            {
                throw new FormatException($"The risk model is in format version {version}; this version of JourneyKit.Prediction reads versions 1 and {FormatVersion}.");
            }

            string journey = r.ReadString();
            int journeyVersion = r.ReadInt32();
            var horizon = TimeSpan.FromTicks(r.ReadInt64());
            int trainingRows = r.ReadInt32();
            int steps = version == 1 ? 1 : r.ReadInt32();
            if (steps is < 1 or > 1000)
            {
                throw new FormatException($"The model file is damaged: {steps} hazard steps.");
            }

            var schema = new FeatureSchema(Strings(r), Strings(r), Strings(r), Strings(r), Strings(r), Strings(r));
            var trees = new TreeEnsemble[2];
            var calibrators = new Calibrator[2];
            for (int t = 0; t < 2; t++)
            {
                trees[t] = TreeEnsemble.Read(r, schema.Count);
                calibrators[t] = Calibrator.Read(r);
            }

            return new RiskPredictionModel(journey, journeyVersion, horizon, steps, schema, trees, calibrators, trainingRows);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The risk model data ends too early.", e);
        }
    }

    /// <summary>
    /// The risk of not progressing within the horizon: the calibrated probability of the trees, or with
    /// <see cref="HazardSteps"/> &gt; 1 the product over the steps of the probability of not progressing within one step,
    /// the row's clocks moved on a step each time.
    /// </summary>
    internal double NotProgressing(ReadOnlySpan<float> row, double standardHours, Span<float> moved)
    {
        double p = Probability(RiskTarget.NotProgressing, row);
        double stepHours = Horizon.Ticks / (double)HazardSteps / TimeSpan.TicksPerHour;
        for (int j = 1; j < HazardSteps; j++)
        {
            Schema.Advance(row, j * stepHours, standardHours, moved);
            p *= Probability(RiskTarget.NotProgressing, moved);
        }

        return p;
    }

    internal double Probability(RiskTarget target, ReadOnlySpan<float> row) => _calibrators[(int)target].Probability(_trees[(int)target].Score(row));

    internal double RawScore(RiskTarget target, ReadOnlySpan<float> row) => _trees[(int)target].Score(row);

    private void WriteTo(BinaryWriter w)
    {
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(JourneyId);
        w.Write(JourneyVersion);
        w.Write(Horizon.Ticks);
        w.Write(TrainingRows);
        w.Write(HazardSteps);
        foreach (string[] list in new[] { Schema.Stages, Schema.Personas, Schema.Channels, Schema.Moments, Schema.Components, Schema.Attributes })
        {
            w.Write(list.Length);
            foreach (string s in list)
            {
                w.Write(s);
            }
        }

        for (int t = 0; t < 2; t++)
        {
            _trees[t].Write(w);
            _calibrators[t].Write(w);
        }
    }

    private string ComputeFingerprint()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            WriteTo(w);
        }

        ulong hash = 14695981039346656037UL; // FNV-1a 64
        foreach (byte b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{BoostedTreeRiskTrainer.ModelName}/{FormatVersion}:{hash:x16}");
    }

    private static string[] Strings(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > 100_000)
        {
            throw new FormatException($"The model file is damaged: a count of {n}.");
        }

        var list = new string[n];
        for (int i = 0; i < n; i++)
        {
            list[i] = r.ReadString();
        }

        return list;
    }

    private void CheckJourney(CompiledJourney journey)
    {
        if (journey.Journey.Id != JourneyId || journey.Stages.Length != Schema.Stages.Length)
        {
            throw new ArgumentException($"The model was fitted for journey '{JourneyId}' v{JourneyVersion} ({Schema.Stages.Length} stages), not '{journey.Journey.Id}' v{journey.Journey.Version}.");
        }
    }
}
