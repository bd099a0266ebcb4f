using System.Net;
using System.Text.Json;
using JourneyKit.Orchestration;

namespace JourneyKit.Webhooks;

/// <summary>Options of <see cref="WebhookInterventionDispatcher"/>.</summary>
public sealed class WebhookDispatcherOptions
{
    /// <summary>Gets the URL interventions are POSTed to.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Gets the timeout of one attempt.</summary>
    /// <value>Positive. The default value is 10 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the attempts per dispatch (the engine retries the whole dispatch later with its own backoff).</summary>
    /// <value>At least 1. The default value is 3.</value>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Gets the delay before the second attempt; it doubles per attempt.</summary>
    /// <value>Zero or positive. The default value is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    internal void Validate()
    {
        var problems = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri)
        {
            problems.Add("Endpoint must be an absolute URI.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add($"Timeout must be positive; got {Timeout}.");
        }

        if (MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts must be at least 1; got {MaxAttempts}.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            problems.Add($"RetryDelay must not be negative; got {RetryDelay}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(WebhookMessages.InvalidOptions(problems));
        }
    }
}

/// <summary>
/// POSTs each intervention as JSON to a URL, with an <c>Idempotency-Key</c> header; retries transient failures
/// (connection errors, timeouts, HTTP 408, 429 and 5xx) with exponential backoff; any other non-2xx answer fails at once.
/// </summary>
/// <remarks>
/// The body: <c>{"idempotencyKey","name","customerId","journeyId","rule","channel","templateId","priority","occurrence",
/// "occurredAt","stage","parameters":{…}}</c>.
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
public sealed class WebhookInterventionDispatcher : InterventionDispatcher
{
    private readonly HttpClient _http;
    private readonly WebhookDispatcherOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="httpClient">The HTTP client (not disposed by the dispatcher).</param>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for timeouts and backoff; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public WebhookInterventionDispatcher(HttpClient httpClient, WebhookDispatcherOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    /// <exception cref="HttpRequestException">Every attempt failed, or the receiver refused the intervention.</exception>
    public override async Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        byte[] body = Serialize(intervention);
        for (int attempt = 1; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation("Idempotency-Key", intervention.IdempotencyKey);
                using HttpResponseMessage response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                int status = (int)response.StatusCode;
                bool transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
                if (!transient || attempt >= _options.MaxAttempts)
                {
                    throw new HttpRequestException(WebhookMessages.WebhookStatus(status, _options.Endpoint), null, response.StatusCode);
                }
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && !cancellationToken.IsCancellationRequested && (e is HttpRequestException { StatusCode: null } || e is OperationCanceledException))
            {
                // connection failure or attempt timeout: retry below
            }

            await Task.Delay(TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(attempt - 1, 20))), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Serialize(Intervention i)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("idempotencyKey", i.IdempotencyKey);
            w.WriteString("name", i.Name);
            w.WriteString("customerId", i.CustomerId);
            w.WriteString("journeyId", i.JourneyId);
            w.WriteString("rule", i.Rule);
            w.WriteString("channel", i.Channel.Name);
            if (i.TemplateId is null)
            {
                w.WriteNull("templateId");
            }
            else
            {
                w.WriteString("templateId", i.TemplateId);
            }

            w.WriteNumber("priority", i.Priority);
            w.WriteString("occurrence", i.Occurrence);
            w.WriteString("occurredAt", i.OccurredAt);
            if (i.Stage is null)
            {
                w.WriteNull("stage");
            }
            else
            {
                w.WriteString("stage", i.Stage);
            }

            w.WriteStartObject("parameters");
            foreach (KeyValuePair<string, string> p in i.Parameters)
            {
                w.WriteString(p.Key, p.Value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
