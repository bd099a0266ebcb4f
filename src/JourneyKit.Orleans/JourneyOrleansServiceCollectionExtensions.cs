using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;

namespace JourneyKit.Orleans;

/// <summary>Registers the journey grains' runtime in a silo.</summary>
public static class JourneyOrleansServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="runtime"/> (singleton) for the journey grains of this silo; the first registration wins.
    /// Also lets Orleans carry JourneyKit's exceptions (<c>JourneyStoreException</c>, …) from a grain to its caller on
    /// another silo, as it does for <c>System</c> exceptions (<see cref="ExceptionSerializationOptions"/>); without it a
    /// store failure in a remote grain reached the caller as a <c>CodecNotFoundException</c>. An Orleans client that calls
    /// the grains needs the same: <see cref="AddJourneyKitExceptions"/>.
    /// </summary>
    /// <param name="services">The silo's services (<c>siloBuilder.Services</c>).</param>
    /// <param name="runtime">The runtime: steps, store, dispatcher, clock.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddJourneyGrains(this IServiceCollection services, JourneyGrainRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(runtime);
        services.TryAddSingleton(runtime);
        return services.AddJourneyKitExceptions();
    }

    /// <summary>
    /// Lets Orleans serialize exceptions of JourneyKit's namespaces (adds the <c>JourneyKit</c> prefix to
    /// <see cref="ExceptionSerializationOptions.SupportedNamespacePrefixes"/>), so a grain's store or validation failure
    /// reaches a caller on another silo or an Orleans client with its type and message. Safe to call twice.
    /// </summary>
    /// <param name="services">The silo's or client's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddJourneyKitExceptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Configure<ExceptionSerializationOptions>(static o => o.SupportedNamespacePrefixes.Add("JourneyKit"));
        return services;
    }
}
