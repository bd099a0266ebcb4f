using System.Collections.Immutable;
using JourneyKit.Model.Internal;

namespace JourneyKit.Model;

/// <summary>Builds a <see cref="JourneyRule"/>: one <c>When…</c>, one <c>Then</c>, optional limits, then <see cref="Build"/>.</summary>
/// <remarks>
/// The builder takes values as given; the rule's journey validates them (<see cref="Journey.Validate"/>,
/// <see cref="JourneyBuilder.Rule"/>, the orchestration engine's constructor), so a fault gets the same code and path as
/// the same rule in a journey's JSON.
/// <threadsafety>Not thread-safe.</threadsafety>
/// </remarks>
public sealed class JourneyRuleBuilder
{
    private readonly string _name;
    private readonly ImmutableSortedDictionary<string, string>.Builder _parameters = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
    private RuleTrigger? _trigger;
    private string? _intervention;
    private Channel _channel;
    private string? _templateId;
    private int _priority;
    private TimeSpan _cooldown;
    private int _capCount;
    private TimeSpan _capPeriod;
    private bool _suppress = true;

    internal JourneyRuleBuilder(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _name = name;
    }

    /// <summary>Sets the trigger.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder When(RuleTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        _trigger = trigger;
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
    /// <param name="fraction">The fraction; positive and finite (1: past the standard time).</param>
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
    /// <param name="interventionName">The intervention name; not empty (else JK0101 at <c>rules[i].then</c>).</param>
    /// <param name="channel">The channel; <see cref="Channel.None"/> or one the journey declares (else JK0104 at <c>rules[i].channel</c>).</param>
    /// <param name="templateId">The message template id, or null.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder Then(string interventionName, Channel channel, string? templateId = null)
    {
        ArgumentNullException.ThrowIfNull(interventionName);
        _intervention = interventionName;
        _channel = channel;
        _templateId = templateId;
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
        _parameters[key] = value;
        return this;
    }

    /// <summary>Sets the priority (higher first).</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithPriority(int priority)
    {
        _priority = priority;
        return this;
    }

    /// <summary>Sets the cooldown per customer.</summary>
    /// <param name="cooldown">Zero or positive (else JK0110 at <c>rules[i].cooldown</c>).</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithCooldown(TimeSpan cooldown)
    {
        _cooldown = cooldown;
        return this;
    }

    /// <summary>Caps the rule to <paramref name="max"/> interventions per customer per <paramref name="period"/>.</summary>
    /// <param name="max">Positive.</param>
    /// <param name="period">Positive (both, else JK0122 at <c>rules[i].maxPerPeriod</c>).</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder WithFrequencyCap(int max, TimeSpan period)
    {
        _capCount = max;
        _capPeriod = period;
        return this;
    }

    /// <summary>Sets whether stage-bound occurrences are dropped once the customer moved on (default true).</summary>
    /// <param name="suppress">Whether to suppress.</param>
    /// <returns>This builder.</returns>
    public JourneyRuleBuilder SuppressWhenProgressed(bool suppress)
    {
        _suppress = suppress;
        return this;
    }

    /// <summary>Builds the rule.</summary>
    /// <returns>The rule.</returns>
    /// <exception cref="InvalidOperationException">No trigger (<c>When…</c>) or no intervention (<c>Then</c>) was set.</exception>
    public JourneyRule Build()
    {
        if (_trigger is null || _intervention is null)
        {
            throw new InvalidOperationException(ModelMessages.RuleIncomplete(_name, _trigger is null, _intervention is null));
        }

        return new JourneyRule
        {
            Name = _name,
            When = _trigger,
            Then = new InterventionTemplate(_intervention, _channel, _templateId, _parameters.ToImmutable()),
            Priority = _priority,
            Cooldown = _cooldown,
            MaxPerPeriod = _capCount,
            CapPeriod = _capPeriod,
            SuppressWhenProgressed = _suppress,
        };
    }
}
