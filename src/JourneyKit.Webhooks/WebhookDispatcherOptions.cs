using JourneyKit.Webhooks.Internal;

namespace JourneyKit.Webhooks;

/// <summary>Options of <see cref="WebhookInterventionDispatcher"/>, set with <c>AddWebhookDispatcher(o => …)</c>.</summary>
/// <remarks>
/// They are mapped onto the standard resilience handler of <c>Microsoft.Extensions.Http.Resilience</c> (total timeout,
/// retry, circuit breaker, attempt timeout), which sits on the named <see cref="HttpClient"/>
/// <see cref="WebhookInterventionDispatcher.HttpClientName"/>. Validated when the container starts (and when the
/// dispatcher is built): every problem is listed, naming the setting.
/// </remarks>
public sealed class WebhookDispatcherOptions
{
    /// <summary>Gets or sets the absolute <c>http</c> or <c>https</c> URL interventions are POSTed to.</summary>
    /// <value>Required. The default value is null (invalid).</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the timeout of one attempt; a timed-out attempt is retried like a transient failure.</summary>
    /// <value>From 10 milliseconds to 12 hours, and less than <see cref="TotalTimeout"/>. The default value is 10 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = WebhookDefaults.AttemptTimeout;

    /// <summary>Gets or sets the timeout of one dispatch: every attempt and the waits between them.</summary>
    /// <value>Greater than <see cref="AttemptTimeout"/>, at most 1 day. The default value is 30 seconds.</value>
    public TimeSpan TotalTimeout { get; set; } = WebhookDefaults.TotalTimeout;

    /// <summary>
    /// Gets or sets the attempts per dispatch, the first included (1 means no retry). The engine retries a failed
    /// dispatch later with its own backoff, under the same idempotency key.
    /// </summary>
    /// <value>From 1 to 100. The default value is 3.</value>
    public int MaxAttempts { get; set; } = WebhookDefaults.MaxAttempts;

    /// <summary>
    /// Gets or sets the base delay before a retry. Retries back off exponentially with jitter (each wait is random,
    /// growing about twofold per attempt from this median); a <c>Retry-After</c> header on a 429 or 503 answer is
    /// honoured instead.
    /// </summary>
    /// <value>From zero to 1 day. The default value is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = WebhookDefaults.RetryDelay;
}
