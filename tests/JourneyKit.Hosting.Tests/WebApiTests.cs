using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model.Json;
using JourneyKit.Samples.WebApi;
using JourneyKit.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace JourneyKit.Hosting.Tests;

/// <summary>The web sample, started in-process with Kestrel on a random 127.0.0.1 port, called over loopback.</summary>
public sealed class WebApiTests
{
    internal const string ApiKey = "test-key-0123456789abcdef";

    internal static async Task<(WebApplication App, HttpClient Client, string Database)> StartAsync(Dictionary<string, string?>? settings = null, TimeProvider? clock = null, string? database = null)
    {
        database ??= Path.Combine(TestTemp.Root, $"jk-webapi-{Guid.NewGuid():N}.db");
        WebApplication app = WebApiApp.Create(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["JourneyKit:Database"] = database;
            b.Configuration["JourneyKit:ApiKeys:0"] = ApiKey;
            foreach ((string key, string? value) in settings ?? [])
            {
                b.Configuration[key] = value;
            }

            if (clock is not null)
            {
                b.Services.AddSingleton(clock);
            }

            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return (app, client, database);
    }

    internal static async Task StopAsync(WebApplication app, HttpClient client, string database, bool delete = true)
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (!delete)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string f in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(f);
        }
    }

    [Fact]
    public async Task PostEvents_InvalidBody_400ProblemDetailsWithEveryProblemAndPath()
    {
        (WebApplication app, HttpClient client, string db) = await StartAsync();
        try
        {
            string body = """[{"customerId":"c1","touchpoint":"application.start","timestamp":"2026-01-24T08:08:23Z"},{"customerId":"","timestamp":"yesterday","colour":"red","value":"x"}]""";
            HttpResponseMessage response = await client.PostAsync("/events", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            string[] paths = [.. problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
            Assert.Equal(["$[1].colour", "$[1].customerId", "$[1].timestamp", "$[1].touchpoint", "$[1].value"], paths);

            HttpResponseMessage malformed = await client.PostAsync("/events", new StringContent("{\"customerId\": ", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("line 1", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // nothing of the invalid batch was stored
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/customers/c1")).StatusCode);
        }
        finally
        {
            await StopAsync(app, client, db);
        }
    }

    [Fact]
    public async Task PostEvents_ThenGetCustomerAndStats_ShowsStateScoreAndInterventions()
    {
        (WebApplication app, HttpClient client, string db) = await StartAsync();
        try
        {
            DateTimeOffset now = TimeProvider.System.GetUtcNow();
            object[] events =
            [
                new { customerId = "ada", touchpoint = "application.start", timestamp = now.AddHours(-3), eventId = "a1" },
                new { customerId = "ada", touchpoint = "id.upload", timestamp = now.AddHours(-2), eventId = "a2", channel = "mobile" },
                new { customerId = "ada", touchpoint = "id.verify.branch", timestamp = now.AddHours(-1), eventId = "a3", channel = "branch" },
            ];
            HttpResponseMessage post = await client.PostAsJsonAsync("/events", events);
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            using JsonDocument result = JsonDocument.Parse(await post.Content.ReadAsStringAsync());
            Assert.Equal(3, result.RootElement.GetProperty("appended").GetInt32());

            // id.upload .* id.verify.branch is the negative moment "branch-verification": rule rescue-negative-moment fires
            Assert.Equal(1, result.RootElement.GetProperty("interventionsFired").GetInt32());
            HttpResponseMessage again = await client.PostAsJsonAsync("/events", events);
            using JsonDocument second = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
            Assert.Equal((0, 3, 0), (second.RootElement.GetProperty("appended").GetInt32(), second.RootElement.GetProperty("duplicates").GetInt32(), second.RootElement.GetProperty("interventionsFired").GetInt32()));

            using JsonDocument customer = JsonDocument.Parse(await client.GetStringAsync("/customers/ada"));
            Assert.Equal("verify", customer.RootElement.GetProperty("stage").GetString());
            Assert.Equal(3, customer.RootElement.GetProperty("events").GetInt32());
            Assert.Equal("in_progress", customer.RootElement.GetProperty("state").GetString());
            double score = customer.RootElement.GetProperty("score").GetDouble();
            Assert.InRange(score, 0, 100);
            Assert.Equal("branch-verification", customer.RootElement.GetProperty("momentsOfTruth")[0].GetProperty("id").GetString());

            // queued (202) instead of waiting: ingested by the hosted service
            HttpResponseMessage queued = await client.PostAsJsonAsync("/events?wait=false", new { customerId = "bob", touchpoint = "application.start", timestamp = now.AddHours(-1), eventId = "b1" });
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            HttpResponseMessage bob = await client.GetAsync("/customers/bob");
            for (int i = 0; i < 500 && bob.StatusCode == HttpStatusCode.NotFound; i++)
            {
                await Task.Delay(10);
                bob = await client.GetAsync("/customers/bob");
            }

            Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

            using JsonDocument stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
            Assert.Equal(2, stats.RootElement.GetProperty("customers").GetInt32());
            JsonElement states = stats.RootElement.GetProperty("states");
            Assert.Equal(2, states.EnumerateObject().Sum(p => p.Value.GetInt32())); // exclusive states add up to the customers
            Assert.Equal(4, stats.RootElement.GetProperty("events").GetInt32());
            Assert.Equal(1, stats.RootElement.GetProperty("interventions").GetProperty("dispatched").GetInt64());
            JsonElement verify = stats.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "verify");
            Assert.Equal(1, verify.GetProperty("customers").GetInt32());
        }
        finally
        {
            await StopAsync(app, client, db);
        }
    }

    /// <summary>Two customers whose systems both number events from 1 are two customers with their own events; a
    /// repeated (customer, event id) is a duplicate (issue 14).</summary>
    [Fact]
    public async Task PostEvents_SameEventIdForTwoCustomers_BothStored_Issue14()
    {
        (WebApplication app, HttpClient client, string db) = await StartAsync();
        try
        {
            DateTimeOffset now = TimeProvider.System.GetUtcNow();
            HttpResponseMessage post = await client.PostAsJsonAsync("/events", new object[]
            {
                new { customerId = "ann", touchpoint = "application.start", timestamp = now.AddHours(-2), eventId = "1" },
                new { customerId = "bob", touchpoint = "application.start", timestamp = now.AddHours(-2), eventId = "1" },
            });
            using JsonDocument first = JsonDocument.Parse(await post.Content.ReadAsStringAsync());
            Assert.Equal((2, 0, 2), (first.RootElement.GetProperty("appended").GetInt32(), first.RootElement.GetProperty("duplicates").GetInt32(), first.RootElement.GetProperty("customers").GetInt32()));

            // bob's second "1" is bob's duplicate; ann's "2" is new.
            HttpResponseMessage again = await client.PostAsJsonAsync("/events", new object[]
            {
                new { customerId = "bob", touchpoint = "id.upload", timestamp = now.AddHours(-1), eventId = "1" },
                new { customerId = "ann", touchpoint = "id.upload", timestamp = now.AddHours(-1), eventId = "2" },
            });
            using JsonDocument second = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
            Assert.Equal((1, 1), (second.RootElement.GetProperty("appended").GetInt32(), second.RootElement.GetProperty("duplicates").GetInt32()));

            using JsonDocument ann = JsonDocument.Parse(await client.GetStringAsync("/customers/ann"));
            using JsonDocument bob = JsonDocument.Parse(await client.GetStringAsync("/customers/bob"));
            Assert.Equal(2, ann.RootElement.GetProperty("events").GetInt32());
            Assert.Equal(1, bob.RootElement.GetProperty("events").GetInt32());
            using JsonDocument stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
            Assert.Equal((2, 3), (stats.RootElement.GetProperty("customers").GetInt32(), stats.RootElement.GetProperty("events").GetInt32()));
        }
        finally
        {
            await StopAsync(app, client, db);
        }
    }

    /// <summary>The body of <c>POST /events</c> (one writer with the load run: <see cref="JourneyKit.WebLoad.EventsJson"/>).</summary>
    internal static byte[] Serialize(JourneyEvent[] events) => JourneyKit.WebLoad.EventsJson.Serialize(events);
}
