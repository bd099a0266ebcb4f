namespace JourneyKit.Model;

/// <summary>
/// An orchestration rule: <c>when</c> a <see cref="RuleTrigger"/> occurs for a customer, <c>then</c> send an
/// intervention — subject to suppression, a cooldown per customer and rule, an optional frequency cap and a priority.
/// A journey holds its rules (<see cref="Journey.Rules"/>, JSON <c>rules</c>); build one with <see cref="Create(string)"/>.
/// </summary>
/// <remarks>
/// <para>One validator checks every rule, whether it comes from a journey's JSON, <see cref="JourneyBuilder.Rule"/> or
/// the orchestration engine's constructor (rules given in code): <see cref="Journey.Validate"/>. Each fault has one
/// code (<see cref="JourneyProblemCodes"/>) and one path (<c>rules[2].stage</c>, the JSON property's name).</para>
/// <para>Times used by cooldowns and caps are <em>occurrence times</em>: the event time for event triggers, the due time
/// for stuck triggers, the evaluation time for risk triggers without a known due time. They are data, so replaying
/// the same events gives the same decisions.</para>
/// <para>An occurrence that is suppressed, cooled down or capped is dropped, not deferred. Equality is structural.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed record JourneyRule
{
    /// <summary>Gets the rule name; unique among a journey's (and an engine's) rules. Part of every idempotency key: renaming a rule makes its occurrences new.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the trigger.</summary>
    public required RuleTrigger When { get; init; }

    /// <summary>Gets the intervention template.</summary>
    public required InterventionTemplate Then { get; init; }

    /// <summary>Gets the priority: when several rules fire in one evaluation, higher priorities are recorded first (and win caps).</summary>
    /// <value>The default value is 0.</value>
    public int Priority { get; init; }

    /// <summary>Gets the minimum time between two interventions of this rule for one customer (by occurrence time).</summary>
    /// <value>Zero or positive (else JK0110 at <c>rules[i].cooldown</c>). The default value is zero (no cooldown).</value>
    public TimeSpan Cooldown { get; init; }

    /// <summary>Gets the most interventions of this rule per customer within <see cref="CapPeriod"/>, or 0 for no cap.</summary>
    /// <value>Zero, or positive together with a positive <see cref="CapPeriod"/> (else JK0122 at <c>rules[i].maxPerPeriod</c>). The default value is 0.</value>
    public int MaxPerPeriod { get; init; }

    /// <summary>Gets the period of the frequency cap (a sliding window of occurrence times, inclusive of both ends).</summary>
    /// <value>The default value is zero (no cap).</value>
    public TimeSpan CapPeriod { get; init; }

    /// <summary>
    /// Gets a value indicating whether a stage-bound occurrence (entered stage, stuck, risk) is dropped when, at
    /// evaluation, the customer is no longer in that stay of the stage (they moved on, reached the goal or failed).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SuppressWhenProgressed { get; init; } = true;

    /// <summary>Starts building a rule.</summary>
    /// <param name="name">The rule name; not empty (else JK0101 at <c>rules[i].name</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static JourneyRuleBuilder Create(string name) => new(name);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: when {When} then {Then?.Name} via {Then?.Channel}";
}
