using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// A part of a journey score: a named measure from 0 (worst) to 1 (best). Derive from it to add your own (e.g. a KPI
/// from your CRM) and add it to a <see cref="ScoringModel"/> with a weight.
/// </summary>
public abstract class ScoreComponent
{
    /// <summary>Gets the component's name, unique within a model: a snake_case id (<c>moments_of_truth</c>), written as is in JSON, reports and webhook payloads.</summary>
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

    /// <summary>The value of a run read from columns: the built-in components override it to read the columns and
    /// allocate nothing; any other component sees the run materialised (<see cref="JourneyRun.ToInstance"/>).</summary>
    internal virtual double ValueOf(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        ValueOf(journey, run.ToInstance(), status);

    /// <summary><see cref="Evaluate"/> for a run read from columns (the built-in components without materialising it).</summary>
    internal virtual ComponentValue Describe(CompiledJourney journey, in JourneyRun run, in JourneyStatus status) =>
        Evaluate(new ScoringContext(journey, run.ToInstance(), status));

    /// <summary>Formats a duration for explanations, rounded to two units: <c>3d 12h</c>, <c>5h 20m</c>, <c>12m</c> (<see cref="Duration.Format(TimeSpan, int)"/>).</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    protected static string Format(TimeSpan value) => Duration.Format(value, 2);

    /// <summary>Formats a number with invariant culture.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    protected static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
