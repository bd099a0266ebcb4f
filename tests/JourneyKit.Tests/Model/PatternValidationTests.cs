using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Model;

/// <summary>
/// Journey validation parses each moment of truth once and <c>Compile()</c> reuses that parse: whatever
/// <see cref="CompiledPattern.Compile"/> refuses, validation must report (JK0115 at the same column), and whatever it
/// accepts, validation must accept — including the limits the automaton builder meets (distinct events, time constraints).
/// </summary>
public sealed class PatternValidationTests
{
    public static TheoryData<string> Patterns()
    {
        string distinct65 = string.Join(' ', Enumerable.Range(0, 65).Select(i => $"t{i}"));  // 65 distinct atoms: one too many
        string distinct64 = string.Join(' ', Enumerable.Range(0, 64).Select(i => $"t{i}"));  // exactly the limit
        string gaps17 = string.Join(" ~~(..1h) ", Enumerable.Range(0, 18).Select(i => $"t{i % 3}")); // 17 time gaps: one too many
        string gaps16 = string.Join(" ~~(..1h) ", Enumerable.Range(0, 17).Select(i => $"t{i % 3}"));
        string within17 = string.Concat(Enumerable.Range(0, 17).Select(i => $"(t{i % 3} t1 within 1h) "));
        return new TheoryData<string>(
            "a b", "a .* b within 1h", "a?", "(a|b?)*", "a{0}", "a{0} b", distinct65, distinct64, gaps17, gaps16, within17,
            "a ~~(5m..1h) b", "(a b within 1h)+ c", "[a b", "a{channel=|}", "a b)", "^a$", "a{2,1}", "((a+)+)+");
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Validation_ReportsExactlyWhatCompileRefuses(string pattern)
    {
        PatternSyntaxException? compileError = null;
        try
        {
            CompiledPattern.Compile(pattern);
        }
        catch (PatternSyntaxException e)
        {
            compileError = e;
        }

        Journey journey = Journey(pattern);
        IReadOnlyList<JourneyProblem> problems = journey.Validate();
        if (compileError is null)
        {
            Assert.Empty(problems);
            CompiledJourney compiled = journey.Compile(); // reuses validation's parse
            Assert.Equal(1, compiled.MomentCount);
        }
        else
        {
            JourneyProblem p = Assert.Single(problems);
            Assert.Equal("JK0115", p.Code);
            Assert.Equal("momentsOfTruth[0].pattern", p.Path);
            Assert.Equal($"invalid pattern at column {compileError.Offset + 1}: {compileError.Detail}", p.Message);
            Assert.Throws<JourneyValidationException>(() => journey.Compile());
        }
    }

    [Fact]
    public void Limits_OnePastTheAtomAndTimeLimits_AreRefusedWithTheirErrors()
    {
        // Independent of the comparison above: the two limits the builder used to be the only one to check.
        string distinct65 = string.Join(' ', Enumerable.Range(0, 65).Select(i => $"t{i}"));
        Assert.Equal(PatternError.TooManyAtoms, Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(distinct65)).Error);
        string gaps17 = string.Join(" ~~(..1h) ", Enumerable.Range(0, 18).Select(i => $"t{i % 3}"));
        Assert.Equal(PatternError.TooManyTimeConstraints, Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(gaps17)).Error);
        Assert.Contains(Journey(distinct65).Validate(), p => p.Code == "JK0115" && p.Message.Contains("distinct events", StringComparison.Ordinal));
    }

    private static readonly Journey Valid = new JourneyBuilder("j")
        .Touchpoint("a", Channel.Web)
        .Touchpoint("b", Channel.Web)
        .Stage("s", s => s.Touchpoints("a").StandardTime(TimeSpan.FromDays(1)).Next("g"))
        .Stage("g", s => s.Touchpoints("b").Goal())
        .Build();

    private static Journey Journey(string pattern) => Valid with { MomentsOfTruth = new[] { new MomentOfTruth { Id = "m", Pattern = pattern } } };
}
