using JourneyKit.DependencyInjection;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds orchestration to JourneyKit's builder.</summary>
public static class OrchestrationJourneyKitBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="JourneyEngine"/> (singleton) for one registered journey with the given rules and
    /// dispatcher (the setup's; else one added with <see cref="AddInterventionDispatcher{TDispatcher}(JourneyKitBuilder)"/>;
    /// else <see cref="LoggingInterventionDispatcher"/>), using the configured store and
    /// <see cref="TimeProvider"/> (default: <see cref="TimeProvider.System"/>). Calling it again replaces the setup.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the journey, rules, options and dispatcher.</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder AddOrchestration(this JourneyKitBuilder builder, Action<OrchestrationSetup>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var setup = new OrchestrationSetup();
        configure?.Invoke(setup);
        setup.Options.Validate();
        IServiceCollection services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        if (setup.DispatcherFactory is { } factory)
        {
            services.RemoveAll<InterventionDispatcher>();
            services.AddSingleton(factory);
        }
        else
        {
            // Keep a dispatcher registered with AddInterventionDispatcher (before or after this call); else log.
            services.TryAddSingleton<InterventionDispatcher>(sp => new LoggingInterventionDispatcher(sp.GetService<ILogger<LoggingInterventionDispatcher>>()));
        }

        JourneyRule[] codeRules = [.. setup.Rules];
        bool includeJourneyRules = setup.IncludeJourneyRules;
        services.RemoveAll<JourneyEngine>();
        services.AddSingleton(sp =>
        {
            JourneyCatalog catalog = sp.GetRequiredService<JourneyCatalog>();
            CompiledJourney journey = setup.JourneyId is { } id
                ? catalog.Get(id)
                : catalog.Journeys.Count == 1 ? catalog.Journeys.First() : throw new InvalidOperationException(NoJourney(catalog.Journeys.Count));
            JourneyKitOptions options = sp.GetRequiredService<IOptions<JourneyKitOptions>>().Value;
            return new JourneyEngine(
                journey,
                sp.GetRequiredService<JourneyStore>(),
                sp.GetRequiredService<InterventionDispatcher>(),
                includeJourneyRules ? [.. journey.Journey.Rules, .. codeRules] : codeRules,
                setup.Options,
                new EvaluationOptions { InactivityPeriod = options.InactivityPeriod },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<JourneyEngine>>());
        });
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="TDispatcher"/> (singleton, built from the container) as the intervention dispatcher,
    /// replacing any other; <see cref="AddOrchestration"/> uses it unless its setup names a dispatcher.
    /// </summary>
    /// <typeparam name="TDispatcher">The dispatcher type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder AddInterventionDispatcher<TDispatcher>(this JourneyKitBuilder builder)
        where TDispatcher : InterventionDispatcher
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<InterventionDispatcher>();
        builder.Services.AddSingleton<InterventionDispatcher>(static sp => ActivatorUtilities.GetServiceOrCreateInstance<TDispatcher>(sp));
        return builder;
    }

    private static string NoJourney(int count) => count == 0
        ? "Orchestration needs a journey: call AddJourney, or set the journey id."
        : "Several journeys are registered: set the journey id orchestration runs on.";
}
