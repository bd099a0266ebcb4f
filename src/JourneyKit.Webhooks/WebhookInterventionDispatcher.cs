using System.Net.Http.Headers;
using JourneyKit.Orchestration;
using JourneyKit.Webhooks.Internal;
using Microsoft.Extensions.Options;

namespace JourneyKit.Webhooks;

/// <summary>
/// POSTs each intervention as JSON to <see cref="WebhookDispatcherOptions.Endpoint"/>, with an <c>Idempotency-Key</c>
/// header, through the named <see cref="HttpClient"/> <see cref="HttpClientName"/> from <see cref="IHttpClientFactory"/>.
/// Register it with <c>AddWebhookDispatcher(o => …)</c> on the JourneyKit builder, which puts the standard resilience
/// handler on that client: transient failures (connection errors, attempt timeouts, HTTP 408, 429 and 5xx) are retried
/// with jittered exponential backoff, honouring <c>Retry-After</c>, inside a total timeout and behind a circuit breaker.
/// A 2xx answer acknowledges; any other final answer fails the dispatch.
/// </summary>
/// <remarks>
/// <para>The body: <c>{"idempotencyKey","name","customerId","journeyId","rule","channel","templateId","priority","occurrence",
/// "occurredAt","stage","parameters":{…}}</c>. Every retry sends the same body and key, so a receiver that
/// de-duplicates by the key acts once.</para>
/// <para>To add handlers (authentication, logging) configure the client by name:
/// <c>services.AddHttpClient(WebhookInterventionDispatcher.HttpClientName).AddHttpMessageHandler(…)</c>.</para>
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
public sealed class WebhookInterventionDispatcher : InterventionDispatcher
{
    /// <summary>The name of the <see cref="HttpClient"/> the dispatcher asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "JourneyKit.Webhooks";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly IHttpClientFactory _clients;
    private readonly Uri _endpoint;

    /// <summary>Creates the dispatcher (the container does this for <c>AddWebhookDispatcher</c>).</summary>
    /// <param name="httpClientFactory">The client factory; the dispatcher uses the client named <see cref="HttpClientName"/>.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public WebhookInterventionDispatcher(IHttpClientFactory httpClientFactory, IOptions<WebhookDispatcherOptions> options)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        WebhookDispatcherOptions o = options.Value;
        List<string> problems = WebhookDispatcherOptionsValidator.Problems(o);
        if (problems.Count > 0)
        {
            throw new ArgumentException(WebhookMessages.InvalidOptions(problems), nameof(options));
        }

        _clients = httpClientFactory;
        _endpoint = o.Endpoint!;
    }

    /// <inheritdoc/>
    /// <exception cref="HttpRequestException">The receiver refused the intervention, or answered a transient failure on
    /// the last attempt (<see cref="HttpRequestException.StatusCode"/> says which), or could not be reached.</exception>
    /// <exception cref="Polly.Timeout.TimeoutRejectedException">The last attempt, or the whole dispatch, timed out.</exception>
    /// <exception cref="Polly.CircuitBreaker.BrokenCircuitException">The circuit breaker is open after repeated failures.</exception>
    public override async Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        HttpClient http = _clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(WebhookPayload.Serialize(intervention)) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("Idempotency-Key", intervention.IdempotencyKey);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(WebhookMessages.WebhookStatus((int)response.StatusCode, _endpoint), null, response.StatusCode);
        }
    }
}
