using System.Globalization;

namespace JourneyKit.Model;

/// <summary>
/// The <c>when</c> of a <see cref="JourneyRule"/>: a kind and its arguments. Create one with the static factory methods.
/// </summary>
/// <remarks>
/// <para>Every trigger produces <em>occurrences</em> with a stable identity (for example "the 2nd entry into stage
/// <c>verify</c>"), so re-evaluating the same events never produces a new occurrence; the occurrence identity is part of
/// the intervention's idempotency key.</para>
/// <para>The factories do not check their arguments against a journey or a range: the rule's journey validates them
/// (<see cref="Journey.Validate"/>, the orchestration engine's constructor) and reports each fault with the same
/// <see cref="JourneyProblemCodes">code</see> and path as the same rule in a journey's JSON.</para>
/// <para>Equality is structural.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed record RuleTrigger
{
    private RuleTrigger(RuleTriggerKind kind) => Kind = kind;

    /// <summary>Gets the kind.</summary>
    public RuleTriggerKind Kind { get; }

    /// <summary>Gets the stage id the trigger is about, or null for any stage (JSON <c>stage</c>).</summary>
    public string? Stage { get; private init; }

    /// <summary>Gets the fraction of the stage's standard time after which <see cref="RuleTriggerKind.StuckInStage"/> fires (JSON <c>fraction</c>).</summary>
    /// <value>Must be positive and finite; 1 means "past the standard time". The default value is 1.</value>
    public double StandardTimeFraction { get; private init; } = 1;

    /// <summary>Gets the moment-of-truth outcome to react to, or null for any (JSON <c>outcome</c>).</summary>
    public MomentOfTruthOutcome? Outcome { get; private init; }

    /// <summary>Gets the moment-of-truth id to react to, or null for any (JSON <c>momentOfTruth</c>).</summary>
    public string? MomentOfTruthId { get; private init; }

    /// <summary>Gets the pattern text (docs/patterns.md) of <see cref="RuleTriggerKind.PatternMatched"/>, or null (JSON <c>pattern</c>).</summary>
    /// <value>The orchestration engine compiles it once when it is created.</value>
    public string? Pattern { get; private init; }

    /// <summary>Gets the risk threshold of <see cref="RuleTriggerKind.RiskAtLeast"/> (JSON <c>threshold</c>).</summary>
    /// <value>Must be in (0, 1]. The default value is 0 (none set).</value>
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
    /// <param name="fraction">The fraction of the standard time; positive and finite (else JK0122 at <c>rules[i].fraction</c>). 1 means "past the standard time", 0.8 fires earlier to prevent it.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger StuckInStage(string? stage = null, double fraction = 1) =>
        new(RuleTriggerKind.StuckInStage) { Stage = stage, StandardTimeFraction = fraction };

    /// <summary>Fires at each hit of a moment of truth, filtered by outcome and/or id (null: any).</summary>
    /// <param name="outcome">The outcome, or null for any.</param>
    /// <param name="momentOfTruthId">The moment-of-truth id, or null for any.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger MomentOfTruth(MomentOfTruthOutcome? outcome = null, string? momentOfTruthId = null) =>
        new(RuleTriggerKind.MomentOfTruth) { Outcome = outcome, MomentOfTruthId = momentOfTruthId };

    /// <summary>Fires at each new non-overlapping match of a pattern (docs/patterns.md) over the customer's events.</summary>
    /// <param name="pattern">The pattern text; it must compile (else JK0115 at <c>rules[i].pattern</c>, with the column).</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger PatternMatched(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new(RuleTriggerKind.PatternMatched) { Pattern = pattern };
    }

    /// <summary>
    /// Fires once per stay when the orchestration's risk estimator gives the customer in <paramref name="stage"/> (or any
    /// non-terminal stage when null) a probability of at least <paramref name="threshold"/>.
    /// </summary>
    /// <param name="threshold">The threshold in (0, 1] (else JK0122 at <c>rules[i].threshold</c>).</param>
    /// <param name="stage">The stage id, or null.</param>
    /// <returns>The trigger.</returns>
    public static RuleTrigger RiskAtLeast(double threshold, string? stage = null) =>
        new(RuleTriggerKind.RiskAtLeast) { Threshold = threshold, Stage = stage };

    /// <summary>A trigger with every argument as read from a journey's JSON (arguments that do not apply to the kind are kept, so a loaded journey saves as it was).</summary>
    internal static RuleTrigger FromParts(RuleTriggerKind kind, string? stage, double? fraction, MomentOfTruthOutcome? outcome, string? momentOfTruthId, string? pattern, double? threshold) =>
        new(kind)
        {
            Stage = stage,
            StandardTimeFraction = fraction ?? 1,
            Outcome = outcome,
            MomentOfTruthId = momentOfTruthId,
            Pattern = pattern,
            Threshold = threshold ?? 0,
        };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RuleTriggerKind.StuckInStage => string.Create(CultureInfo.InvariantCulture, $"stuck in {Stage ?? "any stage"} ≥ {StandardTimeFraction:0.###} × standard time"),
        RuleTriggerKind.MomentOfTruth => $"moment of truth {MomentOfTruthId ?? "any"} ({Outcome?.ToString() ?? "any outcome"})",
        RuleTriggerKind.PatternMatched => $"pattern {Pattern}",
        RuleTriggerKind.RiskAtLeast => string.Create(CultureInfo.InvariantCulture, $"risk ≥ {Threshold:0.###} in {Stage ?? "any stage"}"),
        _ => $"{Kind} {Stage ?? "any stage"}",
    };
}
