using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Model;
using JourneyKit.Model.Internal;
using JourneyKit.Model.Json;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Model;

/// <summary>Issue 21: validation is linear in stages and did-you-mean is bounded.</summary>
public sealed class ValidationBoundsTests
{
    /// <summary>A journey of <paramref name="stages"/>: stage i has touchpoint t{i}, optional next list, terminal flags.</summary>
    private static string Json(int stages, Func<int, string?> next, Func<int, string> flags)
    {
        var sb = new StringBuilder("{\"id\":\"j\",\"touchpoints\":[");
        for (int i = 0; i < stages; i++)
        {
            sb.Append(i > 0 ? "," : string.Empty).Append("{\"id\":\"t").Append(i).Append("\",\"channel\":\"web\"}");
        }

        sb.Append("],\"stages\":[");
        for (int i = 0; i < stages; i++)
        {
            sb.Append(i > 0 ? "," : string.Empty).Append("{\"id\":\"s").Append(i).Append("\",\"touchpoints\":[\"t").Append(i).Append("\"],\"standardTime\":\"1d\"");
            if (next(i) is { } n)
            {
                sb.Append(",\"next\":[").Append(n).Append(']');
            }

            sb.Append(flags(i)).Append('}');
        }

        return sb.Append("]}").ToString();
    }

    private static IReadOnlyList<JourneyProblem> Problems(string json)
    {
        try
        {
            JourneyJson.Load(json);
            return [];
        }
        catch (JourneyValidationException e)
        {
            return e.Problems;
        }
    }

    [Fact]
    public void Validate_ManyStagesWithoutNext_IsLinear_Issue21()
    {
        // 20,000 stages that may each go to any other (no 'next'): the old check listed n − 1 successors per stage
        // visited, 20,000² = 4·10⁸ list entries (3.2 GB allocated) and iterated to a fixed point; linear, a few MB.
        string json = Json(20_000, _ => null, i => i == 19_999 ? ",\"isGoal\":true" : string.Empty);
        long before = GC.GetAllocatedBytesForCurrentThread();
        IReadOnlyList<JourneyProblem> problems = Problems(json);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(problems);
        Assert.True(allocated < 400_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Suggest_HugeName_NoSuggestionAndBoundedWork_Issue21()
    {
        string huge = new string('s', 10_000_000);
        var candidates = Enumerable.Range(0, 10_000).Select(i => "s" + i).ToList();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(JourneyValidator.Suggest(huge, candidates));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Equal("s1234", JourneyValidator.Suggest("s1234x", candidates)); // typos are still found: the only candidate at distance 1
    }

    [Fact]
    public void Suggest_SharedBudget_StopsSuggesting()
    {
        var budget = new SuggestBudget(5 * 3 * ((2 * 2) + 1)); // three comparisons of a 5-character name (limit 2)
        string[] candidates = ["abcde", "abcdf", "abxde"];
        Assert.Equal("abcde", JourneyValidator.Suggest("abcdx", candidates, budget));
        Assert.Null(JourneyValidator.Suggest("abcdx", candidates, budget)); // spent
    }

    /// <summary>The banded distance is the full distance whenever that is within the limit, and limit + 1 otherwise.</summary>
    [Property(MaxTest = 500)]
    public Property BoundedEditDistance_AgreesWithFullDistance() => Pair.ForAll(
        Pair.Of(Small.ArrayOf(Gen.Choose(0, 2), 0, 8), Small.ArrayOf(Gen.Choose(0, 2), 0, 8)), // words over a, b, c
        Small.Between(0, 4),
        (words, limit) =>
    {
        string Word(int[] letters) => new([.. letters.Select(l => (char)('a' + l))]);
        string a = Word(words.First), b = Word(words.Second);
        return JourneyValidator.BoundedEditDistance(a, b, limit) == Math.Min(JourneyValidator.EditDistance(a, b), limit + 1);
    });

    /// <summary>Hand-worked (the shrunk counterexample of the property below): s0 → [s2, s1], s1 without <c>next</c>
    /// (any other stage), s2 → [s2] only, s3 the goal. Every stage is reachable (s1 reaches all), but from s2 the only
    /// move is back to s2, so s2 has no way out (JK0119 at stages[2].next). The validator's forward search stopped early
    /// at s1 with s2 still on its stack, and the reverse search took that leftover as a seed: s2, its own predecessor,
    /// counted as able to finish and the journey passed as valid.</summary>
    [Fact]
    public void Validate_SelfLoopOnlyStage_ReachedBeforeAnImplicitStage_HasNoWayOut()
    {
        string json = Json(4, i => i switch { 0 => "\"s2\",\"s1\"", 2 => "\"s2\"", _ => null }, i => i == 3 ? ",\"isGoal\":true" : string.Empty);
        IReadOnlyList<JourneyProblem> problems = Problems(json);
        JourneyProblem problem = Assert.Single(problems);
        Assert.Equal(JourneyProblemCodes.NoWayOut, problem.Code);
        Assert.Equal("stages[2].next", problem.Path);
    }

    /// <summary>On random stage graphs (explicit, implicit and dangling next, goals and failures), unreachable and
    /// no-way-out stages are those a plain fixed-point reference finds.</summary>
    /// <remarks>Each generated stage: terminal or not, an implicit next (no list) or not, and up to two next stages
    /// (indices modulo the stage count); the knob is the stage made terminal in any case (modulo the count).</remarks>
    [Property(MaxTest = 300)]
    public Property Reachability_AgreesWithFixedPointReference() => Pair.ForAll(
        Small.ArrayOf(
            from terminal in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            from implicitNext in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            from next in Gen.Choose(0, 7).ArrayOf(2).SelectMany(two => Gen.Choose(0, 2), (two, count) => two[..count])
            select (Terminal: terminal, ImplicitNext: implicitNext, Next: next),
            1,
            8),
        Small.Between(0, 7),
        (stages, forcedTerminal) =>
    {
        int n = stages.Length;
        var nexts = new List<int>?[n];
        var terminal = new bool[n];
        for (int i = 0; i < n; i++)
        {
            terminal[i] = stages[i].Terminal;
            nexts[i] = terminal[i] || stages[i].ImplicitNext ? null : [.. stages[i].Next.Select(j => j % n)];
        }

        terminal[forcedTerminal % n] = true;
        string json = Json(n, i => nexts[i] is { } l ? string.Join(",", l.Select(j => $"\"s{j}\"")) : null, i => terminal[i] ? (i % 2 == 0 ? ",\"isGoal\":true" : ",\"isFailure\":true") : string.Empty);

        // Reference: the successors of a non-terminal stage are its next list, or every other stage without one.
        List<int> Successors(int i) => terminal[i] ? [] : nexts[i] ?? [.. Enumerable.Range(0, n).Where(j => j != i)];
        var reachable = new bool[n];
        reachable[0] = true;
        var canFinish = (bool[])terminal.Clone();
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < n; i++)
            {
                if (reachable[i])
                {
                    foreach (int j in Successors(i).Where(j => !reachable[j]))
                    {
                        reachable[j] = changed = true;
                    }
                }

                if (!canFinish[i] && Successors(i).Exists(j => canFinish[j]))
                {
                    canFinish[i] = changed = true;
                }
            }
        }

        IReadOnlyList<JourneyProblem> problems = Problems(json);
        var unreachable = problems.Where(p => p.Code == "JK0106").Select(p => p.Path).ToHashSet();
        var noWayOut = problems.Where(p => p.Code == "JK0119").Select(p => p.Path).ToHashSet();
        for (int i = 0; i < n; i++)
        {
            if (unreachable.Contains($"stages[{i}]") != !reachable[i])
            {
                return false;
            }

            if (reachable[i] && noWayOut.Contains($"stages[{i}].next") != !canFinish[i])
            {
                return false;
            }
        }

        return true;
    });
}
