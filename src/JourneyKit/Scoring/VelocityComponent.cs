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
        return Describe(context.Journey, new InstanceHistory(context.Instance), context.Status);
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) => Pace(journey, new InstanceHistory(instance), status.AsOfTicks).Value;

    internal override double ValueOf(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) => Pace(journey, run, status.AsOfTicks).Value;

    internal override ComponentValue Describe(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) => Describe(journey, run, status);

    private static ComponentValue Describe<THistory>(CompiledJourney journey, in THistory history, in JourneyStatus status)
        where THistory : struct, IRunHistory
    {
        (double value, int count) = Pace(journey, history, status.AsOfTicks);
        if (status.IsStuck)
        {
            Stage stage = journey.Stages[status.Stage];
            return new(value, $"stuck {Format(status.OverdueBy)} over standard in '{stage.Name}'");
        }

        return new(value, count == 0 ? "no timed stage yet" : $"{Format(value * 100)}% of standard pace over {count} stage visit(s)");
    }

    private static (double Value, int Count) Pace<THistory>(CompiledJourney journey, in THistory history, long asOfTicks)
        where THistory : struct, IRunHistory
    {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < history.VisitCount; k++)
        {
            Stage stage = journey.Stages[history.VisitStage(k)];
            if (stage.IsTerminal || stage.StandardTime <= TimeSpan.Zero)
            {
                continue;
            }

            long spent = (history.VisitExited(k) ?? asOfTicks) - history.VisitEntered(k);
            sum += spent <= stage.StandardTime.Ticks ? 1 : stage.StandardTime.Ticks / (double)spent;
            count++;
        }

        return (count == 0 ? 1 : sum / count, count);
    }
}
