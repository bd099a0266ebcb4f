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
        return Describe(context.Journey, context.Instance.GoalReached, context.Instance.FurthestStage);
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) =>
        Value(journey, instance.GoalReached, instance.FurthestStage, out _, out _);

    internal override double ValueOf(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Value(journey, run.GoalReached, run.FurthestStage, out _, out _);

    internal override ComponentValue Describe(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Describe(journey, run.GoalReached, run.FurthestStage);

    private static ComponentValue Describe(CompiledJourney journey, bool goal, int furthest)
    {
        double value = Value(journey, goal, furthest, out int reached, out int path);
        if (goal)
        {
            return new(1, "reached the goal");
        }

        return path == 0 || furthest < 0
            ? new(0, "no stage reached yet")
            : new(value, $"reached stage {reached} of {path} ('{journey.Stages[furthest].Name}')");
    }

    private static double Value(CompiledJourney journey, bool goal, int furthest, out int reached, out int path)
    {
        reached = path = 0;
        if (goal)
        {
            return 1;
        }

        var stages = journey.Stages;
        for (int s = 0; s < stages.Length; s++)
        {
            if (!stages[s].IsFailure)
            {
                path++;
                reached = s <= furthest ? path : reached;
            }
        }

        return path == 0 || furthest < 0 ? 0 : reached / (double)path;
    }
}
