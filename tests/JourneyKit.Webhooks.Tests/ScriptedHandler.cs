using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Webhooks.Tests;

/// <summary>An in-process HTTP stub: answers each request with the next scripted response and records what it got.</summary>
internal sealed class ScriptedHandler(FakeTimeProvider? clock, params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly List<Received> _requests = [];

    public ScriptedHandler(params HttpStatusCode[] statuses)
        : this(null, [.. statuses.Select(s => (Func<HttpResponseMessage>)(() => new HttpResponseMessage(s)))])
    {
    }

    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = await request.Content!.ReadAsStringAsync(cancellationToken);
        int index;
        lock (_requests)
        {
            _requests.Add(new Received(
                request.Method,
                request.RequestUri!,
                request.Headers.TryGetValues("Idempotency-Key", out IEnumerable<string>? v) ? v.Single() : null,
                request.Content.Headers.ContentType?.ToString(),
                body,
                clock?.GetUtcNow() ?? default));
            index = _requests.Count - 1;
        }

        return answers[Math.Min(index, answers.Length - 1)]();
    }

    internal sealed record Received(HttpMethod Method, Uri Uri, string? Key, string? ContentType, string Body, DateTimeOffset At);
}
