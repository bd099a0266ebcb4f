using System.Diagnostics;
using System.Globalization;
using System.Net;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Orchestration;
using JourneyKit.Orleans;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using JourneyKit.Storage.PostgreSql;
using JourneyKit.Storage.Sqlite;
using JourneyKit.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

// Orleans silos on localhost running the bundled bank journey's grains.
//
//   dotnet run --project samples/JourneyKit.Samples.Orleans                          # two silos, development clustering, SQLite
//   dotnet run --project samples/JourneyKit.Samples.Orleans -- --postgres "Host=…"   # two silos, ADO.NET clustering + PostgreSQL store
//   dotnet run -c Release --project samples/JourneyKit.Samples.Orleans -- load --silos 1 --postgres "Host=…"   # the load tool
//
// Without --postgres: development clustering (silo 1 is the primary) and one SQLite file shared by the silos' stores (as
// two machines would share a database). With --postgres: the silos find each other through Orleans' ADO.NET clustering
// in that PostgreSQL database (Orleans' own tables: see docs/orleans.md), and JourneyKit's state lives in the
// PostgreSQL store in the same database. "load" sends synthetic events in 500-event batches from several senders at
// once and prints events/s and the latency percentiles per batch (benchmarks/results/orleans-load.md).
var options = SampleOptions.Parse(args);
Journey journey = JourneyJson.LoadFile(Path.Combine(options.Root, "samples", "data", "retail-bank-account-opening.journey.json"));
CompiledJourney compiled = journey.Compile();
JourneyRule[] rules =
[
    .. journey.Rules,
    JourneyRule.Create("stage-welcome").WhenEntered(null).Then("stage-welcome", Channel.Email).Build(),
];
var sent = new RecordingInterventionDispatcher();
string run = $"journeykit-sample-{Environment.ProcessId}";
string db = Path.Combine(Path.GetTempPath(), run + ".db");
string schema = "orleans_sample_" + Environment.ProcessId;

if (options.Postgres is { } connectionString)
{
    try
    {
        await OrleansSql.EnsureAsync(connectionString, options.OrleansSqlDirectory);
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}

// Each silo's store has its own pool, as on separate machines; 30 connections each keeps the silos and the client under
// PostgreSQL's default max_connections (100).
JourneyStore NewStore() => options.Postgres is { } cs
    ? new PostgreSqlJourneyStore(new PostgreSqlStoreOptions { ConnectionString = new NpgsqlConnectionStringBuilder(cs) { MaxPoolSize = 30 }.ConnectionString, Schema = schema })
    : new SqliteJourneyStore(db);

IHost Silo(int index)
{
    HostApplicationBuilder builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.UseOrleans(silo =>
    {
        if (options.Postgres is { } cs)
        {
            // ADO.NET clustering: membership rows in Orleans' tables of that database, one cluster id per run.
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = cs;
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = run;
                o.ServiceId = "journeykit-sample";
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, 11111 + index, 30000 + index);
        }
        else
        {
            silo.UseLocalhostClustering(siloPort: 11111 + index, gatewayPort: 30000 + index, primarySiloEndpoint: new IPEndPoint(IPAddress.Loopback, 11111));
        }

        silo.UseInMemoryReminderService(); // development only: use a durable reminder provider (e.g. ADO.NET) in production
        silo.Services.AddJourneyGrains(new JourneyGrainRuntime([JourneyStep.Create(compiled, rules)], NewStore(), sent));
    });
    return builder.Build();
}

var silos = new List<IHost>();
for (int i = 0; i < options.Silos; i++)
{
    silos.Add(Silo(i));
    await silos[i].StartAsync();
}

JourneyStore store = NewStore();
try
{
    var client = new JourneyIngestionClient(silos[0].Services.GetRequiredService<IGrainFactory>(), store, journey.Id);
    string clustering = options.Postgres is null ? "development clustering, SQLite" : "ADO.NET clustering, PostgreSQL";
    if (options.Load)
    {
        await LoadAsync(client, journey, options, clustering);
    }
    else
    {
        EventBatch batch = EventFile.Read(Path.Combine(options.Root, "samples", "data", "retail-bank-account-opening.events.csv")).Batch;
        var events = new List<JourneyEvent>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            events.Add(batch.GetEvent(i));
        }

        var watch = Stopwatch.StartNew();
        for (int i = 0; i < events.Count; i += options.BatchSize)
        {
            await client.IngestBatchAsync(events.GetRange(i, Math.Min(options.BatchSize, events.Count - i)));
        }

        Console.WriteLine($"ingested {events.Count} events through {options.Silos} silo(s) ({clustering}) in {watch.Elapsed.TotalSeconds:0.0} s ({events.Count / watch.Elapsed.TotalSeconds:0} events/s)");
        CustomerState? first = await client.GetStateAsync(events[0].CustomerId);
        Console.WriteLine($"customer {events[0].CustomerId}: {first?.Instance.EventCount} events, stage '{(first?.Instance.CurrentStage is int s && s >= 0 ? compiled.Stages[s].Id : "-")}'");
        Console.WriteLine($"interventions delivered: {sent.Delivered.Count} (distinct idempotency keys)");
    }
}
finally
{
    for (int i = silos.Count - 1; i >= 0; i--)
    {
        await silos[i].StopAsync();
        silos[i].Dispose();
    }

    if (options.Postgres is { } cs)
    {
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
    else
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string f in new[] { db, db + "-wal", db + "-shm" })
        {
            File.Delete(f);
        }
    }
}

return 0;

// Synthetic customers of the bank journey, their events in time order, cut into batches; several senders take the next
// batch at once (as several front-end servers would). Reported: events/s over the whole run and per-batch latency.
static async Task LoadAsync(JourneyIngestionClient client, Journey journey, SampleOptions options, string clustering)
{
    EventBatch batch = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = options.Customers, Seed = 17 }).GenerateBatch();
    var events = new List<JourneyEvent>(batch.Count);
    for (int i = 0; i < batch.Count; i++)
    {
        events.Add(batch.GetEvent(i));
    }

    events.Sort((a, b) => a.TimestampTicks.CompareTo(b.TimestampTicks)); // stable enough: ties keep no meaning here
    var batches = new List<List<JourneyEvent>>();
    for (int i = 0; i < events.Count; i += options.BatchSize)
    {
        batches.Add(events.GetRange(i, Math.Min(options.BatchSize, events.Count - i)));
    }

    // warm-up: the first 2 % of the batches (grain activation, connection pools, JIT) are sent but not measured
    int warm = Math.Max(1, batches.Count / 50);
    for (int i = 0; i < warm; i++)
    {
        await client.IngestBatchAsync(batches[i]);
    }

    int next = warm - 1, measuredEvents = 0;
    var latencies = new List<double>();
    var gate = new Lock();
    TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    double serverBefore = CpuOf("postgres");
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(_ => Task.Run(async () =>
    {
        for (int b = Interlocked.Increment(ref next); b < batches.Count; b = Interlocked.Increment(ref next))
        {
            long started = Stopwatch.GetTimestamp();
            await client.IngestBatchAsync(batches[b]);
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (gate)
            {
                latencies.Add(ms);
                measuredEvents += batches[b].Count;
            }
        }
    })));
    double seconds = watch.Elapsed.TotalSeconds;
    double silosCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / measuredEvents * 1e6;
    double serverCpu = (CpuOf("postgres") - serverBefore) / measuredEvents * 1e6;
    latencies.Sort();
    double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {options.Silos} | {clustering} | {options.Customers:N0} customers, {measuredEvents:N0} events measured | {options.BatchSize} | {options.Senders} | {measuredEvents / seconds:N0} | {P(0.50):0} | {P(0.99):0} | {latencies[^1]:0} | {silosCpu:0} | {(serverCpu > 0 ? serverCpu.ToString("0", CultureInfo.InvariantCulture) : "-")} |"));
}

// CPU seconds (user + system) of every process of this machine named `name` (/proc/PID/stat; 0 where there is no /proc):
// the PostgreSQL server's backends when it runs here, which the wall clock on a shared machine does not show.
static double CpuOf(string name)
{
    if (!Directory.Exists("/proc"))
    {
        return 0;
    }

    long ticks = 0;
    foreach (string dir in Directory.EnumerateDirectories("/proc"))
    {
        try
        {
            string stat = File.ReadAllText(Path.Combine(dir, "stat"));
            int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
            if (open < 0 || close < open || stat[(open + 1)..close] != name)
            {
                continue;
            }

            string[] fields = stat[(close + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            // the process ended meanwhile
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    return ticks / 100.0; // clock ticks of 1/100 s
}

/// <summary>The command line.</summary>
internal sealed record SampleOptions(string Root, string? Postgres, string? OrleansSqlDirectory, bool Load, int Silos, int Customers, int BatchSize, int Senders)
{
    public static SampleOptions Parse(string[] args)
    {
        string? root = null, postgres = null, sql = null;
        bool load = false;
        int silos = 2, customers = 20_000, batch = 500, senders = 4;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "load": load = true; break;
                case "--root": root = Value(); break;
                case "--postgres": postgres = Value(); break;
                case "--orleans-sql": sql = Value(); break;
                case "--silos": silos = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--senders": senders = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: root = args[i]; break;
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1, "--silos");
        return new SampleOptions(root ?? FindRoot(), postgres, sql, load, silos, customers, batch, senders);
    }

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }
}

/// <summary>
/// Orleans' ADO.NET clustering reads its queries from Orleans' own tables (<c>OrleansQuery</c>, the membership tables),
/// which Orleans' SQL scripts create: <c>src/AdoNet/Shared/PostgreSQL-Main.sql</c> and
/// <c>src/AdoNet/Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql</c> of github.com/dotnet/orleans (MIT). The
/// NuGet package does not ship them, and JourneyKit does not copy them: run them once (psql -f …), or pass
/// <c>--orleans-sql DIR</c> with a directory holding the two files and the sample runs them when the tables are missing.
/// </summary>
internal static class OrleansSql
{
    public static async Task EnsureAsync(string connectionString, string? directory)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (NpgsqlCommand exists = dataSource.CreateCommand("SELECT to_regclass('orleansquery') IS NOT NULL"))
        {
            if ((bool)(await exists.ExecuteScalarAsync())!)
            {
                return;
            }
        }

        if (directory is null)
        {
            throw new InvalidOperationException(
                "The database has no Orleans clustering tables (OrleansQuery). Run Orleans' PostgreSQL-Main.sql and PostgreSQL-Clustering.sql " +
                "(github.com/dotnet/orleans, src/AdoNet/Shared and src/AdoNet/Orleans.Clustering.AdoNet, at the tag of the Orleans version in use) " +
                "against it once, or pass --orleans-sql DIR (a directory with those two files). See docs/orleans.md.");
        }

        foreach (string file in new[] { "PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql" })
        {
            await using NpgsqlCommand script = dataSource.CreateCommand(await File.ReadAllTextAsync(Path.Combine(directory, file)));
            await script.ExecuteNonQueryAsync();
        }
    }
}
