using BenchmarkDotNet.Attributes;
using JourneyKit.Benchmarks.Peers;
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;

namespace JourneyKit.Benchmarks;

/// <summary>
/// A 4-step window funnel over 1,000,000 events (10,000 customers): JourneyKit in each mode, against naive LINQ and
/// DuckDB's SQL on the same data. Each peer's answers are checked equal to JourneyKit's in the setup; a mismatch
/// fails the run. Operations per invoke = events, so the reported time is per event.
/// </summary>
[MemoryDiagnoser]
public class WindowFunnelBenchmarks
{
    private const int Events = 1_000_000;
    private EventBatch _batch = null!;
    private List<JourneyEvent> _events = null!;
    private WindowFunnel _default = null!;
    private WindowFunnel _strictOrder = null!;
    private WindowFunnel _dedup = null!;
    private WindowFunnel _increase = null!;
    private WindowFunnel _reentry = null!;
    private byte[] _levels = null!;
#if PEERS
    private DuckDbFunnel _duck = null!;
#endif

    [GlobalSetup]
    public void Setup()
    {
        (_batch, _events) = BenchData.Generate(Events, 10_000);
        TimeSpan window = TimeSpan.FromDays(1);
        _default = WindowFunnel.Create(BenchData.FunnelSteps, window);
        _strictOrder = WindowFunnel.Create(BenchData.FunnelSteps, window, WindowFunnelMode.StrictOrder);
        _dedup = WindowFunnel.Create(BenchData.FunnelSteps, window, WindowFunnelMode.StrictDeduplication);
        _increase = WindowFunnel.Create(BenchData.FunnelSteps, window, WindowFunnelMode.StrictIncrease);
        _reentry = WindowFunnel.Create(BenchData.FunnelSteps, window, WindowFunnelMode.StrictOrder | WindowFunnelMode.AllowReentry);
        _levels = new byte[_batch.CustomerCount];
#if PEERS
        _duck = new DuckDbFunnel();
        _duck.Load(_batch);
        PeerCheck.FunnelPeersAgree(_default, _batch, _events, _duck.Levels);
#else
        PeerCheck.FunnelPeersAgree(_default, _batch, _events, null);
#endif
    }

#if PEERS
    [GlobalCleanup]
    public void Cleanup() => _duck.Dispose();
#endif

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void JourneyKit_Default() => _default.EvaluateLevels(_batch, _levels);

    [Benchmark(OperationsPerInvoke = Events)]
    public void JourneyKit_StrictOrder() => _strictOrder.EvaluateLevels(_batch, _levels);

    [Benchmark(OperationsPerInvoke = Events)]
    public void JourneyKit_StrictDeduplication() => _dedup.EvaluateLevels(_batch, _levels);

    [Benchmark(OperationsPerInvoke = Events)]
    public void JourneyKit_StrictIncrease() => _increase.EvaluateLevels(_batch, _levels);

    [Benchmark(OperationsPerInvoke = Events)]
    public void JourneyKit_StrictOrderAllowReentry() => _reentry.EvaluateLevels(_batch, _levels);

    [Benchmark(OperationsPerInvoke = Events)]
    public int NaiveLinq_Default() => NaiveLinqFunnel.Levels(_events, BenchData.FunnelSteps, TimeSpan.FromDays(1)).Count;
#if PEERS

    [Benchmark(OperationsPerInvoke = Events)]
    public int DuckDb_Default_QueryOnly() => _duck.Levels(BenchData.FunnelSteps, TimeSpan.FromDays(1)).Count;
#endif
}
