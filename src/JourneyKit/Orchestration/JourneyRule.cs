using System.Collections.Immutable;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;

namespace JourneyKit.Orchestration;

/// <summary>
/// The <c>then</c> of a <see cref="JourneyRule"/>: what to send. Parameters are copied into every
/// <see cref="Intervention"/>.
/// </summary>
/// <param name="Name">The intervention name (e.g. <c>verify-reminder</c>).</param>
/// <param name="Channel">The channel to use.</param>
/// <param name="TemplateId">The message template id, or null.</param>
/// <param name="Parameters">Extra parameters; empty when none.</param>
public sealed record InterventionTemplate(string Name, Channel Channel, string? TemplateId, ImmutableSortedDictionary<string, string> Parameters);

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

/// <summary>Builds a <see cref="JourneyRule"/>: one <c>When…</c>, one <c>Then</c>, optional limits, then <see cref="Build"/>.</summary>
/// <remarks><threadsafety>Not thread-safe.</threadsafety></remarks>
public sealed class JourneyRuleBuilder
{
    internal JourneyRuleBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        RuleName = name;
    }

    internal string RuleName { get; }

    internal RuleTrigger? Trigger { get; private set; }

    internal string? InterventionName { get; private set; }

    internal Channel InterventionChannel { get; private set; }

    internal string? TemplateId { get; private set; }

    internal ImmutableSortedDictionary<string, string>.Builder Parameters { get; } = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);

    internal int RulePriority { get; private set; }

    internal TimeSpan RuleCooldown { get; private set; }

    internal int CapCount { get; private set; }

    internal TimeSpan CapPeriod { get; private set; }

    internal bool Suppress { get; private set; } = true;

    /// <summary>Sets the trigger.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder When(RuleTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        Trigger = trigger;
        return this;
    }

    /// <summary>When the customer enters a stage.</summary>
    /// <param name="stage">The stage id, or null for any.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WhenEntered(string? stage) => When(RuleTrigger.EnteredStage(stage));

    /// <summary>When the customer leaves a stage.</summary>
    /// <param name="stage">The stage id, or null for any.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WhenLeft(string? stage) => When(RuleTrigger.LeftStage(stage));

    /// <summary>When the customer has been in a stage for <paramref name="fraction"/> × its standard time.</summary>
    /// <param name="stage">The stage id, or null for any.</param>
    /// <param name="fraction">The fraction; positive (1: past the standard time).</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WhenStuck(string? stage, double fraction = 1) => When(RuleTrigger.StuckInStage(stage, fraction));

    /// <summary>When the customer hits a moment of truth.</summary>
    /// <param name="outcome">The outcome, or null for any.</param>
    /// <param name="momentOfTruthId">The id, or null for any.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WhenMomentOfTruth(MomentOfTruthOutcome? outcome, string? momentOfTruthId = null) => When(RuleTrigger.MomentOfTruth(outcome, momentOfTruthId));

    /// <summary>When the customer's events match a pattern.</summary>
    /// <param name="pattern">The pattern text (docs/patterns.md).</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WhenPattern(string pattern) => When(RuleTrigger.PatternMatched(pattern));

    /// <summary>When the customer's risk in a stage reaches a threshold.</summary>
    /// <param name="threshold">The threshold in (0, 1].</param>
    /// <param name="stage">The stage id, or null for any.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WhenRiskAtLeast(double threshold, string? stage = null) => When(RuleTrigger.RiskAtLeast(threshold, stage));

    /// <summary>Sets the intervention.</summary>
    /// <param name="interventionName">The intervention name; not empty.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="templateId">The message template id, or null.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder Then(string interventionName, Channel channel, string? templateId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(interventionName);
        InterventionName = interventionName;
        InterventionChannel = channel;
        TemplateId = templateId;
        return this;
    }

    /// <summary>Adds (or replaces) an intervention parameter.</summary>
    /// <param name="key">The key; not empty.</param>
    /// <param name="value">The value.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithParameter(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Parameters[key] = value;
        return this;
    }

    /// <summary>Sets the priority (higher first).</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithPriority(int priority)
    {
        RulePriority = priority;
        return this;
    }

    /// <summary>Sets the cooldown per customer.</summary>
    /// <param name="cooldown">Zero or positive.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithCooldown(TimeSpan cooldown)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cooldown, TimeSpan.Zero);
        RuleCooldown = cooldown;
        return this;
    }

    /// <summary>Caps the rule to <paramref name="max"/> interventions per customer per <paramref name="period"/>.</summary>
    /// <param name="max">Positive.</param>
    /// <param name="period">Positive.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithFrequencyCap(int max, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        CapCount = max;
        CapPeriod = period;
        return this;
    }

    /// <summary>Sets whether stage-bound occurrences are dropped once the customer moved on (default true).</summary>
    /// <param name="suppress">Whether to suppress.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder SuppressWhenProgressed(bool suppress)
    {
        Suppress = suppress;
        return this;
    }

    /// <summary>Builds the rule.</summary>
    /// <returns>The rule.</returns>
    /// <exception cref="InvalidOperationException">No trigger or no intervention was set.</exception>
    public JourneyRule Build()
    {
        if (Trigger is null || InterventionName is null)
        {
            throw new InvalidOperationException(OrchestrationMessages.RuleIncomplete(RuleName, Trigger is null, InterventionName is null));
        }

        return new JourneyRule(this);
    }
}
