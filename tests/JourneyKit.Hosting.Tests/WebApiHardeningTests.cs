using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model.Json;
using JourneyKit.Orchestration;
using JourneyKit.Samples.WebApi;
using JourneyKit.Scoring;
using JourneyKit.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static JourneyKit.Hosting.Tests.WebApiTests;

namespace JourneyKit.Hosting.Tests;

/// <summary>The hardened web sample (issue 21 item 5): every finding of the attack has a test here.</summary>
public sealed class WebApiHardeningTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static ByteArrayContent JsonBytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string Event(string customer, string touchpoint = "application.start", string? eventId = null) =>
        JsonSerializer.Serialize(new { customerId = customer, touchpoint, timestamp = T0, eventId });

    private static async Task WithApp(Func<HttpClient, WebApplication, Task> test, Dictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        (WebApplication app, HttpClient client, string db) = await StartAsync(settings, clock);
        try
        {
            await test(client, app);
        }
        finally
        {
            await StopAsync(app, client, db);
        }
    }

    [Fact]
    public Task Requests_WithoutOrWithWrongApiKey_401_Issue21() => WithApp(async (client, app) =>
    {
        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode); // the banner is public
        HttpResponseMessage none = await anonymous.PostAsync("/events", Json(Event("ann")));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("X-Api-Key", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/customers/ann")).StatusCode);

        anonymous.DefaultRequestHeaders.Add("X-Api-Key", ApiKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/customers/ann")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/events", Json(Event("ann")))).StatusCode);
    });

    [Fact]
    public void Create_NoApiKeyOrAShortOne_RefusesToStart_Issue21()
    {
        var e = Assert.Throws<InvalidOperationException>(() => WebApiApp.Create([], b => b.Configuration["JourneyKit:Database"] = "unused.db"));
        Assert.Contains("JourneyKit:ApiKeys:0", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => WebApiApp.Create([], b => b.Configuration["JourneyKit:ApiKeys:0"] = "short"));
    }

    [Fact]
    public Task PostEvents_NotApplicationJson_415NothingStored_Issue21() => WithApp(async (client, app) =>
    {
        // text/plain and form posts are "simple" requests a browser page may send cross-site without a preflight
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/events", new StringContent(Event("ann"), Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/events", new FormUrlEncodedContent([new("customerId", "ann")]))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/events", new StringContent(Event("ann"), Encoding.Latin1, "application/json"))).StatusCode);
        var none = new ByteArrayContent(Encoding.UTF8.GetBytes(Event("ann")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/events", none)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/customers/ann")).StatusCode);
    });

    [Fact]
    public Task PostEvents_BodyOverTheLimit_413_Issue21() => WithApp(
        async (client, app) =>
        {
            // each request on its own connection: the server closes a connection after refusing a body it did not read,
            // and a pooled connection closed that way would fail the next request sent on it (a client-side race)
            HttpClient Fresh()
            {
                var fresh = new HttpClient { BaseAddress = client.BaseAddress };
                fresh.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
                return fresh;
            }

            string big = "[" + string.Join(",", Enumerable.Range(0, 100).Select(i => Event($"c{i}"))) + "]"; // ~9 KB > 4 KB
            using (HttpClient c = Fresh())
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await c.PostAsync("/events", Json(big))).StatusCode);
            }

            // chunked (no Content-Length): Kestrel stops the read at the limit, still 413, never 500
            using (HttpClient c = Fresh())
            {
                var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
                chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = chunked };
                request.Headers.TransferEncodingChunked = true;
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await c.SendAsync(request)).StatusCode);
            }

            using (HttpClient c = Fresh())
            {
                Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/events", Json(Event("small")))).StatusCode);
            }
        },
        new() { ["JourneyKit:Limits:MaxRequestBodyBytes"] = "4096" });

    [Fact]
    public Task PostEvents_InvalidText_400NeverA500_Issue21() => WithApp(async (client, app) =>
    {
        byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
        byte[] WithBytes(string before, byte[] bad, string after) => [.. Utf8(before), .. bad, .. Utf8(after)];
        byte[][] bodies =
        [
            Utf8("""{"customerId":"\ud800","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z"}"""), // lone high surrogate
            Utf8("""{"customerId":"ann","touchpoint":"\udc00x","timestamp":"2026-03-02T09:00:00Z"}"""),             // lone low surrogate
            WithBytes("{\"customerId\":\"a", [0xC3, 0x28], "\",\"touchpoint\":\"application.start\",\"timestamp\":\"2026-03-02T09:00:00Z\"}"), // invalid UTF-8 in a value
            WithBytes("{\"customerId\":\"ann\",\"touchpoint\":\"application.start\",\"timestamp\":\"2026-03-02T09:00:00Z\",\"attributes\":{\"k", [0xFF], "\":\"v\"}}"), // in a key
            WithBytes("{\"customerId\":\"ann\",\"touchpoint\":\"application.start\",\"timestamp\":\"2026-03-02T09:00:00Z\",\"x", [0xED, 0xA0, 0x80], "\":1}"), // encoded surrogate in a name
            Utf8("""{"customerId":"ann","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z","attributes":{"k":"\ud83d"}}"""),
            Utf8("[{\"customerId\":\"ann"),  // truncated
            Utf8("""{"customerId":"ann",}"""), // trailing comma
            [],                               // empty
            Utf8(new string('[', 100_000)),   // nesting past the reader's depth
        ];
        foreach (byte[] body in bodies)
        {
            HttpResponseMessage response = await client.PostAsync("/events", JsonBytes(body));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode} for {Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 80)))}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/customers/ann")).StatusCode);
    });

    /// <summary>Before: ids with '/', '.' or '..' were stored but could never be read back through /customers/{id}.</summary>
    [Fact]
    public Task PostEvents_IdsTheRoutesCannotAddress_400_OthersRoundTrip_Issue21() => WithApp(async (client, app) =>
    {
        foreach (string id in new[] { "a/b", "/", ".", "..", "a\\b", "tab\there", "nul\0", new string('x', 257) })
        {
            HttpResponseMessage response = await client.PostAsync("/events", Json(Event(id)));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("$.customerId", out _), id);
        }

        // what the routes can address is accepted and read back with the id percent-encoded
        foreach (string id in new[] { "...", ".a", "a.", "ann smith", "ünï©ødé-😀", "100%", "q?x=1#f", "a+b", "a:b@c" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/events", Json(Event(id)))).StatusCode);
            HttpResponseMessage read = await client.GetAsync("/customers/" + Uri.EscapeDataString(id));
            Assert.True(read.StatusCode == HttpStatusCode.OK, id);
            using JsonDocument customer = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
            Assert.Equal(id, customer.RootElement.GetProperty("customerId").GetString());
        }
    });

    [Fact]
    public Task PostEvents_FieldLimits_400WithPath_Issue21() => WithApp(async (client, app) =>
    {
        string attributes(int count, int keyLength, int valueLength) => JsonSerializer.Serialize(Enumerable.Range(0, count).ToDictionary(i => $"{i}".PadLeft(keyLength, 'k'), _ => new string('v', valueLength)));
        (string Body, string Path)[] cases =
        [
            ($$"""{"customerId":"ann","touchpoint":"{{new string('t', 257)}}","timestamp":"2026-03-02T09:00:00Z"}""", "$.touchpoint"),
            ($$"""{"customerId":"ann","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z","eventId":"{{new string('e', 257)}}"}""", "$.eventId"),
            ($$"""{"customerId":"ann","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z","attributes":{{attributes(33, 2, 1)}}}""", "$.attributes"),
            ($$"""{"customerId":"ann","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z","attributes":{{attributes(1, 65, 1)}}}""", "$.attributes." + new string('k', 64) + "…"),
            ($$$"""{"customerId":"ann","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z","attributes":{"k":"{{{new string('v', 1025)}}}"}}""", "$.attributes.k"),
            ($$"""{"customerId":"ann","touchpoint":"application.start","timestamp":"{{new string('9', 100)}}"}""", "$.timestamp"),
        ];
        foreach ((string body, string path) in cases)
        {
            HttpResponseMessage response = await client.PostAsync("/events", Json(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(path, out _), $"{path} in {problem.RootElement}");
        }

        // distinct keys per request: 300 events with their own key each, over the 256 cap
        string many = "[" + string.Join(",", Enumerable.Range(0, 300).Select(i => $$$"""{"customerId":"c{{{i}}}","touchpoint":"application.start","timestamp":"2026-03-02T09:00:00Z","attributes":{"key{{{i}}}":"v"}}""")) + "]";
        HttpResponseMessage keys = await client.PostAsync("/events", Json(many));
        Assert.Equal(HttpStatusCode.BadRequest, keys.StatusCode);
        Assert.Contains("distinct attribute keys", await keys.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    });

    [Fact]
    public Task Requests_OverTheRateLimit_429WithRetryAfter_Issue21() => WithApp(
        async (client, app) =>
        {
            var codes = new List<HttpStatusCode>();
            for (int i = 0; i < 8; i++)
            {
                codes.Add((await client.GetAsync("/stats")).StatusCode);
            }

            // 5 permits per (one-hour) window for the key: the 6th request on is refused
            Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], codes);
            HttpResponseMessage refused = await client.GetAsync("/stats");
            Assert.Equal("3600", refused.Headers.RetryAfter?.ToString());
        },
        new() { ["JourneyKit:Limits:RequestsPerWindow"] = "5", ["JourneyKit:Limits:RateLimitWindow"] = "01:00:00" });

    [Fact]
    public Task DeleteCustomer_ErasesEventsStateAndStats_Issue21() => WithApp(async (client, app) =>
    {
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        object[] events =
        [
            new { customerId = "ada", touchpoint = "application.start", timestamp = now.AddHours(-3), eventId = "1" },
            new { customerId = "ada", touchpoint = "id.upload", timestamp = now.AddHours(-2), eventId = "2" },
            new { customerId = "bob", touchpoint = "application.start", timestamp = now.AddHours(-1), eventId = "1" },
        ];
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/events", events)).StatusCode);

        HttpResponseMessage erased = await client.DeleteAsync("/customers/ada");
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await erased.Content.ReadAsStringAsync());
        Assert.Equal((2, 1), (result.RootElement.GetProperty("erasedEvents").GetInt32(), result.RootElement.GetProperty("erasedStates").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/customers/ada")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/customers/ada")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync("/customers/..%2E")).StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound ? HttpStatusCode.BadRequest : HttpStatusCode.InternalServerError);

        using JsonDocument stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        Assert.Equal((1, 1L), (stats.RootElement.GetProperty("customers").GetInt32(), stats.RootElement.GetProperty("events").GetInt64()));
        Assert.Empty(await app.Services.GetRequiredService<JourneyEngine>().Store.Events.ReadAsync("ada"));
    });

    [Fact]
    public async Task Start_DatabaseDirectoryMissing_FailsAtStartupNamingTheFile_Issue21()
    {
        string database = Path.Combine(TestTemp.Root, $"jk-nodir-{Guid.NewGuid():N}", "web.db");
        WebApplication app = WebApiApp.Create(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["JourneyKit:Database"] = database;
            b.Configuration["JourneyKit:ApiKeys:0"] = ApiKey;
        });
        await using (app)
        {
            var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains(database, e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Before: every /stats read all events and evaluated every customer. Now it is kept from the engine's saves; the old
    /// computation (read the log, evaluate, judge as of now) is the reference, at three instants of a fake clock, and
    /// after a restart (the stats are read back from the stored states).
    /// </summary>
    [Fact]
    public async Task Stats_Incremental_EqualFullEvaluation_AtSeveralInstantsAndAfterRestart_Issue21()
    {
        Model.Journey journey = JourneyJson.LoadFile(Path.Combine(AppContext.BaseDirectory, "data", "retail-bank-account-opening.journey.json"));
        EventBatch generated = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = 300, Seed = 11, DuplicateProbability = 0, OutOfOrderProbability = 0 }).GenerateBatch();
        var events = new List<JourneyEvent>(generated.Count);
        long last = 0;
        for (int i = 0; i < generated.Count; i++)
        {
            events.Add(generated.GetEvent(i));
            last = Math.Max(last, generated.GetEvent(i).TimestampTicks);
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(last, TimeSpan.Zero).AddHours(1));
        var settings = new Dictionary<string, string?> { ["JourneyKit:TickInterval"] = "1.00:00:00" }; // the fake clock fires every tick it passes
        (WebApplication app, HttpClient client, string db) = await StartAsync(settings, clock);
        try
        {
            foreach (JourneyEvent[] chunk in events.Chunk(500))
            {
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/events", JsonBytes(Serialize(chunk)))).StatusCode);
            }

            await AssertStatsAsync(app, client);
            clock.Advance(TimeSpan.FromDays(3)); // some in progress become stuck
            await AssertStatsAsync(app, client);
            clock.Advance(TimeSpan.FromDays(20)); // open ones go dormant
            await AssertStatsAsync(app, client);

            await StopAsync(app, client, db, delete: false);
            (app, client, _) = await StartAsync(settings, clock, db);
            await AssertStatsAsync(app, client);
        }
        finally
        {
            await StopAsync(app, client, db);
        }
    }

    private static async Task AssertStatsAsync(WebApplication app, HttpClient client)
    {
        JourneyEngine engine = app.Services.GetRequiredService<JourneyEngine>();
        ScoringModel scoring = app.Services.GetRequiredService<ScoringModel>();
        DateTimeOffset now = engine.TimeProvider.GetUtcNow();
        EventBatch batch = (await engine.Store.Events.ReadBatchAsync()).Until(now);
        IReadOnlyList<JourneyInstance> instances = engine.Evaluator.Evaluate(batch);
        var states = new Dictionary<string, int>(StringComparer.Ordinal) { ["inProgress"] = 0, ["stuck"] = 0, ["dormant"] = 0, ["converted"] = 0, ["failed"] = 0 };
        var byStage = new int[engine.Journey.Stages.Length];
        var stuckByStage = new int[byStage.Length];
        double scoreSum = 0;
        foreach (JourneyInstance instance in instances)
        {
            JourneyStatus status = engine.Evaluator.GetStatus(instance, now);
            string name = status.State switch
            {
                LifecycleState.InProgress => "inProgress",
                LifecycleState.Stuck => "stuck",
                LifecycleState.Dormant => "dormant",
                LifecycleState.Converted => "converted",
                _ => "failed",
            };
            states[name]++;
            if (instance.CurrentStage >= 0)
            {
                byStage[instance.CurrentStage]++;
                stuckByStage[instance.CurrentStage] += status.IsStuck ? 1 : 0;
            }

            scoreSum += scoring.Score(engine.Evaluator, instance, new DateTimeOffset(instance.LastEventTicks, TimeSpan.Zero)).Value;
        }

        using JsonDocument stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        JsonElement root = stats.RootElement;
        Assert.Equal(batch.Count, root.GetProperty("events").GetInt32());
        Assert.Equal(instances.Count, root.GetProperty("customers").GetInt32());
        Assert.Equal(states, root.GetProperty("states").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal));
        Assert.Equal(byStage, root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("customers").GetInt32()));
        Assert.Equal(stuckByStage, root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stuck").GetInt32()));
        Assert.Equal(Math.Round(scoreSum / instances.Count, 1), root.GetProperty("meanScore").GetDouble(), 1);
        Assert.Contains(states.Values, v => v > 0);
    }
}
