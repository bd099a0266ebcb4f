using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JourneyKit.Orleans;

/// <summary>Registers the journey grains' runtime in a silo.</summary>
public static class JourneyOrleansServiceCollectionExtensions
{
    /// <summary>Registers <paramref name="runtime"/> (singleton) for the journey grains of this silo; the first registration wins.</summary>
    /// <param name="services">The silo's services (<c>siloBuilder.Services</c>).</param>
    /// <param name="runtime">The runtime: steps, store, dispatcher, clock.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddJourneyGrains(this IServiceCollection services, JourneyGrainRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(runtime);
        services.TryAddSingleton(runtime);
        return services;
    }
}
