using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JourneyKit.DependencyInjection;

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
