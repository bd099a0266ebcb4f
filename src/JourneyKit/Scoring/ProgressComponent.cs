using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// Progress: how far through the designed path the customer got. 1 at the goal; otherwise (furthest non-failure stage
/// reached + 1) / (number of non-failure stages); 0 before any stage.
/// </summary>
public sealed class ProgressComponent : ScoreComponent
{
    /// <inheritdoc/>
    public override string Name => "progress";

    /// <inheritdoc/>
    public override ComponentValue Evaluate(ScoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JourneyInstance i = context.Instance;
        if (i.GoalReached)
        {
            return new(1, "reached the goal");
        }

        var stages = context.Journey.Stages;
        int path = 0, reached = 0;
        for (int s = 0; s < stages.Length; s++)
        {
            if (!stages[s].IsFailure)
            {
                path++;
                if (s <= i.FurthestStage)
                {
                    reached = path;
                }
            }
        }

        return path == 0 || i.FurthestStage < 0
            ? new(0, "no stage reached yet")
            : new(reached / (double)path, $"reached stage {reached} of {path} ('{stages[i.FurthestStage].Name}')");
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status)
    {
        if (instance.GoalReached)
        {
            return 1;
        }

        var stages = journey.Stages;
        int path = 0, reached = 0;
        for (int s = 0; s < stages.Length; s++)
        {
            if (!stages[s].IsFailure)
            {
                path++;
                reached = s <= instance.FurthestStage ? path : reached;
            }
        }

        return path == 0 || instance.FurthestStage < 0 ? 0 : reached / (double)path;
    }
}
