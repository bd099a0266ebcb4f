using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JourneyKit.DependencyInjection;

/// <summary>The registered journeys, compiled once, by id.</summary>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
public sealed class JourneyCatalog
{
    private readonly Dictionary<string, CompiledJourney> _journeys = new(StringComparer.Ordinal);

    /// <summary>Creates the catalog from options (used by the container).</summary>
    /// <param name="options">The options.</param>
    public JourneyCatalog(IOptions<JourneyKitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (Journey journey in options.Value.Journeys)
        {
            _journeys[journey.Id] = journey.Compile();
        }
    }

    /// <summary>Gets the compiled journeys.</summary>
    public IReadOnlyCollection<CompiledJourney> Journeys => _journeys.Values;

    /// <summary>Gets a compiled journey by id.</summary>
    /// <param name="journeyId">The journey id.</param>
    /// <returns>The compiled journey.</returns>
    /// <exception cref="KeyNotFoundException">No journey with that id was added.</exception>
    public CompiledJourney Get(string journeyId) => _journeys.TryGetValue(journeyId, out CompiledJourney? journey)
        ? journey
        : throw new KeyNotFoundException($"No journey '{journeyId}' was added; call AddJourney when registering JourneyKit.");
}
