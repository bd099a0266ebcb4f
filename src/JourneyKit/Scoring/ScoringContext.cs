using System.Globalization;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>What a score component sees: the journey, the instance and its status as of the scoring instant.</summary>
/// <param name="Journey">The compiled journey.</param>
/// <param name="Instance">The customer's instance.</param>
/// <param name="Status">The status as of the scoring instant.</param>
public sealed record ScoringContext(CompiledJourney Journey, JourneyInstance Instance, JourneyStatus Status);
