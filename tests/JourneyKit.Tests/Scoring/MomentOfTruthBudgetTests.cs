using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// Issue 21: 5,000 moments of truth made <c>score</c> take 28 s and 7.95 GB on 10,000 events. The moments of a journey
/// together are bounded at compile time (JK0123): at most 256, at most 4,096 automaton states and 16,384 edges in all.
/// </summary>
public sealed class MomentOfTruthBudgetTests
{
    private static Journey WithMoments(int count, Func<int, string> pattern)
    {
        JourneyBuilder builder = new JourneyBuilder("j")
            .Touchpoint("a", Channel.Web)
            .Touchpoint("b", Channel.Web)
            .Stage("s", s => s.Touchpoints("a").StandardTime(TimeSpan.FromDays(1)).Next("done"))
            .Stage("done", s => s.Touchpoints("b").Goal());
        for (int i = 0; i < count; i++)
        {
            builder.MomentOfTruth("m" + i, pattern(i), MomentOfTruthOutcome.Positive);
        }

        return builder.Build();
    }

    [Fact]
    public void Compile_256Moments_Compiles()
    {
        CompiledJourney compiled = WithMoments(256, _ => "a .* b").Compile();
        Assert.Equal(256, compiled.MomentCount);
    }

    [Fact]
    public void Compile_257Moments_ThrowsJK0123AtTheFirstOnePast_Issue21()
    {
        var ex = Assert.Throws<JourneyValidationException>(() => WithMoments(257, _ => "a .* b").Compile());
        JourneyProblem problem = Assert.Single(ex.Problems);
        Assert.Equal(("JK0123", "momentsOfTruth[256]"), (problem.Code, problem.Path));
        Assert.Contains("at most 256 moments of truth; this one has 257", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_5000Moments_IsRefusedBeforeCompilingThem_Issue21()
    {
        // The measured case: refused with a located problem instead of 28 s and 7.95 GB in score.
        var ex = Assert.Throws<JourneyValidationException>(() => WithMoments(5_000, i => "a .* b within " + (1 + (i % 48)) + "h").Compile());
        Assert.Equal("momentsOfTruth[256]", Assert.Single(ex.Problems).Path);
    }

    [Fact]
    public void Compile_MomentsPastTheStateBudget_ThrowsAtTheMomentThatPassesIt_Issue21()
    {
        // Each "a{1,100} b" has 101 states (100 copies of a, one b; a single pattern's own limit is 1,024), so the sum
        // passes 4,096 at moment index 40: 41 × 101 = 4,141 > 4,096, while 40 × 101 = 4,040 fits.
        Assert.Equal(101, CompiledPattern.Compile("a{1,100} b").StateCount);
        const int first = 40;
        var ex = Assert.Throws<JourneyValidationException>(() => WithMoments(first + 5, _ => "a{1,100} b").Compile());
        JourneyProblem problem = Assert.Single(ex.Problems);
        Assert.Equal(("JK0123", $"momentsOfTruth[{first}]"), (problem.Code, problem.Path));
        Assert.Contains("4,096 states", problem.Message, StringComparison.Ordinal);

        // One fewer moment fits.
        Assert.Equal(first, WithMoments(first, _ => "a{1,100} b").Compile().MomentCount);
    }
}
