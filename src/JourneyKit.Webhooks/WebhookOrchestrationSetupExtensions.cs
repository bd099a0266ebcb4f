using JourneyKit;
using JourneyKit.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the webhook dispatcher to an orchestration setup.</summary>
public static class WebhookOrchestrationSetupExtensions
{
    /// <summary>POSTs interventions to a webhook (<see cref="WebhookInterventionDispatcher"/>, with its own <see cref="HttpClient"/>).</summary>
    /// <param name="setup">The orchestration setup.</param>
    /// <param name="options">The webhook options (validated now).</param>
    /// <returns>The setup.</returns>
    public static OrchestrationSetup UseWebhook(this OrchestrationSetup setup, WebhookDispatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return setup.UseDispatcher(sp => new WebhookInterventionDispatcher(new HttpClient(), options, sp.GetService<TimeProvider>()));
    }
}
