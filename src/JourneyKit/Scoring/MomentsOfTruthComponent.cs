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
        double positive = 0, negative = 0;
        var names = new List<string>();
        foreach (MomentOfTruthHit hit in context.Instance.MomentsOfTruth)
        {
            MomentOfTruth m = context.Journey.Journey.MomentsOfTruth[hit.Moment];
            if (hit.Outcome == MomentOfTruthOutcome.Positive)
            {
                positive += m.Weight;
            }
            else
            {
                negative += m.Weight;
            }

            names.Add((hit.Outcome == MomentOfTruthOutcome.Positive ? "+" : "-") + m.Name);
        }

        return positive + negative == 0
            ? new(0.5, "no moment of truth yet")
            : new(0.5 + (0.5 * (positive - negative) / (positive + negative)), string.Join(", ", names));
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status)
    {
        double positive = 0, negative = 0;
        IReadOnlyList<MomentOfTruthHit> hits = instance.MomentsOfTruth;
        for (int k = 0; k < hits.Count; k++)
        {
            double weight = journey.Journey.MomentsOfTruth[hits[k].Moment].Weight;
            positive += hits[k].Outcome == MomentOfTruthOutcome.Positive ? weight : 0;
            negative += hits[k].Outcome == MomentOfTruthOutcome.Positive ? 0 : weight;
        }

        return positive + negative == 0 ? 0.5 : 0.5 + (0.5 * (positive - negative) / (positive + negative));
    }
}
