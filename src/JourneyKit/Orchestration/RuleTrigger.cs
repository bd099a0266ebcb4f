using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Orchestration.Internal;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>
/// The <c>when</c> of a <see cref="JourneyRule"/>: a kind and its arguments. Create one with the static factory methods.
/// </summary>
/// <remarks>
/// Every trigger produces <em>occurrences</em> with a stable identity (for example "the 2nd entry into stage
/// <c>verify</c>"), so re-evaluating the same events never produces a new occurrence; the occurrence identity is part of
/// the intervention's idempotency key.
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class RuleTrigger
{
    private RuleTrigger(RuleTriggerKind kind) => Kind = kind;

    /// <summary>Gets the kind.</summary>
    public RuleTriggerKind Kind { get; }

    /// <summary>Gets the stage id the trigger is about, or null for any stage (stage triggers and risk).</summary>
    public string? Stage { get; private init; }

    /// <summary>Gets the fraction of the stage's standard time after which <see cref="RuleTriggerKind.StuckInStage"/> fires.</summary>
    /// <value>Positive; 1 means "past the standard time".</value>
    public double StandardTimeFraction { get; private init; } = 1;

    /// <summary>Gets the moment-of-truth outcome to react to, or null for any (<see cref="RuleTriggerKind.MomentOfTruth"/>).</summary>
    public MomentOfTruthOutcome? Outcome { get; private init; }

    /// <summary>Gets the moment-of-truth id to react to, or null for any (<see cref="RuleTriggerKind.MomentOfTruth"/>).</summary>
    public string? MomentOfTruthId { get; private init; }

    /// <summary>Gets the compiled pattern (<see cref="RuleTriggerKind.PatternMatched"/>), or null.</summary>
    public CompiledPattern? Pattern { get; private init; }

    /// <summary>Gets the risk threshold in [0, 1] (<see cref="RuleTriggerKind.RiskAtLeast"/>).</summary>
    public double Threshold { get; private init; }

    /// <summary>Fires each time the customer enters <paramref name="stage"/> (or any stage when null).</summary>
    /// <param name="stage">The stage id, or null.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger EnteredStage(string? stage = null) => new(RuleTriggerKind.EnteredStage) { Stage = stage };

    /// <summary>Fires each time the customer leaves <paramref name="stage"/> (or any stage when null).</summary>
    /// <param name="stage">The stage id, or null.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger LeftStage(string? stage = null) => new(RuleTriggerKind.LeftStage) { Stage = stage };

    /// <summary>
    /// Fires once per stay when the customer has been in <paramref name="stage"/> (or any stage with a standard time when
    /// null) for <paramref name="fraction"/> × its standard time: due at <c>entered + fraction × standard time</c>,
    /// inclusive. Terminal stages and stages without a standard time never fire.
    /// </summary>
    /// <param name="stage">The stage id, or null.</param>
    /// <param name="fraction">The fraction of the standard time; positive. 1 means "past the standard time", 0.8 fires earlier to prevent it.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not positive and finite.</exception>
    public static RuleTrigger StuckInStage(string? stage = null, double fraction = 1)
    {
        if (!(fraction > 0) || double.IsInfinity(fraction))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, OrchestrationMessages.FractionMustBePositive);
        }

        return new(RuleTriggerKind.StuckInStage) { Stage = stage, StandardTimeFraction = fraction };
    }

    /// <summary>Fires at each hit of a moment of truth, filtered by outcome and/or id (null: any).</summary>
    /// <param name="outcome">The outcome, or null for any.</param>
    /// <param name="momentOfTruthId">The moment-of-truth id, or null for any.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger MomentOfTruth(MomentOfTruthOutcome? outcome = null, string? momentOfTruthId = null) =>
        new(RuleTriggerKind.MomentOfTruth) { Outcome = outcome, MomentOfTruthId = momentOfTruthId };

    /// <summary>Fires at each new non-overlapping match of a pattern (docs/patterns.md) over the customer's events.</summary>
    /// <param name="pattern">The pattern text; compiled now.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="PatternSyntaxException">The pattern is invalid.</exception>
    public static RuleTrigger PatternMatched(string pattern) => PatternMatched(CompiledPattern.Compile(pattern));

    /// <summary>Fires at each new non-overlapping match of a compiled pattern over the customer's events.</summary>
    /// <param name="pattern">The compiled pattern.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger PatternMatched(CompiledPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new(RuleTriggerKind.PatternMatched) { Pattern = pattern };
    }

    /// <summary>
    /// Fires once per stay when the <see cref="RiskEstimator"/>'s probability for the customer in <paramref name="stage"/>
    /// (or any non-terminal stage when null) is at least <paramref name="threshold"/>.
    /// </summary>
    /// <param name="threshold">The threshold in (0, 1].</param>
    /// <param name="stage">The stage id, or null.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in (0, 1].</exception>
    public static RuleTrigger RiskAtLeast(double threshold, string? stage = null)
    {
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, OrchestrationMessages.ThresholdOutOfRange);
        }

        return new(RuleTriggerKind.RiskAtLeast) { Threshold = threshold, Stage = stage };
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RuleTriggerKind.StuckInStage => $"stuck in {Stage ?? "any stage"} ≥ {StandardTimeFraction:0.###} × standard time",
        RuleTriggerKind.MomentOfTruth => $"moment of truth {MomentOfTruthId ?? "any"} ({Outcome?.ToString() ?? "any outcome"})",
        RuleTriggerKind.PatternMatched => $"pattern {Pattern!.Text}",
        RuleTriggerKind.RiskAtLeast => $"risk ≥ {Threshold:0.###} in {Stage ?? "any stage"}",
        _ => $"{Kind} {Stage ?? "any stage"}",
    };
}
