using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// Effort: 1 / (1 + 0.25 × backtracks + 0.1 × repeats + 0.1 × channel switches + 0.2 × assisted contacts).
/// </summary>
public sealed class EffortComponent : ScoreComponent
{
    /// <inheritdoc/>
    public override string Name => "effort";

    /// <inheritdoc/>
    public override ComponentValue Evaluate(ScoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JourneyInstance i = context.Instance;
        return Describe(i.Backtracks, i.Repeats, i.ChannelSwitches, i.AssistedContacts);
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) =>
        Load(instance.Backtracks, instance.Repeats, instance.ChannelSwitches, instance.AssistedContacts);

    internal override double ValueOf(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Load(run.Backtracks, run.Repeats, run.ChannelSwitches, run.AssistedContacts);

    internal override ComponentValue Describe(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Describe(run.Backtracks, run.Repeats, run.ChannelSwitches, run.AssistedContacts);

    private static ComponentValue Describe(int backtracks, int repeats, int switches, int assisted) =>
        new(Load(backtracks, repeats, switches, assisted), $"{backtracks} backtrack(s), {repeats} repeat(s), {switches} channel switch(es), {assisted} assisted contact(s)");

    private static double Load(int backtracks, int repeats, int switches, int assisted) =>
        1 / (1 + (0.25 * backtracks) + (0.1 * repeats) + (0.1 * switches) + (0.2 * assisted));
}
