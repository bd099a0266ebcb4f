using JourneyKit.DependencyInjection;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers JourneyKit in a service collection.</summary>
public static class JourneyKitServiceCollectionExtensions
{
    /// <summary>
    /// Adds JourneyKit: options (validated at start-up), the journey catalog, the scoring model, a
    /// <see cref="TimeProvider"/> and, unless configured otherwise, the in-memory store. Safe to call twice; services
    /// you registered yourself win.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder AddJourneyKit(this IServiceCollection services, Action<JourneyKitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<JourneyKitOptions> options = services.AddOptions<JourneyKitOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JourneyKitOptions>, JourneyKitOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JourneyStore, InMemoryJourneyStore>();
        services.TryAddSingleton<JourneyCatalog>();
        services.TryAddSingleton(sp =>
        {
            ScoringModel model = ScoringModel.Default;
            foreach (ScoreComponentRegistration r in sp.GetServices<ScoreComponentRegistration>())
            {
                model = model.With((ScoreComponent)sp.GetRequiredService(r.Type), r.Weight);
            }

            return model;
        });
        return new JourneyKitBuilder(services);
    }
}
