using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using JourneyKit.Benchmarks.Peers;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Benchmarks;

/// <summary>
/// A pattern with alternation, a '+' loop and (for JourneyKit) a 'within' window over 1,000,000 events, against .NET
/// Regex (compiled and NonBacktracking) over per-customer strings with one character per event, without the window.
/// Answers are checked equal before timing. Time is per event.
/// </summary>
[MemoryDiagnoser]
public class PatternBenchmarks
{
    private const int Events = 1_000_000;
    private const string Shape = "web.browse (cart.add | checkout.start)+ order.placed";
    private EventBatch _batch = null!;
    private CompiledPattern _plain = null!;
    private CompiledPattern _within = null!;
    private RegexPattern _strings = null!;
    private Regex _compiled = null!;
    private Regex _nonBacktracking = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_batch, _) = BenchData.Generate(Events, 10_000);
        _plain = CompiledPattern.Compile(Shape);
        _within = CompiledPattern.Compile(Shape + " within 1d");
        _strings = new RegexPattern(_batch);
        string regex = $"{RegexPattern.Char(_batch, "web.browse")}(?:{RegexPattern.Char(_batch, "cart.add")}|{RegexPattern.Char(_batch, "checkout.start")})+{RegexPattern.Char(_batch, "order.placed")}";
        _compiled = new Regex(regex, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        _nonBacktracking = new Regex(regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        PatternMatch[] ours = _plain.Evaluate(_batch);
        bool[] theirs = _strings.Matches(_compiled);
        bool[] theirs2 = _strings.Matches(_nonBacktracking);
        for (int i = 0; i < ours.Length; i++)
        {
            if (ours[i].Matched != theirs[i] || ours[i].Matched != theirs2[i])
            {
                throw new InvalidOperationException($"Regex disagrees with JourneyKit for customer run {i}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int JourneyKit_Pattern() => _plain.Evaluate(_batch).Length;

    [Benchmark(OperationsPerInvoke = Events)]
    public int JourneyKit_PatternWithin() => _within.Evaluate(_batch).Length;

    [Benchmark(OperationsPerInvoke = Events)]
    public int Regex_Compiled() => _strings.CountMatches(_compiled);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Regex_NonBacktracking() => _strings.CountMatches(_nonBacktracking);
}
