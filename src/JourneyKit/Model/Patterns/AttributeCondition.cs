using System.Collections.Immutable;

namespace JourneyKit.Model.Patterns;

/// <summary>
/// A condition on one string attribute of an event: its value is one of <see cref="Values"/> (or, negated, it is
/// absent or none of them). Comparison is ordinal.
/// </summary>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
public sealed class AttributeCondition : IEquatable<AttributeCondition>
{
    /// <summary>Creates an attribute condition.</summary>
    /// <param name="key">The attribute key; not empty.</param>
    /// <param name="values">The allowed values; at least one.</param>
    /// <param name="isNegated">When true the condition holds when the attribute is absent or has none of the values.</param>
    /// <exception cref="ArgumentException">The key is empty or no value is given.</exception>
    public AttributeCondition(string key, IEnumerable<string> values, bool isNegated = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(values);
        Values = [.. values];
        if (Values.IsEmpty)
        {
            throw new ArgumentException("Give at least one value.", nameof(values));
        }

        Key = key;
        IsNegated = isNegated;
    }

    /// <summary>Creates a pattern variable use <c>key=$name</c>: the attribute must be present, and the pattern holds its
    /// value constant (the first event of a match binds it, later ones must have the same value).</summary>
    internal AttributeCondition(string key, string variable)
    {
        Key = key;
        Values = ["$" + variable];
        Variable = variable;
    }

    /// <summary>Gets the attribute key.</summary>
    public string Key { get; }

    /// <summary>Gets the values.</summary>
    public ImmutableArray<string> Values { get; }

    /// <summary>Gets a value indicating whether the condition is negated.</summary>
    public bool IsNegated { get; }

    /// <summary>Gets the pattern variable (<c>order_id=$o</c> gives <c>o</c>) whose bound value the attribute must equal, or
    /// null for a literal condition. On its own (<see cref="Matches"/>) a variable condition only needs the attribute.</summary>
    internal string? Variable { get; }

    /// <summary>Tests the condition on an attribute value.</summary>
    /// <param name="value">The event's value of the attribute, or null when absent.</param>
    /// <returns><see langword="true"/> when the condition holds.</returns>
    public bool Matches(string? value) => Variable is not null ? value is not null : (value is not null && Values.Contains(value)) != IsNegated;

    /// <inheritdoc/>
    public bool Equals(AttributeCondition? other) =>
        other is not null && Key == other.Key && IsNegated == other.IsNegated && Variable == other.Variable && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AttributeCondition);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, IsNegated, Values.Length);

    /// <summary>Describes the condition, e.g. <c>plan=gold|silver</c> or <c>plan!=gold</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Key + (IsNegated ? "!=" : "=") + string.Join('|', Values);
}
