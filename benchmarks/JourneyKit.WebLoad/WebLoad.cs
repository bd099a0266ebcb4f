using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model.Json;
using JourneyKit.Orchestration;
using JourneyKit.Samples.WebApi;
using JourneyKit.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JourneyKit.WebLoad;

/// <summary>What to run.</summary>
public sealed class WebLoadOptions
{
    /// <summary>Gets or sets the valid events posted (generated, time order, customers interleaved).</summary>
    public int Events { get; set; } = 100_000;

    /// <summary>Gets or sets the events per request.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Gets or sets the concurrent clients.</summary>
    public int Clients { get; set; } = 4;

    /// <summary>Gets or sets the chance, after each valid request, that the client also sends a hostile one.</summary>
    public double HostileRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the rounds: round 2 on re-posts the same events (all duplicates), to see memory settle.</summary>
    public int Rounds { get; set; } = 1;

    /// <summary>Gets or sets a bound on the whole run.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the random seed (events and hostile mix).</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Gets or sets the SQLite file; null: a temporary file, deleted after.</summary>
    public string? Database { get; set; }
}

/// <summary>One round's measurements.</summary>
/// <param name="Round">The round, from 1.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="ValidRequests">Valid POST /events requests.</param>
/// <param name="EventsPerSecond">Valid events per second of wall time.</param>
/// <param name="P50Ms">Median latency of a valid POST.</param>
/// <param name="P99Ms">99th percentile latency of a valid POST.</param>
/// <param name="MaxMs">Slowest valid POST.</param>
/// <param name="ManagedHeapMb">Managed heap after a full GC at the end of the round.</param>
/// <param name="WorkingSetMb">The process working set at the end of the round.</param>
/// <param name="CpuSeconds">CPU time the process used in the round (server and load clients: they share the process).</param>
public sealed record WebLoadRound(int Round, double Seconds, int ValidRequests, double EventsPerSecond, double P50Ms, double P99Ms, double MaxMs, double ManagedHeapMb, double WorkingSetMb, double CpuSeconds)
{
    /// <summary>Gets the CPU microseconds per valid event (server and clients together).</summary>
    public double CpuMicrosecondsPerEvent => CpuSeconds * 1e6 / (ValidRequests == 0 ? 1 : EventsPerSecond * Seconds);
}

/// <summary>The run's result.</summary>
/// <param name="Rounds">Per round.</param>
/// <param name="StatusCounts">Responses by (kind, status).</param>
/// <param name="ServerErrors">Responses with a 5xx status (must be 0).</param>
/// <param name="UnexpectedStatuses">Responses whose status was not the one expected for their kind.</param>
/// <param name="StoredEvents">Events in the store after the run.</param>
/// <param name="ExpectedEvents">Distinct valid events posted.</param>
/// <param name="StatsEvents">Events /stats reports.</param>
/// <param name="CustomersChecked">Customers whose stored events were compared one by one with what was posted.</param>
/// <param name="CustomerMismatches">Of those, customers whose stored events differ.</param>
public sealed record WebLoadResult(IReadOnlyList<WebLoadRound> Rounds, IReadOnlyDictionary<string, int> StatusCounts, int ServerErrors, int UnexpectedStatuses, long StoredEvents, int ExpectedEvents, long StatsEvents, int CustomersChecked, int CustomerMismatches);

/// <summary>
/// Runs the web sample in-process with Kestrel on 127.0.0.1 (random port), posts generated events in batches from
/// several clients over loopback with hostile requests mixed in, and checks the answers, memory and data.
/// </summary>
public static class WebLoadRun
{
    private const string Key = "load-test-key-0123456789";

    /// <summary>The hostile requests and the status each must get.</summary>
    private static readonly (string Kind, HttpStatusCode Expected, Func<HttpClient, Task<HttpResponseMessage>> Send)[] Hostile =
    [
        ("no-key", HttpStatusCode.Unauthorized, c => Send(c, HttpMethod.Post, "/events", Body("""{"customerId":"x","touchpoint":"application.start","timestamp":"2026-01-01T00:00:00Z"}"""), key: false)),
        ("wrong-key", HttpStatusCode.Unauthorized, c => Send(c, HttpMethod.Get, "/stats", null, key: false, otherKey: true)),
        ("text-plain", HttpStatusCode.UnsupportedMediaType, c => Send(c, HttpMethod.Post, "/events", Body("""{"customerId":"x"}""", "text/plain"))),
        ("invalid-utf8", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Bytes([.. "{\"customerId\":\"a"u8, 0xC3, 0x28, .. "\",\"touchpoint\":\"application.start\",\"timestamp\":\"2026-01-01T00:00:00Z\"}"u8]))),
        ("lone-surrogate", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body("""{"customerId":"\ud800","touchpoint":"application.start","timestamp":"2026-01-01T00:00:00Z"}"""))),
        ("malformed", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body("""[{"customerId":"x","""))),
        ("slash-id", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body("""{"customerId":"a/b","touchpoint":"application.start","timestamp":"2026-01-01T00:00:00Z"}"""))),
        ("dot-dot-id", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body("""{"customerId":"..","touchpoint":"application.start","timestamp":"2026-01-01T00:00:00Z"}"""))),
        ("many-keys", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body("{\"customerId\":\"x\",\"touchpoint\":\"application.start\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"attributes\":{" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":\"v\"")) + "}}"))),
        ("huge-key", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body("{\"customerId\":\"x\",\"touchpoint\":\"application.start\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"attributes\":{\"" + new string('k', 1_000_000) + "\":\"v\"}}"))),
        ("too-large", HttpStatusCode.RequestEntityTooLarge, c => Send(c, HttpMethod.Post, "/events", Body("[" + new string(' ', (4 * 1024 * 1024) + 1024) + "]"))),
        ("deep", HttpStatusCode.BadRequest, c => Send(c, HttpMethod.Post, "/events", Body(new string('[', 10_000)))),
        ("erase-unknown", HttpStatusCode.NotFound, c => Send(c, HttpMethod.Delete, "/customers/nobody-" + Guid.NewGuid().ToString("N"), null)),
        ("read-dot-dot", HttpStatusCode.NotFound, c => Send(c, HttpMethod.Get, "/customers/%2E%2E%2Fstats", null)),
    ];

    /// <summary>Runs.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="log">Progress lines.</param>
    /// <returns>The measurements and checks.</returns>
    public static async Task<WebLoadResult> RunAsync(WebLoadOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        string journeyPath = Path.Combine(AppContext.BaseDirectory, "data", "retail-bank-account-opening.journey.json");
        Model.Journey journey = JourneyJson.LoadFile(journeyPath);
        EventBatch generated = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = Math.Max(10, options.Events / 4), Seed = (ulong)options.Seed, DuplicateProbability = 0, OutOfOrderProbability = 0 }).GenerateBatch();
        var events = new List<JourneyEvent>(options.Events);
        for (int i = 0; i < generated.Count && events.Count < options.Events; i++)
        {
            JourneyEvent e = generated.GetEvent(i);
            events.Add(e.EventId is null ? e with { EventId = $"e{i}" } : e);
        }

        events.Sort((a, b) => a.TimestampTicks.CompareTo(b.TimestampTicks)); // arrival in time order, customers interleaved
        byte[][] bodies = [.. events.Chunk(options.BatchSize).Select(c => EventsJson.Serialize(c))];

        string database = options.Database ?? Path.Combine(Path.GetTempPath(), $"jk-webload-{Guid.NewGuid():N}.db");
        WebApplication app = WebApiApp.Create(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["JourneyKit:Database"] = database;
            b.Configuration["JourneyKit:ApiKeys:0"] = Key;
            b.Configuration["JourneyKit:Limits:RequestsPerWindow"] = "1000000";
            b.Configuration["JourneyKit:Limits:AnonymousRequestsPerWindow"] = "1000000";
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int serverErrors = 0, unexpected = 0;
        var rounds = new List<WebLoadRound>();
        try
        {
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };

            // hostile requests on their own connections: the server closes a connection after refusing a body it did
            // not read (413), and a pooled connection closed that way would fail the next valid request on it
            using var hostileClient = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
            using var deadline = new CancellationTokenSource(options.Deadline);
            for (int round = 1; round <= options.Rounds; round++)
            {
                var latencies = new double[bodies.Length];
                int next = -1;
                TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
                {
                    var random = new Random(options.Seed * 1000 + c * 10 + round);
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < bodies.Length && !deadline.IsCancellationRequested)
                    {
                        long start = Stopwatch.GetTimestamp();
                        using (HttpResponseMessage response = await Send(client, HttpMethod.Post, "/events", Bytes(bodies[i])))
                        {
                            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                            Count("valid-post", response.StatusCode, HttpStatusCode.OK);
                        }

                        if (random.NextDouble() < options.HostileRatio)
                        {
                            var (kind, expected, send) = Hostile[random.Next(Hostile.Length)];
                            try
                            {
                                using HttpResponseMessage response = await send(hostileClient);
                                Count(kind, response.StatusCode, expected);
                            }
                            catch (HttpRequestException)
                            {
                                // the server answered (413) and closed the connection before the client finished sending,
                                // or a connection it closed that way was picked from the hostile pool
                                counts.AddOrUpdate($"{kind} closed", 1, (_, n) => n + 1);
                            }
                        }

                        if (i % 20 == 0)
                        {
                            using HttpResponseMessage stats = await Send(client, HttpMethod.Get, "/stats", null);
                            Count("stats", stats.StatusCode, HttpStatusCode.OK);
                        }
                    }
                })));
                wall.Stop();
                double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                Array.Sort(latencies);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                double heap = GC.GetTotalMemory(true) / 1048576.0;
                double workingSet = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
                var r = new WebLoadRound(round, wall.Elapsed.TotalSeconds, bodies.Length, events.Count / wall.Elapsed.TotalSeconds, latencies[latencies.Length / 2], latencies[(int)Math.Ceiling(latencies.Length * 0.99) - 1], latencies[^1], heap, workingSet, cpu);
                rounds.Add(r);
                log.WriteLine(string.Format(CultureInfo.InvariantCulture, "round {0}: {1} events in {2} requests of {3}, {4} clients: {5:0.0} s, {6:0} events/s, p50 {7:0} ms, p99 {8:0} ms, max {9:0} ms; CPU {12:0.0} s = {13:0} µs/event; heap {10:0} MB, working set {11:0} MB; load average {14}", round, events.Count, bodies.Length, options.BatchSize, options.Clients, r.Seconds, r.EventsPerSecond, r.P50Ms, r.P99Ms, r.MaxMs, r.ManagedHeapMb, r.WorkingSetMb, r.CpuSeconds, r.CpuMicrosecondsPerEvent, LoadAverage()));
            }

            // data intact: every distinct event stored once, stats agree, a sample of customers event by event
            JourneyEngine engine = app.Services.GetRequiredService<JourneyEngine>();
            long stored = await engine.Store.Events.CountAsync();
            using JsonDocument statsDoc = JsonDocument.Parse(await (await Send(client, HttpMethod.Get, "/stats", null)).Content.ReadAsStringAsync());
            long statsEvents = statsDoc.RootElement.GetProperty("events").GetInt64();
            var byCustomer = events.GroupBy(e => e.CustomerId, StringComparer.Ordinal).Take(200).ToList();
            int mismatches = 0;
            foreach (IGrouping<string, JourneyEvent> customer in byCustomer)
            {
                IReadOnlyList<JourneyEvent> read = await engine.Store.Events.ReadAsync(customer.Key);
                string[] want = [.. customer.OrderBy(e => e.TimestampTicks).Select(e => $"{e.EventId}|{e.Touchpoint}|{e.TimestampTicks}")];
                string[] got = [.. read.Select(e => $"{e.EventId}|{e.Touchpoint}|{e.TimestampTicks}")];
                mismatches += want.SequenceEqual(got) ? 0 : 1;
            }

            return new WebLoadResult(rounds, new Dictionary<string, int>(counts, StringComparer.Ordinal), serverErrors, unexpected, stored, events.Count, statsEvents, byCustomer.Count, mismatches);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            if (options.Database is null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (string f in new[] { database, database + "-wal", database + "-shm" })
                {
                    File.Delete(f);
                }
            }
        }

        void Count(string kind, HttpStatusCode status, HttpStatusCode expected)
        {
            counts.AddOrUpdate($"{kind} {(int)status}", 1, (_, n) => n + 1);
            if ((int)status >= 500)
            {
                Interlocked.Increment(ref serverErrors);
            }

            if (status != expected)
            {
                Interlocked.Increment(ref unexpected);
            }
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static HttpContent Body(string text, string mediaType = "application/json") => new StringContent(text, Encoding.UTF8, mediaType);

    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, HttpContent? content, bool key = true, bool otherKey = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key || otherKey)
        {
            request.Headers.Add("X-Api-Key", otherKey ? Key + "-not" : Key);
        }

        return client.SendAsync(request);
    }
}
