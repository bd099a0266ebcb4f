using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using JourneyKit.Webhooks;
using static JourneyKit.Hosting.Tests.Orchestration.TestJourneys;

namespace JourneyKit.Hosting.Tests.Orchestration;

public sealed class DispatcherAndTelemetryTests
{
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
        IdempotencyKey = Intervention.DeriveIdempotencyKey("onboarding", "ada", "recover", "moment:upload-retry:1"),
    };

    [Fact]
    public async Task Webhook_TransientFailuresThenOk_RetriesWithSameKeyAndBody()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.Accepted);
        var dispatcher = new WebhookInterventionDispatcher(new HttpClient(handler), new WebhookDispatcherOptions { Endpoint = new Uri("http://127.0.0.1:9/hook"), RetryDelay = TimeSpan.Zero });
        Intervention i = Sample();
        await dispatcher.DispatchAsync(i);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(i.IdempotencyKey, r.Key));
        using JsonDocument body = JsonDocument.Parse(handler.Requests[0].Body);
        Assert.Equal(("call-back", "ada", "voice", "tpl-1", 3), (body.RootElement.GetProperty("name").GetString(), body.RootElement.GetProperty("customerId").GetString(), body.RootElement.GetProperty("channel").GetString(), body.RootElement.GetProperty("templateId").GetString(), body.RootElement.GetProperty("priority").GetInt32()));
        Assert.Equal(i.IdempotencyKey, body.RootElement.GetProperty("idempotencyKey").GetString());
    }

    [Fact]
    public async Task Webhook_ClientError_FailsAtOnce()
    {
        var handler = new ScriptedHandler(HttpStatusCode.BadRequest, HttpStatusCode.OK);
        var dispatcher = new WebhookInterventionDispatcher(new HttpClient(handler), new WebhookDispatcherOptions { Endpoint = new Uri("http://127.0.0.1:9/hook"), RetryDelay = TimeSpan.Zero });
        HttpRequestException e = await Assert.ThrowsAsync<HttpRequestException>(() => dispatcher.DispatchAsync(Sample()));
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Webhook_AlwaysUnavailable_ThrowsAfterMaxAttempts()
    {
        var handler = new ScriptedHandler(HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        var dispatcher = new WebhookInterventionDispatcher(new HttpClient(handler), new WebhookDispatcherOptions { Endpoint = new Uri("http://127.0.0.1:9/hook"), RetryDelay = TimeSpan.Zero, MaxAttempts = 3 });
        await Assert.ThrowsAsync<HttpRequestException>(() => dispatcher.DispatchAsync(Sample()));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public void DeriveIdempotencyKey_Deterministic_DiffersPerOccurrence()
    {
        string a = Intervention.DeriveIdempotencyKey("j", "c", "r", "entered:apply:1");
        Assert.Equal(a, Intervention.DeriveIdempotencyKey("j", "c", "r", "entered:apply:1"));
        Assert.NotEqual(a, Intervention.DeriveIdempotencyKey("j", "c", "r", "entered:apply:2"));
        Assert.NotEqual(a, Intervention.DeriveIdempotencyKey("j", "c2", "r", "entered:apply:1"));
        Assert.Matches("^[0-9a-f]{32}$", a);
    }

    [Fact]
    public async Task IngestAsync_Meter_CountsEventsAndInterventions()
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JourneyKitDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        var engine = Engine(new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), Clock(), null, JourneyRule.Create("w").WhenEntered("apply").Then("hi", Channel.Email).Build());
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();
        string customer = $"metrics-{Guid.NewGuid():N}";
        await engine.IngestBatchAsync([Event(customer, "form.start", T0), Event(customer, "form.submit", T0.AddMinutes(1))]);
        await engine.IngestAsync(Event(customer, "form.start", T0)); // duplicate
        listener.Dispose();

        // other tests may run in parallel and add to the same instruments: at least ours are counted
        Assert.True(totals.GetValueOrDefault("journeykit.events.ingested") >= 2);
        Assert.True(totals.GetValueOrDefault("journeykit.events.duplicates") >= 1);
        Assert.True(totals.GetValueOrDefault("journeykit.interventions.fired") >= 1);
        Assert.True(totals.GetValueOrDefault("journeykit.interventions.dispatched") >= 1);
    }

    private sealed class ScriptedHandler(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        public List<(string? Key, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Headers.TryGetValues("Idempotency-Key", out IEnumerable<string>? v) ? v.Single() : null, body));
            return new HttpResponseMessage(statuses[Requests.Count - 1]);
        }
    }
}
