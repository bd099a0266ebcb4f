using BenchmarkDotNet.Attributes;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Matching.WindowFunnel;

namespace JourneyKit.Benchmarks;

/// <summary>
/// Time per event at 10⁵, 10⁶ and 10⁷ events (100 events per customer) for the window funnel and the pattern matcher:
/// flat means linear cost. Time is per event.
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private EventBatch _batch = null!;
    private WindowFunnel _funnel = null!;
    private CompiledPattern _pattern = null!;
    private byte[] _levels = null!;

    [Params(100_000, 1_000_000, 10_000_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_batch, _) = BenchData.Generate(Events, Events / 100);
        // The last step never occurs, so every event is read (no early stop at a full match).
        _funnel = WindowFunnel.Create([.. BenchData.FunnelSteps[..3], "never.happens"], TimeSpan.FromDays(1));
        _pattern = CompiledPattern.Compile("web.browse (cart.add | checkout.start)+ order.placed within 1d");
        _levels = new byte[_batch.CustomerCount];
    }

    [Benchmark]
    public int WindowFunnel_PerEvent()
    {
        _funnel.EvaluateLevels(_batch, _levels);
        return _levels[0];
    }

    [Benchmark]
    public int Pattern_PerEvent() => _pattern.Evaluate(_batch).Length;
}
