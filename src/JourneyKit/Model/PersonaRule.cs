using System.Globalization;

namespace JourneyKit.Model;

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
