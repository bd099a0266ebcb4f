using JourneyKit;
using JourneyKit.DependencyInjection;
using JourneyKit.Orchestration;
using JourneyKit.Webhooks;
using JourneyKit.Webhooks.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the webhook intervention dispatcher to JourneyKit's builder.</summary>
public static class WebhookJourneyKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="WebhookInterventionDispatcher"/> (singleton) as the intervention dispatcher, replacing any
    /// other; <c>AddOrchestration</c> uses it unless its setup names a dispatcher. Adds the named
    /// <see cref="HttpClient"/> <see cref="WebhookInterventionDispatcher.HttpClientName"/> with the standard resilience
    /// handler configured from <see cref="WebhookDispatcherOptions"/>, whose validation runs when the host starts. Safe
    /// to call twice (the configurations add up); the resilience handler uses the container's
    /// <see cref="TimeProvider"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options (at least <see cref="WebhookDispatcherOptions.Endpoint"/>).</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder AddWebhookDispatcher(this JourneyKitBuilder builder, Action<WebhookDispatcherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.AddOptions<WebhookDispatcherOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookDispatcherOptions>, WebhookDispatcherOptionsValidator>());
        if (!services.Any(static d => d.ServiceType == typeof(WebhookDispatcherMarker)))
        {
            services.AddSingleton<WebhookDispatcherMarker>();
            services.AddHttpClient(WebhookInterventionDispatcher.HttpClientName)
                .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan) // the handler's total timeout governs
                .AddStandardResilienceHandler()
                .Configure(static (HttpStandardResilienceOptions r, IServiceProvider sp) =>
                    Map(sp.GetRequiredService<IOptions<WebhookDispatcherOptions>>().Value, r));
        }

        services.TryAddSingleton<WebhookInterventionDispatcher>();
        services.RemoveAll<InterventionDispatcher>();
        services.AddSingleton<InterventionDispatcher>(static sp => sp.GetRequiredService<WebhookInterventionDispatcher>());
        return builder;
    }

    private static void Map(WebhookDispatcherOptions o, HttpStandardResilienceOptions r)
    {
        r.AttemptTimeout.Timeout = o.AttemptTimeout;
        r.TotalRequestTimeout.Timeout = o.TotalTimeout;
        r.CircuitBreaker.SamplingDuration = o.AttemptTimeout * 2 > WebhookDefaults.SamplingDuration ? o.AttemptTimeout * 2 : WebhookDefaults.SamplingDuration;
        r.Retry.BackoffType = DelayBackoffType.Exponential;
        r.Retry.UseJitter = true;
        r.Retry.ShouldRetryAfterHeader = true;
        r.Retry.Delay = o.RetryDelay;
        if (o.MaxAttempts > 1)
        {
            r.Retry.MaxRetryAttempts = o.MaxAttempts - 1;
        }
        else
        {
            r.Retry.ShouldHandle = static _ => PredicateResult.False();
        }
    }

    /// <summary>Marks that the named client is configured, so a second call does not add a second handler.</summary>
    private sealed class WebhookDispatcherMarker;
}
