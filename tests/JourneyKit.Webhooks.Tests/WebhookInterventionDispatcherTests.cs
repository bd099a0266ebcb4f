using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Webhooks.Tests;

public sealed class WebhookInterventionDispatcherTests
{
    private static readonly Uri Hook = new("http://127.0.0.1:9/hook");
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Intervention Sample() => new()
    {
        Name = "call-back",
        CustomerId = "ada",
        JourneyId = "onboarding",
        Rule = "recover",
        Channel = Channel.Voice,
        TemplateId = "tpl-1",
        Priority = 3,
        Occurrence = "moment:upload-retry:1",
        OccurredAt = T0,
        Stage = "verify",
        Parameters = ImmutableSortedDictionary<string, string>.Empty.Add("reason", "upload"),
        IdempotencyKey = Intervention.DeriveIdempotencyKey("onboarding", "ada", "recover", "moment:upload-retry:1"),
    };

    /// <summary>The container as an application builds it, with the stub as the client's primary handler.</summary>
    private static ServiceProvider Provider(HttpMessageHandler stub, Action<WebhookDispatcherOptions>? configure = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddJourneyKit().AddWebhookDispatcher(o =>
        {
            o.Endpoint = Hook;
            o.RetryDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        services.AddHttpClient(WebhookInterventionDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => stub);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void Options_Defaults_ArePinned()
    {
        var o = new WebhookDispatcherOptions();
        Assert.Null(o.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(10), o.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), o.TotalTimeout);
        Assert.Equal(3, o.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.RetryDelay);
    }

    [Fact]
    public void AddWebhookDispatcher_IsTheInterventionDispatcher_AndSafeToCallTwice()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit()
            .AddWebhookDispatcher(o => o.Endpoint = Hook)
            .AddWebhookDispatcher(o => o.MaxAttempts = 5);
        using ServiceProvider provider = services.BuildServiceProvider();
        InterventionDispatcher dispatcher = provider.GetRequiredService<InterventionDispatcher>();
        Assert.Same(provider.GetRequiredService<WebhookInterventionDispatcher>(), dispatcher);
        Assert.Single(provider.GetServices<InterventionDispatcher>());
        WebhookDispatcherOptions o = provider.GetRequiredService<IOptions<WebhookDispatcherOptions>>().Value;
        Assert.Equal((Hook, 5), (o.Endpoint, o.MaxAttempts)); // both configurations applied, in order
    }

    [Fact]
    public async Task Dispatch_Ok_PostsJsonWithIdempotencyKey()
    {
        var stub = new ScriptedHandler(HttpStatusCode.Accepted);
        using ServiceProvider provider = Provider(stub);
        Intervention i = Sample();
        await provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(i);

        ScriptedHandler.Received r = Assert.Single(stub.Requests);
        Assert.Equal((HttpMethod.Post, Hook, i.IdempotencyKey), (r.Method, r.Uri, r.Key));
        Assert.Equal("application/json; charset=utf-8", r.ContentType);
        using JsonDocument body = JsonDocument.Parse(r.Body);
        JsonElement e = body.RootElement;
        Assert.Equal(i.IdempotencyKey, e.GetProperty("idempotencyKey").GetString());
        Assert.Equal(("call-back", "ada", "onboarding", "recover", "voice"), (e.GetProperty("name").GetString(), e.GetProperty("customerId").GetString(), e.GetProperty("journeyId").GetString(), e.GetProperty("rule").GetString(), e.GetProperty("channel").GetString()));
        Assert.Equal(("tpl-1", 3, "moment:upload-retry:1", "verify"), (e.GetProperty("templateId").GetString(), e.GetProperty("priority").GetInt32(), e.GetProperty("occurrence").GetString(), e.GetProperty("stage").GetString()));
        Assert.Equal(T0, e.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("upload", e.GetProperty("parameters").GetProperty("reason").GetString());
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (e.GetProperty("risk").ValueKind, e.GetProperty("riskModel").ValueKind)); // not a risk rule
    }

    [Fact]
    public async Task Dispatch_RiskRule_CarriesTheProbabilityAndModelVersion()
    {
        var stub = new ScriptedHandler(HttpStatusCode.Accepted);
        using ServiceProvider provider = Provider(stub);
        Intervention i = Sample() with { Occurrence = "risk:verify:1", Risk = 0.73, RiskModel = "boosted-trees:4f2a" };
        await provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(i);

        using JsonDocument body = JsonDocument.Parse(Assert.Single(stub.Requests).Body);
        Assert.Equal((0.73, "boosted-trees:4f2a"), (body.RootElement.GetProperty("risk").GetDouble(), body.RootElement.GetProperty("riskModel").GetString()));
    }

    [Fact]
    public async Task Payload_HasExactlyTheSchemasProperties()
    {
        var stub = new ScriptedHandler(HttpStatusCode.Accepted);
        using ServiceProvider provider = Provider(stub);
        await provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(Sample() with { Risk = 0.5, RiskModel = "m" });
        using JsonDocument body = JsonDocument.Parse(Assert.Single(stub.Requests).Body);
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "schema", "webhook-payload.schema.json")));
        string[] Names(JsonElement o) => [.. o.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        string[] required = [.. schema.RootElement.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(Names(schema.RootElement.GetProperty("properties")), Names(body.RootElement));
        Assert.Equal(required, Names(body.RootElement));
    }

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("JourneyKit.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Dispatch_TransientFailuresThenOk_RetriesWithSameKeyAndBody()
    {
        var stub = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.Accepted);
        using ServiceProvider provider = Provider(stub);
        Intervention i = Sample();
        await provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(i);

        Assert.Equal(3, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.Equal(i.IdempotencyKey, r.Key));
        Assert.All(stub.Requests, r => Assert.Equal(stub.Requests[0].Body, r.Body));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task Dispatch_ClientError_FailsAtOnce(HttpStatusCode status)
    {
        var stub = new ScriptedHandler(status, HttpStatusCode.OK);
        using ServiceProvider provider = Provider(stub);
        HttpRequestException e = await Assert.ThrowsAsync<HttpRequestException>(() => provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(Sample()));
        Assert.Equal(status, e.StatusCode);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Dispatch_AlwaysUnavailable_ThrowsAfterMaxAttempts(int maxAttempts)
    {
        var stub = new ScriptedHandler(HttpStatusCode.BadGateway); // the last answer repeats
        using ServiceProvider provider = Provider(stub, o => o.MaxAttempts = maxAttempts);
        HttpRequestException e = await Assert.ThrowsAsync<HttpRequestException>(() => provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(Sample()));
        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Equal(maxAttempts, stub.Requests.Count);
    }

    [Fact]
    public async Task Dispatch_RetryAfter_WaitsThatLongOnTheContainersClock()
    {
        // RetryDelay is zero, so without the header the retry would follow at once (see the next test); the answer
        // says "Retry-After: 7", so the second request must not come before T0 + 7 s on the fake clock.
        var clock = new FakeTimeProvider(T0);
        var stub = new ScriptedHandler(
            clock,
            () => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7)) } },
            () => new HttpResponseMessage(HttpStatusCode.OK));
        using ServiceProvider provider = Provider(stub, time: clock);
        Task dispatch = provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(Sample());

        // Drive the fake clock a second at a time until the dispatch is done (bounded: 60 fake seconds; the total
        // timeout of 30 s would end it before). The short real pause lets the dispatch reach its wait.
        for (int step = 0; step < 60 && !dispatch.IsCompleted; step++)
        {
            await Task.Delay(1);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await dispatch;
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(T0, stub.Requests[0].At);
        Assert.True(stub.Requests[1].At >= T0.AddSeconds(7), $"retried at {stub.Requests[1].At:O}, before Retry-After");
    }

    [Fact]
    public async Task Dispatch_NoRetryAfter_ZeroDelay_RetriesWithoutTime()
    {
        var clock = new FakeTimeProvider(T0);
        var stub = new ScriptedHandler(
            clock,
            () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            () => new HttpResponseMessage(HttpStatusCode.OK));
        using ServiceProvider provider = Provider(stub, time: clock);
        await provider.GetRequiredService<InterventionDispatcher>().DispatchAsync(Sample());
        Assert.Equal([T0, T0], stub.Requests.Select(r => r.At));
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblemAtStart()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit().AddWebhookDispatcher(o =>
        {
            o.MaxAttempts = 0;
            o.AttemptTimeout = TimeSpan.FromMinutes(1);
            o.TotalTimeout = TimeSpan.FromSeconds(30);
            o.RetryDelay = TimeSpan.FromSeconds(-1);
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        OptionsValidationException e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookDispatcherOptions>>().Value);
        Assert.Equal(4, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.Contains("Endpoint is required", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("MaxAttempts must be from 1 to 100; got 0", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("TotalTimeout (00:00:30) must be greater than AttemptTimeout (00:01:00)", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("RetryDelay must be from", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("/relative/hook")]
    public void Constructor_EndpointNotAbsoluteHttp_Throws(string endpoint)
    {
        var options = Options.Create(new WebhookDispatcherOptions { Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute) });
        ArgumentException e = Assert.Throws<ArgumentException>(() => new WebhookInterventionDispatcher(new NoClients(), options));
        Assert.Contains("absolute http or https URL", e.Message, StringComparison.Ordinal);
    }

    private sealed class NoClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("not used");
    }
}
