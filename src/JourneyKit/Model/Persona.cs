using System.Globalization;

namespace JourneyKit.Model;

/// <summary>A customer segment with goals, motivations and pain points, and a rule that assigns customers to it.</summary>
public sealed record Persona
{
    /// <summary>Gets the persona id; unique within the journey.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the human-readable name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Gets what the persona wants to achieve.</summary>
    public EquatableArray<string> Goals { get; init; }

    /// <summary>Gets what drives the persona.</summary>
    public EquatableArray<string> Motivations { get; init; }

    /// <summary>Gets what frustrates the persona.</summary>
    public EquatableArray<string> PainPoints { get; init; }

    /// <summary>Gets the rule on customer attributes that assigns a customer to this persona; an empty rule matches everyone.</summary>
    public PersonaRule Rule { get; init; } = PersonaRule.Always;
}

/// <summary>A rule on customer attributes: all of its conditions must hold.</summary>
/// <param name="All">The conditions; empty = always true.</param>
public sealed record PersonaRule(EquatableArray<AttributeRule> All)
{
    /// <summary>Gets the rule that matches every customer.</summary>
    public static PersonaRule Always { get; } = new(default(EquatableArray<AttributeRule>));

    /// <summary>Tests the rule on a customer's attributes.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <returns><see langword="true"/> when every condition holds.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (AttributeRule rule in All)
        {
            if (!rule.Matches(attributes))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>An operator of an <see cref="AttributeRule"/>.</summary>
public enum RuleOperator
{
    /// <summary>The attribute equals the value (ordinal).</summary>
    Eq,

    /// <summary>The attribute is absent or differs from the value.</summary>
    Ne,

    /// <summary>The attribute equals one of the values.</summary>
    In,

    /// <summary>The attribute is present.</summary>
    Exists,

    /// <summary>The attribute, as a number, is greater than the value.</summary>
    Gt,

    /// <summary>The attribute, as a number, is greater than or equal to the value.</summary>
    Ge,

    /// <summary>The attribute, as a number, is less than the value.</summary>
    Lt,

    /// <summary>The attribute, as a number, is less than or equal to the value.</summary>
    Le,
}

/// <summary>One condition on a customer attribute: <c>attribute op value(s)</c>.</summary>
/// <param name="Attribute">The attribute key.</param>
/// <param name="Op">The operator.</param>
/// <param name="Values">The operand(s): one for eq/ne/gt/ge/lt/le, one or more for in, none for exists.</param>
/// <remarks>Numeric operators parse the attribute and the value as invariant-culture numbers; an attribute that is
/// absent or not a number fails them.</remarks>
public sealed record AttributeRule(string Attribute, RuleOperator Op, EquatableArray<string> Values)
{
    /// <summary>Tests the condition.</summary>
    /// <param name="attributes">The customer attributes.</param>
    /// <returns><see langword="true"/> when it holds.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        bool has = attributes.TryGetValue(Attribute, out string? actual);
        string first = Values.Count > 0 ? Values[0] : string.Empty;
        switch (Op)
        {
            case RuleOperator.Exists:
                return has;
            case RuleOperator.Eq:
                return has && actual == first;
            case RuleOperator.Ne:
                return !has || actual != first;
            case RuleOperator.In:
                return has && Values.AsImmutableArray().Contains(actual!);
            default:
                if (!has || !TryNumber(actual, out double a) || !TryNumber(first, out double b))
                {
                    return false;
                }

                return Op switch
                {
                    RuleOperator.Gt => a > b,
                    RuleOperator.Ge => a >= b,
                    RuleOperator.Lt => a < b,
                    _ => a <= b,
                };
        }
    }

    internal static bool TryNumber(string? text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
