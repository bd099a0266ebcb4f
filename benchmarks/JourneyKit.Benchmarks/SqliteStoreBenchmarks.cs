using BenchmarkDotNet.Attributes;
using JourneyKit.Events;
using JourneyKit.Storage.Sqlite;

namespace JourneyKit.Benchmarks;

/// <summary>SQLite: append 1,000,000 events in batches of 10,000 to a fresh file, and read them back by customer.</summary>
[MemoryDiagnoser]
public class SqliteStoreBenchmarks
{
    private const int Events = 1_000_000;
    private List<JourneyEvent> _events = null!;
    private SqliteJourneyStore _filled = null!;
    private string[] _customers = null!;

    [GlobalSetup]
    public void Setup()
    {
        (EventBatch batch, _events) = BenchData.Generate(Events, 10_000);
        for (int i = 0; i < _events.Count; i++)
        {
            _events[i] = _events[i] with { EventId = "e" + i };
        }

        _filled = new SqliteJourneyStore(NewPath());
        Append(_filled).GetAwaiter().GetResult();
        _customers = [.. Enumerable.Range(0, 1_000).Select(i => batch.Customers[i])];
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public Task Append_1M() => Append(new SqliteJourneyStore(NewPath()));

    [Benchmark(OperationsPerInvoke = 1_000)]
    public async Task<int> ReadByCustomer_1000Customers()
    {
        int total = 0;
        foreach (string c in _customers)
        {
            total += (await _filled.Events.ReadAsync(c)).Count;
        }

        return total;
    }

    private async Task Append(SqliteJourneyStore store)
    {
        for (int i = 0; i < _events.Count; i += 10_000)
        {
            await store.Events.AppendAsync(_events.GetRange(i, Math.Min(10_000, _events.Count - i)));
        }
    }

    private static string NewPath() => Path.Combine(Path.GetTempPath(), "jk-bench-" + Guid.NewGuid().ToString("N") + ".db");
}
