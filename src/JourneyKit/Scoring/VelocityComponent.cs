using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// Velocity: time in stages against their standard times. The mean over stage visits with a standard time of
/// min(1, standard / time spent), the open visit measured to the scoring instant; 1 when there is none. A customer
/// stuck now is explained with how long over.
/// </summary>
public sealed class VelocityComponent : ScoreComponent
{
    /// <inheritdoc/>
    public override string Name => "velocity";

    /// <inheritdoc/>
    public override ComponentValue Evaluate(ScoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        (double value, int count) = Pace(context.Journey, context.Instance, context.Status.AsOfTicks);
        if (context.Status.IsStuck)
        {
            Stage stage = context.Journey.Stages[context.Status.Stage];
            return new(value, $"stuck {Format(context.Status.OverdueBy)} over standard in '{stage.Name}'");
        }

        return new(value, count == 0 ? "no timed stage yet" : $"{Format(value * 100)}% of standard pace over {count} stage visit(s)");
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) => Pace(journey, instance, status.AsOfTicks).Value;

    private static (double Value, int Count) Pace(CompiledJourney journey, JourneyInstance instance, long asOfTicks)
    {
        double sum = 0;
        int count = 0;
        IReadOnlyList<StageVisit> visits = instance.Visits;
        for (int k = 0; k < visits.Count; k++)
        {
            StageVisit v = visits[k];
            Stage stage = journey.Stages[v.Stage];
            if (stage.IsTerminal || stage.StandardTime <= TimeSpan.Zero)
            {
                continue;
            }

            long spent = (v.ExitedTicks ?? asOfTicks) - v.EnteredTicks;
            sum += spent <= stage.StandardTime.Ticks ? 1 : stage.StandardTime.Ticks / (double)spent;
            count++;
        }

        return (count == 0 ? 1 : sum / count, count);
    }
}
