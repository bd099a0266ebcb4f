using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JourneyKit.DependencyInjection;

/// <summary>
/// Configures JourneyKit in a service collection; returned by
/// <see cref="JourneyKitServiceCollectionExtensions.AddJourneyKit(IServiceCollection, Action{JourneyKitOptions}?)"/>.
/// Storage packages add <c>Use…</c> extension methods (e.g. <c>UseSqlite</c>).
/// </summary>
public sealed class JourneyKitBuilder
{
    internal JourneyKitBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a journey (validated now: an invalid one throws <see cref="JourneyValidationException"/>).</summary>
    /// <param name="journey">The journey.</param>
    /// <returns>This builder.</returns>
    public JourneyKitBuilder AddJourney(Journey journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        journey.EnsureValid();
        Services.Configure<JourneyKitOptions>(o => o.Journeys.Add(journey));
        return this;
    }

    /// <summary>Adds a journey from a JSON definition file (loaded and validated now).</summary>
    /// <param name="jsonPath">The file path.</param>
    /// <returns>This builder.</returns>
    public JourneyKitBuilder AddJourney(string jsonPath) => AddJourney(JourneyJson.LoadFile(jsonPath));

    /// <summary>Stores everything in memory (the default when no store is configured).</summary>
    /// <returns>This builder.</returns>
    public JourneyKitBuilder UseInMemoryStorage() => UseStore(_ => new InMemoryJourneyStore());

    /// <summary>Uses a store built by <paramref name="factory"/>, replacing any store configured before.</summary>
    /// <param name="factory">Builds the store.</param>
    /// <returns>This builder.</returns>
    public JourneyKitBuilder UseStore(Func<IServiceProvider, JourneyStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<JourneyStore>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Adds a score component to the scoring model, with a weight relative to the built-ins (which sum to 1).</summary>
    /// <typeparam name="TComponent">The component type; resolved from the container.</typeparam>
    /// <param name="weight">The weight; positive.</param>
    /// <returns>This builder.</returns>
    public JourneyKitBuilder AddScoreComponent<TComponent>(double weight = 0.1)
        where TComponent : ScoreComponent
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        Services.TryAddSingleton<TComponent>();
        Services.AddSingleton(new ScoreComponentRegistration(typeof(TComponent), weight));
        return this;
    }
}

/// <summary>A score component added through the builder.</summary>
internal sealed record ScoreComponentRegistration(Type Type, double Weight);

/// <summary>Validates <see cref="JourneyKitOptions"/> with messages that name the setting.</summary>
internal sealed class JourneyKitOptionsValidator : IValidateOptions<JourneyKitOptions>
{
    public ValidateOptionsResult Validate(string? name, JourneyKitOptions options)
    {
        var failures = new List<string>();
        if (options.InactivityPeriod <= TimeSpan.Zero)
        {
            failures.Add($"JourneyKitOptions.InactivityPeriod must be positive; got {options.InactivityPeriod}.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (Journey journey in options.Journeys)
        {
            if (!ids.Add(journey.Id))
            {
                failures.Add($"Journey '{journey.Id}' was added twice.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
