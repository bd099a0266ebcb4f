using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

public sealed class PatternTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static PatternMatch Run(string pattern, params (string Touchpoint, int Seconds)[] events) =>
        Run(pattern, events.Select(e => new JourneyEvent("c", e.Touchpoint, T0.AddSeconds(e.Seconds))).ToList());

    private static PatternMatch Run(string pattern, List<JourneyEvent> events)
    {
        CompiledPattern compiled = CompiledPattern.Compile(pattern);
        var builder = new EventBatchBuilder();
        events.ForEach(e => builder.Add(e));
        EventBatch batch = builder.Build();
        PatternMatch batchResult = batch.CustomerCount == 0 ? PatternMatch.None : compiled.Evaluate(batch)[0];
        PatternState state = compiled.CreateState();
        for (int i = 0; i < batch.Count; i++)
        {
            compiled.Advance(state, batch.GetEvent(i));
        }

        Assert.Equal(batchResult, compiled.GetResult(state));
        return batchResult;
    }

    [Fact]
    public void Sequence_IsConsecutiveEvents()
    {
        // a b matches only when b directly follows a; a .* b allows events between.
        Assert.False(Run("a b", ("a", 0), ("x", 1), ("b", 2)).Matched);
        PatternMatch m = Run("a .* b", ("a", 0), ("x", 1), ("b", 2));
        Assert.Equal(new PatternMatch(true, 1, 0, 2, T0.UtcTicks, T0.AddSeconds(2).UtcTicks), m);
    }

    [Fact]
    public void Count_NonOverlapping_GreedyByEarliestEnd()
    {
        // a b a b a b → three matches of "a b" at (0,1) (2,3) (4,5).
        Assert.Equal(3, Run("a b", ("a", 0), ("b", 1), ("a", 2), ("b", 3), ("a", 4), ("b", 5)).Count);
        // "a a" over a a a: (0,1) counted, restart at 2: a alone → 1.
        Assert.Equal(1, Run("a a", ("a", 0), ("a", 1), ("a", 2)).Count);
    }

    [Fact]
    public void FirstMatch_EndsFirst_ThenShortest()
    {
        // a a b: "a+ b" matches (0..2) and (1..2); both end at 2; the shortest starts at 1.
        PatternMatch m = Run("a+ b", ("a", 0), ("a", 1), ("b", 2));
        Assert.Equal((1, 2), (m.FirstStart, m.FirstEnd));
    }

    [Fact]
    public void Within_IsInclusive()
    {
        Assert.True(Run("a b within 10s", ("a", 0), ("b", 10)).Matched);
        Assert.False(Run("a b within 10s", ("a", 0), ("b", 11)).Matched);
        // A later start rescues the window: a@0 a@5 b@14 with within 10s → match (1..2).
        PatternMatch m = Run("a+ b within 10s", ("a", 0), ("a", 5), ("b", 14));
        Assert.Equal((1, 2), (m.FirstStart, m.FirstEnd));
    }

    [Fact]
    public void Gaps_BoundTimeBetweenConsecutiveSteps()
    {
        Assert.True(Run("a ~(5s..1m) b", ("a", 0), ("b", 5)).Matched);
        Assert.False(Run("a ~(5s..1m) b", ("a", 0), ("b", 4)).Matched);
        Assert.False(Run("a ~(5s..1m) b", ("a", 0), ("b", 61)).Matched);
        Assert.True(Run("a ~(..30s) b", ("a", 0), ("b", 30)).Matched);
    }

    [Fact]
    public void Anchors_StartAndEnd()
    {
        Assert.False(Run("^ a", ("x", 0), ("a", 1)).Matched);
        Assert.True(Run("^ x a", ("x", 0), ("a", 1)).Matched);
        Assert.False(Run("a $", ("a", 0), ("x", 1)).Matched);
        PatternMatch end = Run("a .* $", ("a", 0), ("x", 1), ("a", 2), ("y", 3));
        Assert.Equal((2, 3, 1), (end.FirstStart, end.FirstEnd, end.Count));
    }

    [Fact]
    public void SetsPredicatesAndRepeats()
    {
        Assert.True(Run("[a b]{2} [^a]", ("b", 0), ("a", 1), ("c", 2)).Matched);
        Assert.False(Run("[a b]{3}", ("b", 0), ("a", 1), ("c", 2)).Matched);
        Assert.True(Run("a{1,} c?", ("a", 0)).Matched);

        var events = new List<JourneyEvent>
        {
            new("c", "pay", T0, Channel.Web) { Value = 50 },
            new("c", "pay", T0.AddSeconds(1), Channel.Mobile) { Value = 150, Attributes = new Dictionary<string, string> { ["plan"] = "gold" } },
        };
        Assert.Equal(1, Run("pay{value>100, channel=mobile, plan=gold}", events).Count);
        Assert.Equal(1, Run("pay{channel=web|email}", events).Count);
        Assert.Equal(0, Run("pay{plan!=gold, value>=100}", events).Count);
    }

    [Theory]
    [InlineData("a (b", 2, PatternError.Unclosed)]
    [InlineData("a b)", 3, PatternError.UnexpectedToken)]
    [InlineData("a{3,1}", 1, PatternError.InvalidQuantifier)]
    [InlineData("a*", 0, PatternError.MatchesEmpty)]
    [InlineData("a ^ b", 2, PatternError.MisplacedAnchor)]
    [InlineData("a within soon", 9, PatternError.InvalidDuration)]
    [InlineData("a{value>x}", 8, PatternError.InvalidPredicate)]
    [InlineData("a{1000}{1000}", 7, PatternError.TooManyStates)]
    [InlineData("[a b", 0, PatternError.Unclosed)]
    [InlineData("~(1s..) a", 8, PatternError.UnexpectedToken)]
    public void Compile_Errors_PointAtTheColumn(string pattern, int offset, PatternError error)
    {
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern));
        Assert.Equal(error, ex.Error);
        Assert.Equal(offset, ex.Offset);
        Assert.EndsWith(new string(' ', offset) + "^", ex.Message.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TooDeepOrTooLong_RejectedWithoutStackOverflow()
    {
        string deep = new string('(', 10_000) + "a" + new string(')', 10_000);
        Assert.Equal(PatternError.TooDeep, Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(deep, new PatternOptions { MaxLength = 100_000 })).Error);
        Assert.Equal(PatternError.TooLong, Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(new string('a', 5000))).Error);
    }

    [Fact]
    public void Pathological_RunLinearly()
    {
        // (a|a)*b and (a+)+b on 200,000 a's: a backtracking engine explodes; the automaton keeps a couple of states.
        var events = Enumerable.Range(0, 200_000).Select(i => new JourneyEvent("c", "a", T0.AddSeconds(i))).ToList();
        Assert.False(Run("(a|a)* b", events).Matched);
        Assert.False(Run("(a+)+ b", events).Matched);
        Assert.Equal(100_000, Run("a a", events).Count);
    }

    [Fact]
    public void State_SerializeAndResume()
    {
        CompiledPattern p = CompiledPattern.Compile("a .* b within 1h");
        PatternState s = p.CreateState();
        p.Advance(s, new JourneyEvent("c", "a", T0));
        var bytes = new byte[s.SerializedSize];
        s.WriteTo(bytes);
        PatternState resumed = PatternState.ReadFrom(bytes);
        p.Advance(resumed, new JourneyEvent("c", "x", T0.AddMinutes(10)));
        p.Advance(resumed, new JourneyEvent("c", "b", T0.AddMinutes(20)));
        Assert.Equal(1, p.GetResult(resumed).Count);
        Assert.Throws<FormatException>(() => PatternState.ReadFrom(new byte[2]));
    }

    /// <summary>On generated patterns (sets, negated sets, predicates, quantifiers, groups, adjacent gaps, alternation,
    /// anchors, <c>within</c>) and histories (ties, duplicates, out-of-order input), the automaton — batch, parallel,
    /// streaming and resumed from bytes — agrees with the set-based reference. Failures shrink to a short pattern and a
    /// few events.</summary>
    [Property(MaxTest = 400)]
    public Property Engine_AgreesWithReference() =>
        Pair.ForAll(Patterns.Of(PatternFeatures.Plain), Histories.Of(customers: 3, touchpoints: 3, maxEvents: 24), (pattern, history) =>
            PatternAgreement.Check(pattern, history, e => e.Error == PatternError.MatchesEmpty));

    /// <summary>Patterns of more than 64 automaton states (the general stepping path; up to 64 the active states are a
    /// bit mask) on longer histories over a and b: batch, parallel, streaming and resumed agree with the reference.</summary>
    [Property(MaxTest = 60)]
    public Property LargeAutomaton_AgreesWithReference() =>
        Pair.ForAll(Patterns.Large(), Histories.Of(customers: 2, touchpoints: 2, maxEvents: 80), (pattern, history) =>
            Patterns.StateCount(pattern.Text) <= 64 || PatternAgreement.Check(pattern, history, _ => false));

    [Fact]
    public void LargeAutomaton_Generator_ExceedsSixtyFourStates_AndMatches()
    {
        // The property has teeth only if its cases take the > 64-state path and match often enough: on a fixed sample of
        // 40 patterns × 10 one-customer histories of up to 80 events over a and b, every pattern is large and at least
        // a fifth of the pairs match.
        List<PatternCase> patterns = [.. Gen.Sample(Patterns.Large().Generator, 40, new Rnd(20261201UL), 30)];
        List<History> histories = [.. Gen.Sample(Histories.Of(customers: 1, touchpoints: 2, maxEvents: 80).Generator, 10, new Rnd(7UL), 30)];
        Assert.All(patterns, p => Assert.True(Patterns.StateCount(p.Text) > 64, p.Text));
        int matched = 0;
        foreach (PatternCase p in patterns)
        {
            CompiledPattern compiled = CompiledPattern.Compile(p.Text);
            matched += histories.Select(h => h.Batch()).Count(b => b.CustomerCount > 0 && compiled.Evaluate(b)[0].Matched);
        }

        Assert.True(matched >= patterns.Count * histories.Count / 5, $"{matched} of {patterns.Count * histories.Count} pairs match");
    }
}
