namespace JourneyKit.Model;

/// <summary>
/// An orchestration rule as data in a journey definition (JSON <c>rules</c>): when, then, and limits. The
/// orchestration engine turns it into a <c>JourneyKit.Orchestration.JourneyRule</c>; the journey's validation checks it.
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public sealed record JourneyRuleDefinition
{
    /// <summary>Gets the rule name; unique in the journey.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the trigger kind.</summary>
    public RuleWhen When { get; init; }

    /// <summary>Gets the stage id (entered, left, stuck, risk), or null for any stage.</summary>
    public string? Stage { get; init; }

    /// <summary>Gets the fraction of the standard time for <see cref="RuleWhen.Stuck"/>, or null for 1.</summary>
    public double? Fraction { get; init; }

    /// <summary>Gets the moment-of-truth outcome to react to, or null for any.</summary>
    public MomentOfTruthOutcome? Outcome { get; init; }

    /// <summary>Gets the moment-of-truth id to react to, or null for any.</summary>
    public string? MomentOfTruth { get; init; }

    /// <summary>Gets the pattern for <see cref="RuleWhen.Pattern"/> (docs/patterns.md), or null.</summary>
    public string? Pattern { get; init; }

    /// <summary>Gets the risk threshold in (0, 1] for <see cref="RuleWhen.Risk"/>, or null.</summary>
    public double? Threshold { get; init; }

    /// <summary>Gets the intervention name (JSON <c>then</c>).</summary>
    public required string Intervention { get; init; }

    /// <summary>Gets the channel of the intervention.</summary>
    public Channel Channel { get; init; }

    /// <summary>Gets the message template id, or null.</summary>
    public string? Template { get; init; }

    /// <summary>Gets the intervention parameters (key, value), in key order.</summary>
    public EquatableArray<KeyValuePair<string, string>> Parameters { get; init; }

    /// <summary>Gets the priority (higher first). The default value is 0.</summary>
    public int Priority { get; init; }

    /// <summary>Gets the cooldown per customer; zero for none.</summary>
    public TimeSpan Cooldown { get; init; }

    /// <summary>Gets the most interventions per customer per <see cref="CapPeriod"/>; 0 for no cap.</summary>
    public int MaxPerPeriod { get; init; }

    /// <summary>Gets the frequency-cap period; zero for no cap.</summary>
    public TimeSpan CapPeriod { get; init; }

    /// <summary>Gets a value indicating whether stage-bound occurrences are dropped once the customer moved on. The default value is <see langword="true"/>.</summary>
    public bool SuppressWhenProgressed { get; init; } = true;
}
