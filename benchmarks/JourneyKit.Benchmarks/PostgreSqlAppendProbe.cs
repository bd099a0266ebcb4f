using System.Diagnostics;
using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Storage.PostgreSql;
using Npgsql;

namespace JourneyKit.Benchmarks;

/// <summary>
/// <c>--pg-append [events] [batch]</c>: appends synthetic events (every event with its own id, as ingestion sends them) to
/// a fresh schema on the server in <c>JOURNEYKIT_POSTGRES</c> through one pooled connection, and reports wall-clock
/// events/s together with the CPU time per event of this process (the client: building rows, Npgsql's binary COPY
/// encoding) and of the PostgreSQL backend that served the connection (read from <c>/proc/PID/stat</c>, so the server
/// must run on this machine). On a shared machine the wall clock measures the neighbours; the CPU times do not: on an
/// otherwise idle machine client and server run at once (COPY streams), so the append rate is bounded by
/// 1 / max(client, server) CPU per event, and by 1 / (client + server) when both share one core.
/// </summary>
public static class PostgreSqlAppendProbe
{
    public static async Task<int> RunAsync(TextWriter output, string[] args)
    {
        int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        int batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;
        string connectionString = Environment.GetEnvironmentVariable("JOURNEYKIT_POSTGRES")
            ?? throw new InvalidOperationException("Set JOURNEYKIT_POSTGRES to a connection string (eval \"$(bash eng/postgres.sh start)\").");
        (_, List<JourneyEvent> events) = BenchData.Generate(count, Math.Max(1, count / 100));
        for (int i = 0; i < events.Count; i++)
        {
            events[i] = events[i] with { EventId = "e" + i };
        }

        // one connection, so one backend does all the server's work and its CPU time is the server's cost
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1, MinPoolSize = 1 };
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        string schema = "probe_" + Environment.ProcessId;
        var store = new PostgreSqlJourneyStore(dataSource, new PostgreSqlStoreOptions { Schema = schema });
        await store.MigrateAsync();
        int backend;
        await using (NpgsqlCommand pid = dataSource.CreateCommand("SELECT pg_backend_pid()"))
        {
            backend = (int)(await pid.ExecuteScalarAsync())!;
        }

        // warm-up (JIT, the connection, the table's first pages): one batch, not measured
        await store.Events.AppendAsync(events.GetRange(0, Math.Min(batch, events.Count)));
        int start = Math.Min(batch, events.Count);
        TimeSpan clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        double serverBefore = BackendCpuSeconds(backend);
        var watch = Stopwatch.StartNew();
        long appended = 0;
        for (int i = start; i < events.Count; i += batch)
        {
            appended += (await store.Events.AppendAsync(events.GetRange(i, Math.Min(batch, events.Count - i)))).Appended;
        }

        double wall = watch.Elapsed.TotalSeconds;
        double client = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalSeconds;
        double server = BackendCpuSeconds(backend) - serverBefore;
        await using (NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA {schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        double perEvent(double seconds) => seconds / appended * 1e6;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"appended {appended:N0} events in batches of {batch:N0}: wall {appended / wall:N0} events/s; CPU per event: client {perEvent(client):0.00} µs, server {perEvent(server):0.00} µs " +
            $"→ bound {1e6 / Math.Max(perEvent(client), perEvent(server)):N0} events/s on two idle cores, {1e6 / (perEvent(client) + perEvent(server)):N0} on one"));
        return appended == events.Count - start ? 0 : 1;
    }

    /// <summary>utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    private static double BackendCpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // after "pid (comm) " the fields start at field 3 (state): utime is field 14, stime field 15
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
