using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using JourneyKit.Benchmarks.Peers;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;

namespace JourneyKit.Benchmarks;

/// <summary>
/// A pattern with alternation, a '+' loop and (for JourneyKit) a 'within' window over 1,000,000 events, against .NET
/// Regex (compiled and NonBacktracking) over per-customer strings with one character per event, without the window.
/// Answers are checked equal before timing (matched and the number of non-overlapping matches). Time is per event.
/// JourneyKit always reads a customer to the end (it counts every match); Regex <c>IsMatch</c> stops at the first
/// match, <c>Count</c> reads to the end like JourneyKit.
/// </summary>
[MemoryDiagnoser]
public class PatternBenchmarks
{
    private const int Events = 1_000_000;
    /// <summary>The pattern compared with Regex.</summary>
    public const string Shape = "web.browse (cart.add | checkout.start)+ order.placed";
    private EventBatch _batch = null!;
    private CompiledPattern _plain = null!;
    private CompiledPattern _within = null!;
    private RegexPattern _strings = null!;
    private Regex _compiled = null!;
    private Regex _nonBacktracking = null!;
    private PatternMatch[] _results = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_batch, _) = BenchData.Generate(Events, 10_000);
        _plain = CompiledPattern.Compile(Shape);
        _within = CompiledPattern.Compile(Shape + " within 1d");
        _strings = new RegexPattern(_batch);
        string regex = RegexFor(_batch);
        _compiled = new Regex(regex, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        _nonBacktracking = new Regex(regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        PatternMatch[] ours = _plain.Evaluate(_batch);
        PatternMatch[] noSkip = _plain.Evaluate(_batch, null, skip: false);
        bool[] theirs = _strings.Matches(_compiled);
        bool[] theirs2 = _strings.Matches(_nonBacktracking);
        int[] counts = _strings.Counts(_compiled);
        int[] counts2 = _strings.Counts(_nonBacktracking);
        for (int i = 0; i < ours.Length; i++)
        {
            if (ours[i].Matched != theirs[i] || ours[i].Matched != theirs2[i] || ours[i].Count != counts[i] || ours[i].Count != counts2[i] || ours[i] != noSkip[i])
            {
                throw new InvalidOperationException($"Regex disagrees with JourneyKit for customer run {i}.");
            }
        }

        _results = new PatternMatch[_batch.CustomerCount];
    }

    /// <summary>The Regex of <see cref="Shape"/> over the batch's one-character-per-event strings.</summary>
    public static string RegexFor(EventBatch batch) =>
        $"{RegexPattern.Char(batch, "web.browse")}(?:{RegexPattern.Char(batch, "cart.add")}|{RegexPattern.Char(batch, "checkout.start")})+{RegexPattern.Char(batch, "order.placed")}";

    /// <summary>JourneyKit, every match counted, results into a reused buffer.</summary>
    /// <returns>The first answer's count.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int JourneyKit_Pattern()
    {
        _plain.EvaluateInto(_batch, _results);
        return _results[0].Count;
    }

    /// <summary>The same pattern with a 1-day window.</summary>
    /// <returns>The first answer's count.</returns>
    [Benchmark(OperationsPerInvoke = Events)]
    public int JourneyKit_PatternWithin()
    {
        _within.EvaluateInto(_batch, _results);
        return _results[0].Count;
    }

    /// <summary>JourneyKit without passing inert events (every event's condition mask computed): what the skip saves.</summary>
    /// <returns>The number of answers.</returns>
    [Benchmark(OperationsPerInvoke = Events)]
    public int JourneyKit_PatternWithin_NoSkip() => _within.Evaluate(_batch, null, skip: false).Length;

    [Benchmark(OperationsPerInvoke = Events)]
    public int Regex_Compiled_IsMatch() => _strings.CountMatches(_compiled);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Regex_NonBacktracking_IsMatch() => _strings.CountMatches(_nonBacktracking);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Regex_Compiled_Count() => _strings.CountAll(_compiled);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Regex_NonBacktracking_Count() => _strings.CountAll(_nonBacktracking);
}
