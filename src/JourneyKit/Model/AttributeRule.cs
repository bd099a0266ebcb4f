using System.Globalization;

namespace JourneyKit.Model;

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
