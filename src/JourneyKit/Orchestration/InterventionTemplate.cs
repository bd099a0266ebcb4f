using System.Collections.Immutable;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;

namespace JourneyKit.Orchestration;

/// <summary>
/// The <c>then</c> of a <see cref="JourneyRule"/>: what to send. Parameters are copied into every
/// <see cref="Intervention"/>.
/// </summary>
/// <param name="Name">The intervention name (e.g. <c>verify-reminder</c>).</param>
/// <param name="Channel">The channel to use.</param>
/// <param name="TemplateId">The message template id, or null.</param>
/// <param name="Parameters">Extra parameters; empty when none.</param>
public sealed record InterventionTemplate(string Name, Channel Channel, string? TemplateId, ImmutableSortedDictionary<string, string> Parameters);
