using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>Goal attainment: 1 at the goal, 0 after a failure stage or at a dead end, 0.5 while in progress.</summary>
public sealed class GoalComponent : ScoreComponent
{
    /// <inheritdoc/>
    public override string Name => "goal";

    /// <inheritdoc/>
    public override ComponentValue Evaluate(ScoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JourneyInstance i = context.Instance;
        return Describe(i.GoalReached, i.Failed, context.Status, i.LastTouchpoint);
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) =>
        Value(instance.GoalReached, instance.Failed, status);

    internal override double ValueOf(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Value(run.GoalReached, run.Failed, status);

    internal override ComponentValue Describe(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Describe(run.GoalReached, run.Failed, status, run.LastTouchpoint);

    private static double Value(bool goal, bool failed, in JourneyStatus status) => goal ? 1 : failed ? 0 : status.IsDormant ? 0 : 0.5;

    private static ComponentValue Describe(bool goal, bool failed, in JourneyStatus status, string? lastTouchpoint)
    {
        if (goal)
        {
            return new(1, "goal reached");
        }

        if (failed)
        {
            return new(0, "ended in a failure stage");
        }

        return status.IsDormant ? new(0, $"dormant after '{lastTouchpoint}'") : new(0.5, "in progress");
    }
}
