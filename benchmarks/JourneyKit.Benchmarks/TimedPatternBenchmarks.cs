using BenchmarkDotNet.Attributes;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Benchmarks;

/// <summary>
/// The timed matcher (issue 16): a pattern with a minimum time between matched steps (<c>~~(1h..)</c>, any events
/// between) and an absence at the end (<c>!(order.placed within 30m)</c>), evaluated as of an instant, over 10⁵ to
/// 10⁷ events (100 per customer). Time and allocation are per event; a linear matcher's time per event stays flat.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TimedPatternBenchmarks
{
    /// <summary>The timed pattern.</summary>
    public const string Text = "cart.add ~~(1h..) checkout.start !(order.placed within 30m)";
    private EventBatch _batch = null!;
    private CompiledPattern _pattern = null!;
    private DateTimeOffset _asOf;
    private PatternMatch[] _results = null!;

    /// <summary>Gets or sets the number of events.</summary>
    [Params(100_000, 1_000_000, 10_000_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_batch, _) = BenchData.Generate(Events, Events / 100);
        _pattern = CompiledPattern.Compile(Text);
        _asOf = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _results = new PatternMatch[_batch.CustomerCount];
        PatternMatch[] noSkip = _pattern.Evaluate(_batch, _asOf, skip: false);
        _pattern.EvaluateAsOfInto(_batch, _asOf, _results);
        if (!_results.AsSpan().SequenceEqual(noSkip))
        {
            throw new InvalidOperationException("the skip must give the no-skip answers");
        }
    }

    /// <summary>Every customer, one core.</summary>
    /// <returns>The number of customers that matched.</returns>
    [Benchmark]
    public int MinGapAndAbsence()
    {
        _pattern.EvaluateAsOfInto(_batch, _asOf, _results); // a reused buffer: nothing allocated per customer
        int matched = 0;
        foreach (PatternMatch m in _results)
        {
            matched += m.Matched ? 1 : 0;
        }

        return matched;
    }
}
