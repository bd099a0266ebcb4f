using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// Moments of truth: 0.5 + 0.5 × (positive weight − negative weight) / (positive weight + negative weight) over the
/// moments hit; 0.5 (neutral) when none.
/// </summary>
public sealed class MomentsOfTruthComponent : ScoreComponent
{
    /// <inheritdoc/>
    public override string Name => "moments_of_truth";

    /// <inheritdoc/>
    public override ComponentValue Evaluate(ScoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Describe(context.Journey, new InstanceHistory(context.Instance));
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) => Value(journey, new InstanceHistory(instance));

    internal override double ValueOf(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) => Value(journey, run);

    internal override ComponentValue Describe(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) => Describe(journey, run);

    private static ComponentValue Describe<THistory>(CompiledJourney journey, in THistory history)
        where THistory : struct, IRunHistory
    {
        var names = new List<string>();
        for (int k = 0; k < history.MomentOfTruthCount; k++)
        {
            names.Add((history.HitOutcome(k) == MomentOfTruthOutcome.Positive ? "+" : "-") + journey.Journey.MomentsOfTruth[history.HitMoment(k)].Name);
        }

        double value = Value(journey, history, out double total);
        return total == 0 ? new(value, "no moment of truth yet") : new(value, string.Join(", ", names));
    }

    private static double Value<THistory>(CompiledJourney journey, in THistory history) where THistory : struct, IRunHistory => Value(journey, history, out _);

    private static double Value<THistory>(CompiledJourney journey, in THistory history, out double total)
        where THistory : struct, IRunHistory
    {
        double positive = 0, negative = 0;
        for (int k = 0; k < history.MomentOfTruthCount; k++)
        {
            double weight = journey.Journey.MomentsOfTruth[history.HitMoment(k)].Weight;
            bool good = history.HitOutcome(k) == MomentOfTruthOutcome.Positive;
            positive += good ? weight : 0;
            negative += good ? 0 : weight;
        }

        total = positive + negative;
        return total == 0 ? 0.5 : 0.5 + (0.5 * (positive - negative) / (positive + negative));
    }
}
