using System.Diagnostics;
using System.Net;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Orchestration;
using JourneyKit.Orleans;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;

// Two Orleans silos on localhost (development clustering: silo 1 is the primary), each with its own SQLite store object
// over one shared file (as two machines would share a database), running the bundled bank journey's grains. The
// bundled events are ingested through JourneyIngestionClient in batches of 500; then the states are read back.
string root = args.Length > 0 ? args[0] : FindRoot();
string dataDir = Path.Combine(root, "samples", "data");
string db = Path.Combine(Path.GetTempPath(), $"journeykit-orleans-{Environment.ProcessId}.db");
Journey journey = JourneyJson.LoadFile(Path.Combine(dataDir, "retail-bank-account-opening.journey.json"));
CompiledJourney compiled = journey.Compile();
JourneyRule[] rules =
[
    .. JourneyRule.FromJourney(journey),
    JourneyRule.Create("stage-welcome").WhenEntered(null).Then("stage-welcome", Channel.Email).Build(),
];
var sent = new RecordingInterventionDispatcher();

IHost Silo(int index)
{
    HostApplicationBuilder builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(siloPort: 11111 + index, gatewayPort: 30000 + index, primarySiloEndpoint: new IPEndPoint(IPAddress.Loopback, 11111));
        silo.UseInMemoryReminderService(); // development only: use a durable reminder provider (e.g. ADO.NET) in production
        silo.Services.AddJourneyGrains(new JourneyGrainRuntime([JourneyStep.Create(compiled, rules)], new SqliteJourneyStore(db), sent));
    });
    return builder.Build();
}

using IHost silo1 = Silo(0), silo2 = Silo(1);
await silo1.StartAsync();
await silo2.StartAsync();
try
{
    var store = new SqliteJourneyStore(db);
    var client = new JourneyIngestionClient(silo1.Services.GetRequiredService<IGrainFactory>(), store, journey.Id);
    EventBatch batch = EventFile.Read(Path.Combine(dataDir, "retail-bank-account-opening.events.csv")).Batch;
    var events = new List<JourneyEvent>(batch.Count);
    for (int i = 0; i < batch.Count; i++)
    {
        events.Add(batch.GetEvent(i));
    }

    var watch = Stopwatch.StartNew();
    int customers = 0;
    for (int i = 0; i < events.Count; i += 500)
    {
        IngestResult r = await client.IngestBatchAsync([.. events.Skip(i).Take(500)]);
        customers += r.Customers;
    }

    Console.WriteLine($"ingested {events.Count} events through 2 silos in {watch.Elapsed.TotalSeconds:0.0} s ({events.Count / watch.Elapsed.TotalSeconds:0} events/s)");
    CustomerState? first = await client.GetStateAsync(events[0].CustomerId);
    Console.WriteLine($"customer {events[0].CustomerId}: {first?.Instance.EventCount} events, stage '{(first?.Instance.CurrentStage is int s && s >= 0 ? compiled.Stages[s].Id : "-")}'");
    Console.WriteLine($"interventions delivered: {sent.Delivered.Count} (distinct idempotency keys)");
}
finally
{
    await silo2.StopAsync();
    await silo1.StopAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (string f in new[] { db, db + "-wal", db + "-shm" })
    {
        File.Delete(f);
    }
}

static string FindRoot()
{
    string? dir = AppContext.BaseDirectory;
    while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
    {
        dir = Path.GetDirectoryName(dir);
    }

    return dir ?? Directory.GetCurrentDirectory();
}
