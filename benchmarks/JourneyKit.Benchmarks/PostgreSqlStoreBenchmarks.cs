using BenchmarkDotNet.Attributes;
using JourneyKit.Events;
using JourneyKit.Storage.PostgreSql;
using Npgsql;

namespace JourneyKit.Benchmarks;

/// <summary>
/// PostgreSQL: append 1,000,000 events in batches of 10,000 (binary COPY) and 100,000 in batches of 50 (one INSERT from
/// arrays each) to a fresh schema per iteration, on the server in <c>JOURNEYKIT_POSTGRES</c>
/// (<c>eval "$(bash eng/postgres.sh start)"</c> gives one). Run:
/// <c>dotnet run -c Release --project benchmarks/JourneyKit.Benchmarks -- --filter *PostgreSql*</c>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PostgreSqlStoreBenchmarks
{
    private const int Events = 1_000_000;
    private const int SmallEvents = 100_000;
    private List<JourneyEvent> _events = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PostgreSqlJourneyStore _store = null!;
    private int _schemas;

    [GlobalSetup]
    public void Setup()
    {
        string connectionString = Environment.GetEnvironmentVariable("JOURNEYKIT_POSTGRES")
            ?? throw new InvalidOperationException("Set JOURNEYKIT_POSTGRES to a connection string (eval \"$(bash eng/postgres.sh start)\").");
        (_, _events) = BenchData.Generate(Events, 10_000);
        for (int i = 0; i < _events.Count; i++)
        {
            _events[i] = _events[i] with { EventId = "e" + i };
        }

        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    [IterationSetup]
    public void NewSchema()
    {
        _store = new PostgreSqlJourneyStore(_dataSource, new PostgreSqlStoreOptions { Schema = "bench_" + Interlocked.Increment(ref _schemas) });
        _store.MigrateAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DropSchema()
    {
        using NpgsqlCommand drop = _dataSource.CreateCommand($"DROP SCHEMA {"bench_" + _schemas} CASCADE");
        drop.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup() => _dataSource.Dispose();

    [Benchmark(OperationsPerInvoke = Events)]
    public Task Append_1M_InBatchesOf10000_Copy() => Append(Events, 10_000);

    [Benchmark(OperationsPerInvoke = SmallEvents)]
    public Task Append_100k_InBatchesOf50_Arrays() => Append(SmallEvents, 50);

    private async Task Append(int count, int batch)
    {
        for (int i = 0; i < count; i += batch)
        {
            await _store.Events.AppendAsync(_events.GetRange(i, Math.Min(batch, count - i)));
        }
    }
}
