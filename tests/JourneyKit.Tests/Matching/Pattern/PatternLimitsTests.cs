using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>Compilation bounds of the pattern language (issue 21): exact state and edge counts, located errors.</summary>
public sealed class PatternLimitsTests
{
    [Fact]
    public void Ctor_Ok_Defaults()
    {
        var options = new PatternOptions();
        Assert.Equal(4096, options.MaxLength);
        Assert.Equal(32, options.MaxDepth);
        Assert.Equal(1024, options.MaxStates);
        Assert.Equal(4096, options.MaxEdges);
        Assert.Equal(64, options.MaxPartialMatches);
    }

    [Fact]
    public void Compile_NestedPlus22Deep_RefusedAtTheFirstPlusPastALimit_Issue21()
    {
        // X+ builds two copies of X (one required, one starred), so cart.add+ is 2 states and every further "(…)+"
        // doubles: after the k-th '+' there are S_k = 2^k states. Edges: X+ has first set F(X) = 1 and last set 2·L(X),
        // and E(X+) = E(X) [required copy] + E(X) + L(X) [starred copy and its loop] + L(X) [into the starred copy], so
        // with L_k = 2^k, E_k = 2·E_(k−1) + 2^k = k·2^k. Against MaxEdges = 4,096: E_8 = 2,048 fits, E_9 = 4,608 does
        // not, so the 9th '+' is refused; against MaxStates = 1,024 alone: S_10 = 1,024 fits, S_11 = 2,048 does not.
        string pattern = Nest(22);
        Assert.Equal("((cart.add+)+)+", Nest(3));

        var byEdges = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern));
        Assert.Equal(PatternError.TooManyEdges, byEdges.Error);
        Assert.Equal(NthPlus(pattern, 9), byEdges.Offset);
        Assert.Contains("the repetition '+' here", byEdges.Message, StringComparison.Ordinal);
        Assert.Contains("PatternOptions.MaxEdges", byEdges.Message, StringComparison.Ordinal);

        var byStates = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern, new PatternOptions { MaxEdges = int.MaxValue }));
        Assert.Equal(PatternError.TooManyStates, byStates.Error);
        Assert.Equal(NthPlus(pattern, 11), byStates.Offset);
        Assert.Contains("PatternOptions.MaxStates", byStates.Message, StringComparison.Ordinal);

        CompiledPattern eight = CompiledPattern.Compile(Nest(8));
        Assert.Equal((256, 8 * 256), (eight.StateCount, eight.EdgeCount));
        CompiledPattern ten = CompiledPattern.Compile(Nest(10), new PatternOptions { MaxEdges = int.MaxValue });
        Assert.Equal((1024, 10 * 1024), (ten.StateCount, ten.EdgeCount));
    }

    private static int NthPlus(string pattern, int n)
    {
        for (int i = 0, seen = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '+' && ++seen == n)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><c>cart.add+</c> inside <paramref name="levels"/> − 1 groups, each followed by <c>+</c>.</summary>
    private static string Nest(int levels)
    {
        var sb = new StringBuilder("cart.add+");
        for (int i = 1; i < levels; i++)
        {
            sb.Insert(0, '(').Append(")+");
        }

        return sb.ToString();
    }

    [Fact]
    public void Compile_OptionalRepeatedThousandTimes_RefusedForItsEdges_Issue21()
    {
        // .?{1000}: the k-th optional copy may follow any of the k − 1 before it, so copies 1..k hold
        // 0 + 1 + … + (k − 1) = k(k − 1)/2 edges: 4,095 at k = 91, 4,186 at k = 92 > 4,096. 1,000 states are within
        // MaxStates, so only the edge count refuses it, at the quantifier (offset 2).
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(".?{1000} order.placed"));
        Assert.Equal(PatternError.TooManyEdges, ex.Error);
        Assert.Equal(2, ex.Offset);
        Assert.Contains("'{1000}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PatternOptions.MaxEdges", ex.Message, StringComparison.Ordinal);

        // With room for them, all 1000 · 999 / 2 = 499,500 edges (plus 1,000 into order.placed) are built.
        CompiledPattern p = CompiledPattern.Compile(".?{1000} order.placed", new PatternOptions { MaxEdges = 1_000_000 });
        Assert.Equal(1001, p.StateCount);
        Assert.Equal(499_500 + 1000, p.EdgeCount);
    }

    [Theory]
    [InlineData("a b c", 3, 2)]                  // a→b, b→c
    [InlineData("(a|b)+", 4, 8)]                 // required copy {a,b}, starred copy {a',b'}: 2·2 into it + 2·2 loops
    [InlineData("a{1,3}", 3, 2)]                 // a (a (a)?)?: a→a', a'→a''
    [InlineData("a{0,4} b", 5, 7)]               // nested optional copies: 3 between them, 4 into b (a copy or not)
    [InlineData("a?{3} b", 4, 6)]                // side by side: 0+1+2 between the copies, 3 into b
    [InlineData("a{1000}", 1000, 999)]
    [InlineData("a{0} b", 1, 0)]                 // a{0} builds nothing
    [InlineData("(a{0}){100000}{100000} b", 1, 0)] // nor does repeating nothing (and it is not walked 10^10 times)
    public void Compile_CountsStatesAndEdgesAsBuilt(string pattern, int states, int edges)
    {
        CompiledPattern p = CompiledPattern.Compile(pattern);
        Assert.Equal(states, p.StateCount);
        Assert.Equal(edges, p.EdgeCount);
    }

    [Fact]
    public void Compile_BoundedRepeat_EdgesLinear()
    {
        // a{1,1000}: one required copy, then 999 nested optional copies, each followed only by the next: 999 edges
        // (side by side they would be 999·1000/2 = 499,500, past the limit).
        Assert.Equal(999, CompiledPattern.Compile("a{1,1000}").EdgeCount);
    }

    [Theory]
    [InlineData("pay{channel=|}", 12)]
    [InlineData("pay{channel=||}", 12)]
    [InlineData("pay{plan=|}", 9)]
    [InlineData("pay{plan!=|}", 10)]
    [InlineData("pay{channel=\" \"}", 12)]
    [InlineData("pay{channel=\"web| \"}", 12)]
    public void Compile_EmptyPredicateValues_LocatedError_Issue21(string pattern, int offset)
    {
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern));
        Assert.Equal(PatternError.InvalidPredicate, ex.Error);
        Assert.Equal(offset, ex.Offset);
    }

    [Fact]
    public void Load_MomentOfTruthWithEmptyChannelSet_IsAProblem_Issue21()
    {
        const string json = """
            {
              "id": "j",
              "touchpoints": [ { "id": "a", "channel": "web" }, { "id": "b", "channel": "web" } ],
              "stages": [ { "id": "s", "touchpoints": ["a"], "standardTime": "1d" }, { "id": "g", "touchpoints": ["b"], "isGoal": true } ],
              "momentsOfTruth": [ { "id": "m", "pattern": "a{channel=|}", "weight": 1 } ]
            }
            """;
        var ex = Assert.Throws<JourneyValidationException>(() => JourneyJson.Load(json));
        JourneyProblem p = Assert.Single(ex.Problems);
        Assert.Equal("JK0115", p.Code);
        Assert.Equal("momentsOfTruth[0].pattern", p.Path);
        Assert.Contains("column 11", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_LimitsBelowOne_Throw() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CompiledPattern.Compile("a", new PatternOptions { MaxStates = 0 }));

    private static readonly string[] Pieces =
    [
        "a", "b", ".", "(", ")", "[", "]", "[^", "{", "}", "|", "?", "*", "+", "^", "$", "~(", "..", "1s", " ", ",", "=",
        "!=", ">", "<=", "\"", "\\", "channel", "value", "plan", "within ", "1h", "{2,", "{0}", "3}", "x", "-1", "1e999",
    ];

    /// <summary>Any text gives a compiled pattern or a located <see cref="PatternSyntaxException"/>, nothing else. The
    /// text is 1–15 pieces of the syntax; a counterexample shrinks to fewer pieces and pieces earlier in the list.</summary>
    [Property(MaxTest = 2000)]
    public Property Compile_AnyText_CompilesOrThrowsPatternSyntaxException() => Prop.ForAll(
        Small.ArrayOf(Gen.Choose(0, Pieces.Length - 1), 1, 15),
        pieces =>
        {
            var sb = new StringBuilder();
            foreach (int piece in pieces)
            {
                sb.Append(Pieces[piece]);
            }

            string text = sb.ToString();
            try
            {
                CompiledPattern p = CompiledPattern.Compile(text, new PatternOptions { MaxStates = 64, MaxEdges = 256 });
                return (p.StateCount <= 64 && p.EdgeCount <= 256).Label($"'{text}': {p.StateCount} states, {p.EdgeCount} edges");
            }
            catch (PatternSyntaxException e)
            {
                return (e.Offset >= 0 && e.Offset <= text.Length).Label($"'{text}': offset {e.Offset}");
            }
        });

    /// <summary>The number of states a tree expands to, by the plain definition: a repetition X{m,n} is n copies of X
    /// (X+ and X{m,} are m + 1: the required copies and one looping copy), X{0} none.</summary>
    private static long ReferenceStates(PatternNode node) => node switch
    {
        AtomNode => 1,
        SeqNode s => s.Items.Sum(ReferenceStates),
        AltNode a => a.Options.Sum(ReferenceStates),
        RepeatNode { Max: 0 } => 0,
        RepeatNode r => ReferenceStates(r.Inner) * (r.Max == -1 ? r.Min + 1 : r.Max),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>On generated patterns (sets, negated sets, groups, repetitions, alternatives, adjacent gaps, anchors)
    /// and limits: the state count is the reference's; a pattern compiles exactly when its counts fit the limits, and is
    /// otherwise refused with the limit it passes. Pattern and limits shrink together (a reference that counted X+ as
    /// m + 2 copies failed and shrank to <c>a+</c>: 2 states, reference 3).</summary>
    [Property(MaxTest = 500)]
    public Property Compile_CountsMatchReference_AndLimitsAreExact() => Pair.ForAll(
        Patterns.Of(new PatternFeatures { Predicates = false }),
        Small.Each((1, 23), (0, 47)),
        (pattern, limit) =>
        {
            string text = pattern.Text;
            long states = ReferenceStates(PatternParser.Parse(text, new PatternOptions()).Root);
            CompiledPattern unbounded;
            try
            {
                unbounded = CompiledPattern.Compile(text, new PatternOptions { MaxStates = int.MaxValue, MaxEdges = int.MaxValue });
            }
            catch (PatternSyntaxException e) when (e.Error is PatternError.MatchesEmpty or PatternError.TooManyAtoms)
            {
                return true.Label("refused: " + e.Error);
            }

            if (unbounded.StateCount != states)
            {
                return false.Label($"'{text}': {unbounded.StateCount} states, reference {states}");
            }

            var limits = new PatternOptions { MaxStates = limit[0], MaxEdges = limit[1] };
            bool fits = unbounded.StateCount <= limits.MaxStates && unbounded.EdgeCount <= limits.MaxEdges;
            string shown = $"'{text}' ({unbounded.StateCount} states, {unbounded.EdgeCount} edges) under {limit[0]} / {limit[1]}";
            try
            {
                CompiledPattern p = CompiledPattern.Compile(text, limits);
                return (fits && p.StateCount == unbounded.StateCount && p.EdgeCount == unbounded.EdgeCount).Label("compiled: " + shown);
            }
            catch (PatternSyntaxException e)
            {
                return (!fits && (e.Error == PatternError.TooManyStates ? states > limits.MaxStates : e.Error == PatternError.TooManyEdges && unbounded.EdgeCount > limits.MaxEdges))
                    .Label($"refused with {e.Error}: " + shown);
            }
        });
}
