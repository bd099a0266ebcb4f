using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>What a score component sees: the journey, the instance and its status as of the scoring instant.</summary>
/// <param name="Journey">The compiled journey.</param>
/// <param name="Instance">The customer's instance.</param>
/// <param name="Status">The status as of the scoring instant.</param>
public sealed record ScoringContext(CompiledJourney Journey, JourneyInstance Instance, JourneyStatus Status);

/// <summary>A component's value (0 = worst, 1 = best) and a human explanation.</summary>
/// <param name="Value">The value, clamped to 0..1 by the model.</param>
/// <param name="Explanation">Why, e.g. "stuck 3d over standard in 'Verify identity'".</param>
public readonly record struct ComponentValue(double Value, string Explanation);

/// <summary>
/// A part of a journey score: a named measure from 0 (worst) to 1 (best). Derive from it to add your own (e.g. a KPI
/// from your CRM) and add it to a <see cref="ScoringModel"/> with a weight.
/// </summary>
public abstract class ScoreComponent
{
    /// <summary>Gets the component's name, unique within a model.</summary>
    public abstract string Name { get; }

    /// <summary>Computes the component's value for one customer. Must be deterministic.</summary>
    /// <param name="context">The journey, instance and status.</param>
    /// <returns>The value and its explanation.</returns>
    public abstract ComponentValue Evaluate(ScoringContext context);

    /// <summary>
    /// The value alone, as <see cref="Evaluate"/> computes it, without the explanation: the built-in components override it
    /// to allocate nothing (no context, no text); any other component is evaluated in full.
    /// </summary>
    internal virtual double ValueOf(CompiledJourney journey, JourneyInstance instance, in JourneyStatus status) =>
        Evaluate(new ScoringContext(journey, instance, status)).Value;

    /// <summary>Formats a duration for explanations, rounded to two units: <c>3d 12h</c>, <c>5h 20m</c>, <c>12m</c> (<see cref="Duration.Format(TimeSpan, int)"/>).</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    protected static string Format(TimeSpan value) => Duration.Format(value, 2);

    /// <summary>Formats a number with invariant culture.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    protected static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

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

/// <summary>
/// Moments of truth: 0.5 + 0.5 × (positive weight − negative weight) / (positive weight + negative weight) over the
/// moments hit; 0.5 (neutral) when none.
/// </summary>
public sealed class MomentsOfTruthComponent : ScoreComponent
{
    /// <inheritdoc/>
    public override string Name => "momentsOfTruth";

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
