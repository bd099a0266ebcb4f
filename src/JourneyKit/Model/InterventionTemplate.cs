using System.Collections.Immutable;

namespace JourneyKit.Model;

/// <summary>
/// The <c>then</c> of a <see cref="JourneyRule"/>: what to send. Parameters are copied into every intervention the rule
/// records.
/// </summary>
/// <remarks>Equality is structural (parameters compared by key and value).</remarks>
/// <param name="Name">The intervention name (e.g. <c>verify-reminder</c>; JSON <c>then</c>); not empty (else JK0101 at <c>rules[i].then</c>).</param>
/// <param name="Channel">The channel to use (JSON <c>channel</c>); <see cref="Channel.None"/> or one the journey declares (else JK0104 at <c>rules[i].channel</c>).</param>
/// <param name="TemplateId">The message template id, or null (JSON <c>template</c>).</param>
/// <param name="Parameters">Extra parameters, in ordinal key order; empty when none (JSON <c>parameters</c>).</param>
public sealed record InterventionTemplate(string Name, Channel Channel, string? TemplateId, ImmutableSortedDictionary<string, string> Parameters)
{
    /// <summary>Gets the extra parameters, in ordinal key order; empty when none.</summary>
    public ImmutableSortedDictionary<string, string> Parameters { get; init; } = Parameters ?? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <inheritdoc/>
    public bool Equals(InterventionTemplate? other)
    {
        if (other is null || Name != other.Name || Channel != other.Channel || TemplateId != other.TemplateId || Parameters.Count != other.Parameters.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, string> p in Parameters)
        {
            if (!other.Parameters.TryGetValue(p.Key, out string? value) || value != p.Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Channel, TemplateId, Parameters.Count);
}
