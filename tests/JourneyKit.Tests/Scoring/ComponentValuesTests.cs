using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Scoring;
using JourneyKit.Tests.Analytics;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// <see cref="ScoringModel.ComponentValues"/> (the allocation-free path prediction features use) gives exactly the values
/// of <see cref="ScoringModel.Score"/>'s breakdown, for the built-in components and for a custom one.
/// </summary>
public sealed class ComponentValuesTests
{
    private sealed class HalfComponent : ScoreComponent
    {
        public override string Name => "half";

        public override ComponentValue Evaluate(ScoringContext context) => new(context.Instance.EventCount % 2 == 0 ? 0.25 : 2, "custom");
    }

    [Property(MaxTest = 100)]
    public Property ComponentValues_EqualTheBreakdownValues() => Pair.ForAll(AnalyticsPropertyTests.Streams(), Small.Between(0, 39), (history, asOfDays) =>
    {
        EventBatch batch = history.Batch(AnalyticsPropertyTests.Shape);
        CompiledJourney journey = JourneyKit.Tests.Analytics.JourneyAnalyzerTests.Journey();
        var evaluator = new JourneyEvaluator(journey);
        ScoringModel model = ScoringModel.Default.With(new HalfComponent(), 0.1); // a custom component: evaluated in full, clamped to 1
        DateTimeOffset asOf = JourneyAnalyzerTests.T0.AddDays(asOfDays);
        var values = new double[model.Components.Count];
        foreach (JourneyInstance run in evaluator.Evaluate(batch.Until(asOf)))
        {
            model.ComponentValues(evaluator, run, asOf, values);
            JourneyScore score = model.Score(evaluator, run, asOf);
            for (int c = 0; c < values.Length; c++)
            {
                Assert.Equal(score.Breakdown[c].Value, values[c]);
            }
        }

        return true;
    });

    [Fact]
    public void ComponentValues_TooShort_Throws()
    {
        var evaluator = new JourneyEvaluator(JourneyAnalyzerTests.Journey());
        JourneyInstance run = evaluator.CreateInstance("a");
        Assert.Throws<ArgumentException>(() => ScoringModel.Default.ComponentValues(evaluator, run, JourneyAnalyzerTests.T0, new double[2]));
    }

    [Fact]
    public void ScoreContribution_FormatsNameRoundedLossAndExplanation()
    {
        // 100 × 0.2 × (1 − 0.38) = 12.4 points lost, rounded to 12; 2.5 rounds to even (2)
        var velocity = new ScoreContribution("velocity", 0.2, 0.38, 7.6, 12.4, "stuck 3d over standard in 'Verify identity'");
        Assert.Equal("velocity -12: stuck 3d over standard in 'Verify identity'", velocity.ToString());
        var goal = new ScoreContribution("goal", 0.05, 0.5, 2.5, 2.5, "in progress");
        Span<char> text = stackalloc char[64];
        Assert.True(goal.TryFormat(text, out int n));
        Assert.Equal("goal -2: in progress", text[..n].ToString());
        Assert.False(goal.TryFormat(text[..10], out n));
        Assert.Equal(0, n);
    }
}
