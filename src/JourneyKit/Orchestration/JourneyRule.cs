using System.Collections.Immutable;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;

namespace JourneyKit.Orchestration;

/// <summary>
/// An orchestration rule: <c>when</c> a <see cref="RuleTrigger"/> occurs for a customer, <c>then</c> send an
/// intervention — subject to suppression, a cooldown per customer and rule, an optional frequency cap and a priority.
/// Build one with <see cref="Create(string)"/>.
/// </summary>
/// <remarks>
/// <para>Times used by cooldowns and caps are <em>occurrence times</em>: the event time for event triggers, the due time
/// for stuck triggers, the evaluation time for risk triggers without a known due time. They are data, so replaying
/// the same events gives the same decisions.</para>
/// <para>An occurrence that is suppressed, cooled down or capped is dropped, not deferred.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class JourneyRule
{
    internal JourneyRule(JourneyRuleBuilder b)
    {
        Name = b.RuleName;
        When = b.Trigger!;
        Then = new InterventionTemplate(b.InterventionName!, b.InterventionChannel, b.TemplateId, b.Parameters.ToImmutable());
        Priority = b.RulePriority;
        Cooldown = b.RuleCooldown;
        MaxPerPeriod = b.CapCount;
        CapPeriod = b.CapPeriod;
        SuppressWhenProgressed = b.Suppress;
    }

    /// <summary>Gets the rule name; unique among an engine's rules. Part of every idempotency key: renaming a rule makes its occurrences new.</summary>
    public string Name { get; }

    /// <summary>Gets the trigger.</summary>
    public RuleTrigger When { get; }

    /// <summary>Gets the intervention template.</summary>
    public InterventionTemplate Then { get; }

    /// <summary>Gets the priority: when several rules fire in one evaluation, higher priorities are recorded first (and win caps).</summary>
    /// <value>The default value is 0.</value>
    public int Priority { get; }

    /// <summary>Gets the minimum time between two interventions of this rule for one customer (by occurrence time).</summary>
    /// <value>Zero or positive. The default value is zero (no cooldown).</value>
    public TimeSpan Cooldown { get; }

    /// <summary>Gets the most interventions of this rule per customer within <see cref="CapPeriod"/>, or 0 for no cap.</summary>
    /// <value>The default value is 0.</value>
    public int MaxPerPeriod { get; }

    /// <summary>Gets the period of the frequency cap (a sliding window of occurrence times, inclusive of both ends).</summary>
    /// <value>The default value is zero (no cap).</value>
    public TimeSpan CapPeriod { get; }

    /// <summary>
    /// Gets a value indicating whether a stage-bound occurrence (entered stage, stuck, risk) is dropped when, at
    /// evaluation, the customer is no longer in that stay of the stage (they moved on, reached the goal or failed).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SuppressWhenProgressed { get; }

    /// <summary>Converts a rule defined with a journey (JSON <c>rules</c>) into a rule.</summary>
    /// <param name="definition">The definition (validated with its journey).</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">The definition is incomplete or has invalid values.</exception>
    public static JourneyRule FromDefinition(JourneyRuleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        RuleTrigger trigger = definition.When switch
        {
            RuleWhen.Entered => RuleTrigger.EnteredStage(definition.Stage),
            RuleWhen.Left => RuleTrigger.LeftStage(definition.Stage),
            RuleWhen.Stuck => RuleTrigger.StuckInStage(definition.Stage, definition.Fraction ?? 1),
            RuleWhen.MomentOfTruth => RuleTrigger.MomentOfTruth(definition.Outcome, definition.MomentOfTruth),
            RuleWhen.Pattern => RuleTrigger.PatternMatched(definition.Pattern ?? string.Empty),
            RuleWhen.Risk => RuleTrigger.RiskAtLeast(definition.Threshold ?? 0, definition.Stage),
            _ => throw new ArgumentOutOfRangeException(nameof(definition), definition.When, null),
        };
        JourneyRuleBuilder builder = Create(definition.Name).When(trigger)
            .Then(definition.Intervention, definition.Channel, definition.Template)
            .WithPriority(definition.Priority)
            .WithCooldown(definition.Cooldown)
            .SuppressWhenProgressed(definition.SuppressWhenProgressed);
        if (definition.MaxPerPeriod > 0)
        {
            builder.WithFrequencyCap(definition.MaxPerPeriod, definition.CapPeriod);
        }

        foreach (KeyValuePair<string, string> p in definition.Parameters)
        {
            builder.WithParameter(p.Key, p.Value);
        }

        return builder.Build();
    }

    /// <summary>Converts every rule defined with a journey.</summary>
    /// <param name="journey">The journey.</param>
    /// <returns>The rules, in definition order.</returns>
    public static IReadOnlyList<JourneyRule> FromJourney(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var rules = new JourneyRule[journey.Rules.Count];
        for (int i = 0; i < rules.Length; i++)
        {
            rules[i] = FromDefinition(journey.Rules[i]);
        }

        return rules;
    }

    /// <summary>Starts building a rule.</summary>
    /// <param name="name">The rule name; not empty.</param>
    /// <returns>The builder.</returns>
    public static JourneyRuleBuilder Create(string name) => new(name);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: when {When} then {Then.Name} via {Then.Channel}";
}
