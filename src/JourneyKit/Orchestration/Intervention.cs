using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>
/// One intervention to send to one customer, recorded in the customer's outbox and handed to an
/// <see cref="InterventionDispatcher"/> until acknowledged.
/// </summary>
/// <remarks>
/// <see cref="IdempotencyKey"/> is derived deterministically from the journey, customer, rule name and the trigger
/// occurrence: a retried delivery of the same intervention carries the same key, so a receiver that remembers keys
/// applies it once.
/// </remarks>
public sealed record Intervention
{
    /// <summary>Gets the intervention name (from the rule's template).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the customer id.</summary>
    public required string CustomerId { get; init; }

    /// <summary>Gets the journey id.</summary>
    public required string JourneyId { get; init; }

    /// <summary>Gets the name of the rule that fired.</summary>
    public required string Rule { get; init; }

    /// <summary>Gets the channel to send on.</summary>
    public Channel Channel { get; init; }

    /// <summary>Gets the message template id, or null.</summary>
    public string? TemplateId { get; init; }

    /// <summary>Gets the rule's priority.</summary>
    public int Priority { get; init; }

    /// <summary>Gets the parameters from the rule's template; empty when none.</summary>
    public ImmutableSortedDictionary<string, string> Parameters { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Gets the trigger occurrence, e.g. <c>entered:verify:2</c> (the 2nd entry into stage verify).</summary>
    public required string Occurrence { get; init; }

    /// <summary>Gets the occurrence time (event time, or due time for timers).</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>Gets the stage the occurrence is about, or null.</summary>
    public string? Stage { get; init; }

    /// <summary>Gets the idempotency key: 32 lowercase hex digits, the same for every delivery attempt.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>
    /// Gets the risk that fired a <see cref="RuleTriggerKind.RiskAtLeast"/> rule: the estimator's probability at the
    /// occurrence time (<see cref="OccurredAt"/>); null for other rules.
    /// </summary>
    public double? Risk { get; init; }

    /// <summary>Gets the version of the risk model behind <see cref="Risk"/> (<see cref="RiskEstimator.ModelVersion"/>), or null when the estimator has none or the rule is not a risk rule.</summary>
    public string? RiskModel { get; init; }

    /// <summary>Derives the idempotency key of an occurrence: SHA-256 of the parts, first 16 bytes, hex.</summary>
    /// <param name="journeyId">The journey id.</param>
    /// <param name="customerId">The customer id.</param>
    /// <param name="rule">The rule name.</param>
    /// <param name="occurrence">The occurrence.</param>
    /// <returns>The key.</returns>
    public static string DeriveIdempotencyKey(string journeyId, string customerId, string rule, string occurrence)
    {
        ArgumentNullException.ThrowIfNull(journeyId);
        ArgumentNullException.ThrowIfNull(customerId);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(occurrence);
        string text = string.Join('\u001f', journeyId, customerId, rule, occurrence);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
