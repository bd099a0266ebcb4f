using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Storage;

/// <summary>Journey definitions, versioned: a saved (id, version) never changes.</summary>
public abstract class JourneyDefinitionStore
{
    /// <summary>
    /// Saves a journey version. Saving the same content again is a no-op; saving different content under an existing
    /// (id, version) throws <see cref="JourneyConcurrencyException"/> and changes nothing.
    /// </summary>
    /// <param name="journey">The journey (must be valid).</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>A task.</returns>
    public abstract Task SaveAsync(Journey journey, CancellationToken cancellationToken = default);

    /// <summary>Gets a journey version, or the latest when <paramref name="version"/> is null.</summary>
    /// <param name="journeyId">The journey id.</param>
    /// <param name="version">The version, or null for the latest.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The journey, or null when there is none.</returns>
    public abstract Task<Journey?> GetAsync(string journeyId, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored (id, version) pairs, by id then version.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pairs.</returns>
    public abstract Task<IReadOnlyList<(string Id, int Version)>> ListAsync(CancellationToken cancellationToken = default);
}
