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
