using FsCheck;
using FsCheck.Fluent;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// The shared generators shrink: deliberately false properties are checked with FsCheck, and the counterexample it
/// reports (the last failing input it tried) is the smallest one — whatever random case failed first. Each expected
/// minimum is the only input from which no shrink step still fails (argued per test).
/// </summary>
public sealed class ShrinkingTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(500);

    /// <summary>Runs a false property; returns the reported counterexample (the last failing input) and the message.</summary>
    private static (T Shrunk, string Message) Falsify<T>(Arbitrary<T> arbitrary, Func<T, bool> property)
    {
        T? last = default;
        bool failed = false;
        Exception e = Assert.ThrowsAny<Exception>(() => Check.One(Quick, Prop.ForAll(arbitrary, x =>
        {
            bool holds = property(x);
            if (!holds)
            {
                (last, failed) = (x, true);
            }

            return holds;
        })));
        Assert.True(failed);
        return (last!, e.Message);
    }

    private static (T1, T2) Falsify<T1, T2>(Arbitrary<T1> a1, Arbitrary<T2> a2, Func<T1, T2, bool> property)
    {
        (T1, T2) last = default;
        Exception e = Assert.ThrowsAny<Exception>(() => Check.One(Quick, Prop.ForAll(a1, a2, (x, y) =>
        {
            bool holds = property(x, y);
            if (!holds)
            {
                last = (x, y);
            }

            return holds;
        })));
        Assert.Contains("shrink", e.Message, StringComparison.OrdinalIgnoreCase);
        return last;
    }

    [Fact]
    public void History_FalseProperty_ShrinksToTheTwoEventsThatBreakIt()
    {
        // "No customer ever does a then b" is false. From any failing history: dropping an event other than the pair
        // still fails, so two events remain; moving both to customer 0 together, no duplicate, no shuffle, no gap,
        // no channel or value all still fail — the minimum is a@0 b@0 of customer 0 (a tie, in input order).
        CompiledPattern ab = CompiledPattern.Compile("a b");
        (History shrunk, string message) = Falsify(Histories.Of(customers: 3, touchpoints: 4, maxEvents: 30), h =>
        {
            EventBatch batch = h.Batch();
            return batch.CustomerCount == 0 || ab.Evaluate(batch).All(m => !m.Matched);
        });

        Assert.Equal([new HistoryEvent(0, 0, 0, false, 0, false, 0), new HistoryEvent(0, 1, 0, false, 0, false, 0)], shrunk.Events);
        Assert.Contains("u0:a+0 u0:b+0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pattern_FalseProperty_ShrinksToOneTouchpoint()
    {
        // "No pattern matches a@0 b@1" is false. Every matching tree has a part that still matches (a side of an
        // alternation, the body of a group or repeat, one item less of a sequence) and every matching atom shrinks
        // to the touchpoint a, which matches — so the minimum is the pattern "a".
        var events = new EventBatchBuilder();
        events.Add(new JourneyEvent("c", "a", History.T0));
        events.Add(new JourneyEvent("c", "b", History.T0.AddSeconds(1)));
        EventBatch batch = events.Build();
        (PatternCase shrunk, string message) = Falsify(Patterns.Of(PatternFeatures.Plain), p =>
        {
            try
            {
                return !CompiledPattern.Compile(p.Text).Evaluate(batch)[0].Matched;
            }
            catch (PatternSyntaxException)
            {
                return true;
            }
        });

        Assert.Equal("a", shrunk.Text);
        Assert.Contains("Original", message, StringComparison.Ordinal); // FsCheck reports the original and the shrunk case
    }

    [Fact]
    public void Funnel_FalseProperty_ShrinksToOneEventThatSatisfiesTwoSteps()
    {
        // "No funnel ever reaches level 2" is false. Shrinking tries the default mode, fewer and simpler steps, smaller
        // windows and fewer events: steps a,a in the default mode reach level 2 on a single event a (one event
        // satisfying several steps advances several levels, ClickHouse's entries), and nothing smaller does.
        (FunnelDefinition funnel, History history) = Falsify(FunnelDefinitions.Of(), Histories.Of(customers: 2, maxEvents: 20), (f, h) =>
        {
            EventBatch batch = h.Batch();
            if (batch.CustomerCount == 0)
            {
                return true;
            }

            WindowFunnelResult result = f.Create().Evaluate(batch);
            for (int run = 0; run < batch.CustomerCount; run++)
            {
                if (result.Levels[run] >= 2)
                {
                    return false;
                }
            }

            return true;
        });

        Assert.Equal(WindowFunnelMode.None, funnel.Mode);
        Assert.Equal([new FunnelStepDefinition(0, -1, false, false), new FunnelStepDefinition(0, -1, false, false)], funnel.Steps);
        Assert.Equal([new HistoryEvent(0, 0, 0, false, 0, false, 0)], history.Events);
    }
}
