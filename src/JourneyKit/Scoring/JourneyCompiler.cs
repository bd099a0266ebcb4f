using System.Collections.Immutable;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Scoring;

/// <summary>Compiles journeys for evaluation.</summary>
public static class JourneyCompiler
{
    /// <summary>Validates and compiles a journey.</summary>
    /// <param name="journey">The journey.</param>
    /// <returns>The compiled journey.</returns>
    /// <exception cref="JourneyValidationException">The journey is invalid, or its moments of truth together pass the
    /// compile budget (JK0123: more than 256 moments, 4,096 automaton states or 16,384 edges; docs/limits.md).</exception>
    public static CompiledJourney Compile(this Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        Journey valid = journey.EnsureValid(out ParsedPattern[] moments); // the patterns are parsed once, by validation
        return new CompiledJourney(valid, moments);
    }
}
