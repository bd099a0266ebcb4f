namespace JourneyKit.Model;

/// <summary>The trigger kind of a <see cref="JourneyRuleDefinition"/> (JSON: <c>entered</c>, <c>left</c>, <c>stuck</c>, <c>momentOfTruth</c>, <c>pattern</c>, <c>risk</c>).</summary>
public enum RuleWhen
{
    /// <summary>The customer entered <see cref="JourneyRuleDefinition.Stage"/> (or any stage).</summary>
    Entered,

    /// <summary>The customer left <see cref="JourneyRuleDefinition.Stage"/> (or any stage).</summary>
    Left,

    /// <summary>The customer has been in the stage for <see cref="JourneyRuleDefinition.Fraction"/> × its standard time.</summary>
    Stuck,

    /// <summary>The customer hit a moment of truth (<see cref="JourneyRuleDefinition.Outcome"/>, <see cref="JourneyRuleDefinition.MomentOfTruth"/>).</summary>
    MomentOfTruth,

    /// <summary>The customer's events matched <see cref="JourneyRuleDefinition.Pattern"/>.</summary>
    Pattern,

    /// <summary>The customer's risk in the stage reached <see cref="JourneyRuleDefinition.Threshold"/>.</summary>
    Risk,
}
