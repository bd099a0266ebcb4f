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
        if (i.GoalReached)
        {
            return new(1, "goal reached");
        }

        if (i.Failed)
        {
            return new(0, "ended in a failure stage");
        }

        return context.Status.IsDormant ? new(0, $"dormant after '{i.LastTouchpoint}'") : new(0.5, "in progress");
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) =>
        instance.GoalReached ? 1 : instance.Failed ? 0 : status.IsDormant ? 0 : 0.5;
}
