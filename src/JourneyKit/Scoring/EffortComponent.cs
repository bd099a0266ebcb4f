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
        return new(Load(i), $"{i.Backtracks} backtrack(s), {i.Repeats} repeat(s), {i.ChannelSwitches} channel switch(es), {i.AssistedContacts} assisted contact(s)");
    }

    internal override double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) => Load(instance);

    private static double Load(JourneyInstance i) => 1 / (1 + (0.25 * i.Backtracks) + (0.1 * i.Repeats) + (0.1 * i.ChannelSwitches) + (0.2 * i.AssistedContacts));
}
