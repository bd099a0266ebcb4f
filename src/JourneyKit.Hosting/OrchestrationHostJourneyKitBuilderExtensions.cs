using JourneyKit;
using JourneyKit.DependencyInjection;
using JourneyKit.Hosting;
using JourneyKit.Orchestration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs orchestration in the generic host.</summary>
public static class OrchestrationHostJourneyKitBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="JourneyOrchestrationService"/> (scheduler ticks and queue draining) and a
    /// <see cref="JourneyIngestionQueue"/>. Call <see cref="OrchestrationJourneyKitBuilderExtensions.AddOrchestration"/>
    /// too (it is called with defaults when it was not). Safe to call twice.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options (validated now), or null for defaults.</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder AddOrchestrationHost(this JourneyKitBuilder builder, OrchestrationHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new OrchestrationHostOptions();
        options.Validate();
        IServiceCollection services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(JourneyEngine)))
        {
            builder.AddOrchestration();
        }

        services.RemoveAll<OrchestrationHostOptions>();
        services.AddSingleton(options);
        services.TryAddSingleton(sp => new JourneyIngestionQueue(sp.GetRequiredService<OrchestrationHostOptions>()));
        services.TryAddSingleton(sp => new JourneyOrchestrationService(
            sp.GetRequiredService<JourneyEngine>(),
            sp.GetRequiredService<JourneyIngestionQueue>(),
            sp.GetRequiredService<OrchestrationHostOptions>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<JourneyOrchestrationService>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, JourneyOrchestrationService>(sp => sp.GetRequiredService<JourneyOrchestrationService>()));
        return builder;
    }
}
