using FsCheck.Xunit;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// <see cref="CompiledJourney.IsAllowed"/> is the design's transition rule — staying is allowed; a terminal stage goes
/// nowhere else; otherwise its <c>next</c> list decides, and no list allows every stage — with memory linear in the stages
/// (issue 21: the compiled journey held a stages² matrix, 9·10⁸ entries for a 30,000-stage journey).
/// </summary>
public sealed class CompiledJourneyTransitionTests
{
    /// <summary>
    /// Stages s0..s(n−1), n = 3..12 from the masks' length; stage n−2 is the goal and n−1 a failure. Stage i &lt; n−2 goes
    /// to i+1 (so every stage is reachable and can finish) plus every j whose bit is set in its mask, and has no
    /// <c>next</c> list at all when its mask is negative. Stage 0 also lists the failure stage.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool IsAllowed_IsTheDesignsRule(int[] masks)
    {
        masks ??= [];
        int n = Math.Clamp(masks.Length, 3, 12);
        int Mask(int i) => i < masks.Length ? masks[i] : 0;
        var lists = new List<string>?[n];
        var builder = new JourneyBuilder("j");
        for (int i = 0; i < n; i++)
        {
            builder.Touchpoint("t" + i, Channel.Web);
        }

        for (int i = 0; i < n; i++)
        {
            int stage = i;
            List<string>? next = null;
            if (i < n - 2 && Mask(i) >= 0)
            {
                next = ["s" + (i + 1)];
                for (int j = 0; j < n; j++)
                {
                    if ((Mask(i) & (1 << j)) != 0 && j != i + 1)
                    {
                        next.Add("s" + j);
                    }
                }

                if (i == 0 && !next.Contains("s" + (n - 1)))
                {
                    next.Add("s" + (n - 1));
                }
            }

            lists[i] = next;
            builder.Stage("s" + i, s =>
            {
                s.Touchpoints("t" + stage);
                if (stage == n - 2)
                {
                    s.Goal();
                }
                else if (stage == n - 1)
                {
                    s.Failure();
                }
                else
                {
                    s.StandardTime(TimeSpan.FromDays(1));
                    if (next is not null)
                    {
                        s.Next([.. next]);
                    }
                }
            });
        }

        CompiledJourney compiled = builder.Build().Compile();
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                bool terminal = from >= n - 2;
                bool expected = from == to || (!terminal && (lists[from] is not { } list || list.Contains("s" + to)));
                if (compiled.IsAllowed(from, to) != expected)
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Fact]
    public void Compile_30000Stages_MemoryLinearInStages_Issue21()
    {
        // A chain s0 → s1 → … → s29999 (goal). The matrix was 30,000² = 9·10⁸ booleans (900 MB) built with as many list
        // searches; the successor lists are 30,000 one-element arrays.
        const int n = 30_000;
        var builder = new JourneyBuilder("j");
        for (int i = 0; i < n; i++)
        {
            builder.Touchpoint("t" + i, Channel.Web);
        }

        for (int i = 0; i < n; i++)
        {
            int stage = i;
            builder.Stage("s" + i, s =>
            {
                s.Touchpoints("t" + stage);
                if (stage == n - 1)
                {
                    s.Goal();
                }
                else
                {
                    s.StandardTime(TimeSpan.FromDays(1)).Next("s" + (stage + 1));
                }
            });
        }

        Journey journey = builder.Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        CompiledJourney compiled = journey.Compile();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 100_000_000, $"allocated {allocated:N0} bytes");
        Assert.True(compiled.IsAllowed(0, 1));
        Assert.True(compiled.IsAllowed(12_345, 12_345));
        Assert.False(compiled.IsAllowed(1, 0)); // not in s1's list
        Assert.False(compiled.IsAllowed(0, 2));
        Assert.False(compiled.IsAllowed(n - 1, 0)); // the goal is terminal
    }
}
