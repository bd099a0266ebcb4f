using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JourneyKit;

/// <summary>What <see cref="OrchestrationJourneyKitBuilderExtensions.AddOrchestration"/> registers: the journey, rules, options and dispatcher.</summary>
public sealed class OrchestrationSetup
{
    internal Func<IServiceProvider, InterventionDispatcher>? DispatcherFactory { get; private set; }

    /// <summary>Gets or sets the id of the journey to orchestrate; null when exactly one journey is registered.</summary>
    /// <value>The default value is null.</value>
    public string? JourneyId { get; set; }

    /// <summary>Gets the rules added in code (after the journey's own rules, see <see cref="IncludeJourneyRules"/>).</summary>
    public IList<JourneyRule> Rules { get; } = [];

    /// <summary>Gets or sets a value indicating whether the rules defined with the journey (JSON <c>rules</c>) are used too.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeJourneyRules { get; set; } = true;

    /// <summary>Gets or sets the engine options.</summary>
    /// <value>The default value is a new <see cref="OrchestrationOptions"/> (all defaults).</value>
    public OrchestrationOptions Options { get; set; } = new();

    /// <summary>Adds a rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This setup.</returns>
    public OrchestrationSetup AddRule(JourneyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Rules.Add(rule);
        return this;
    }

    /// <summary>Dispatches with a dispatcher type resolved from the container (replaces the default logging dispatcher).</summary>
    /// <typeparam name="TDispatcher">The dispatcher type.</typeparam>
    /// <returns>This setup.</returns>
    public OrchestrationSetup UseDispatcher<TDispatcher>()
        where TDispatcher : InterventionDispatcher
    {
        DispatcherFactory = static sp => ActivatorUtilities.GetServiceOrCreateInstance<TDispatcher>(sp);
        return this;
    }

    /// <summary>Dispatches with a dispatcher built by <paramref name="factory"/>.</summary>
    /// <param name="factory">Builds the dispatcher.</param>
    /// <returns>This setup.</returns>
    public OrchestrationSetup UseDispatcher(Func<IServiceProvider, InterventionDispatcher> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        DispatcherFactory = factory;
        return this;
    }

    /// <summary>Dispatches with a given dispatcher instance.</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <returns>This setup.</returns>
    public OrchestrationSetup UseDispatcher(InterventionDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        DispatcherFactory = _ => dispatcher;
        return this;
    }
}

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
                : catalog.Journeys.Count == 1 ? catalog.Journeys.First() : throw new InvalidOperationException(OrchestrationMessages.NoJourney(catalog.Journeys.Count));
            JourneyKitOptions options = sp.GetRequiredService<IOptions<JourneyKitOptions>>().Value;
            return new JourneyEngine(
                journey,
                sp.GetRequiredService<JourneyStore>(),
                sp.GetRequiredService<InterventionDispatcher>(),
                includeJourneyRules ? [.. JourneyRule.FromJourney(journey.Journey), .. codeRules] : codeRules,
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
}
