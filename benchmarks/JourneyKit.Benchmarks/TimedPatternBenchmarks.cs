using BenchmarkDotNet.Attributes;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Benchmarks;

/// <summary>
/// The timed matcher (issue 16): a pattern with a minimum time between matched steps (<c>~~(1h..)</c>, any events
/// between) and an absence at the end (<c>!(order.placed within 30m)</c>), evaluated as of an instant, over 10⁵ to
/// 10⁷ events (100 per customer); and the same pattern holding the order constant (<c>{order_id=$o}</c> on every item:
/// the order carted is the one checked out and not placed), on the same events with an <c>order_id</c> on the cart,
/// checkout and order events (three orders per customer, half of the customers switching between them). Time and
/// allocation are per event; a linear matcher's time per event stays flat.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TimedPatternBenchmarks
{
    /// <summary>The timed pattern.</summary>
    public const string Text = "cart.add ~~(1h..) checkout.start !(order.placed within 30m)";

    /// <summary>The timed pattern with a held property: a minimum gap, the order held constant, an absence.</summary>
    public const string HeldText = "cart.add{order_id=$o} ~~(1h..) checkout.start{order_id=$o} !(order.placed{order_id=$o} within 30m)";

    private EventBatch _batch = null!;
    private CompiledPattern _pattern = null!;
    private CompiledPattern _held = null!;
    private DateTimeOffset _asOf;
    private PatternMatch[] _results = null!;

    /// <summary>Gets or sets the number of events.</summary>
    [Params(100_000, 1_000_000, 10_000_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_batch, _) = BenchData.Generate(Events, Events / 100, orders: true);
        _pattern = CompiledPattern.Compile(Text);
        _held = CompiledPattern.Compile(HeldText);
        _asOf = Guard.AsOf;
        _results = new PatternMatch[_batch.CustomerCount];
        foreach (CompiledPattern p in new[] { _pattern, _held })
        {
            PatternMatch[] noSkip = p.Evaluate(_batch, _asOf, skip: false);
            p.EvaluateAsOfInto(_batch, _asOf, _results);
            if (!_results.AsSpan().SequenceEqual(noSkip))
            {
                throw new InvalidOperationException($"'{p.Text}': the skip must give the no-skip answers");
            }
        }
    }

    /// <summary>Every customer, one core.</summary>
    /// <returns>The number of customers that matched.</returns>
    [Benchmark(Baseline = true)]
    public int MinGapAndAbsence() => Run(_pattern);

    /// <summary>Every customer, one core, the order held constant.</summary>
    /// <returns>The number of customers that matched.</returns>
    [Benchmark]
    public int MinGapHeldOrderAndAbsence() => Run(_held);

    private int Run(CompiledPattern pattern)
    {
        pattern.EvaluateAsOfInto(_batch, _asOf, _results); // a reused buffer: nothing allocated per customer
        int matched = 0;
        foreach (PatternMatch m in _results)
        {
            matched += m.Matched ? 1 : 0;
        }

        return matched;
    }
}
