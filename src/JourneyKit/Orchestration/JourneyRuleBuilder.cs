using System.Collections.Immutable;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;

namespace JourneyKit.Orchestration;

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
