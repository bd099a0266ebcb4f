using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// The analysis with a cap on exact samples (<see cref="AnalyticsOptions.ExactSamples"/>) small enough that the generated
/// histories go past it: merged partitions still equal the whole, the sketched percentiles stay within the stated bound
/// of the exact analysis's, every count is unchanged, and the analysis names what is approximate (nothing at or below the cap).
/// </summary>
public sealed class SketchedAnalysisTests
{
    private static readonly CompiledJourney Journey = JourneyAnalyzerTests.Journey();

    /// <summary>Knobs: the instant (days after T0), the cap (0 is not allowed: 1 to 6), the number of parts, the rotation.</summary>
    [Property(MaxTest = 100)]
    public Property TinyCap_MergedPartitionsEqualTheWhole() => Pair.ForAll(AnalyticsPropertyTests.Streams(), Small.Each((1, 39), (1, 6), (1, 3), (0, 2)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(AnalyticsPropertyTests.Shape);
        var analyzer = new JourneyAnalyzer(Journey, new AnalyticsOptions { MinRiskSamples = 1, ExactSamples = knobs[1] });
        DateTimeOffset asOf = JourneyAnalyzerTests.T0.AddDays(knobs[0]);
        JourneyAnalysis whole = analyzer.Analyze(AnalyticsPropertyTests.BatchOf(input), asOf);

        Assert.Equal(JsonSerializer.Serialize(whole), JsonSerializer.Serialize(AnalyticsPropertyTests.Merged(analyzer, input, asOf, parts: knobs[2], rotation: knobs[3])));
        return true;
    });

    /// <summary>Against the exact analysis (no cap): counts equal, percentiles within α (+ half a tick), and the approximation named exactly when a distribution went past the cap.</summary>
    [Property(MaxTest = 150)]
    public Property TinyCap_AgreesWithTheExactAnalysis() => Pair.ForAll(AnalyticsPropertyTests.Streams(), Small.Each((1, 39), (1, 6)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(AnalyticsPropertyTests.Shape);
        EventBatch batch = AnalyticsPropertyTests.BatchOf(input);
        DateTimeOffset asOf = JourneyAnalyzerTests.T0.AddDays(knobs[0]);
        JourneyAnalysis exact = new JourneyAnalyzer(Journey, new AnalyticsOptions { MinRiskSamples = 1, ExactSamples = int.MaxValue }).Analyze(batch, asOf);
        JourneyAnalysis sketched = new JourneyAnalyzer(Journey, new AnalyticsOptions { MinRiskSamples = 1, ExactSamples = knobs[1] }).Analyze(batch, asOf);

        Assert.Null(exact.Approximation);
        Assert.Equal((exact.Customers, exact.Events, exact.GoalReached, exact.States), (sketched.Customers, sketched.Events, sketched.GoalReached, sketched.States));
        Assert.Equal(exact.Funnel.Select(f => (f.Reached, f.Visited, f.Converted)), sketched.Funnel.Select(f => (f.Reached, f.Visited, f.Converted)));
        Assert.Equal(exact.Scores.Histogram, sketched.Scores.Histogram);
        Assert.Equal(exact.Paths.Variants.Select(v => (string.Join('>', v.Stages), v.Customers)), sketched.Paths.Variants.Select(v => (string.Join('>', v.Stages), v.Customers)));
        for (int s = 0; s < exact.TimeInStage.Count; s++)
        {
            StageTimeStats e = exact.TimeInStage[s], k = sketched.TimeInStage[s];
            Assert.Equal(e.CompletedVisits, k.CompletedVisits);
            Within(e.P50, k.P50);
            Within(e.P90, k.P90);
            Within(e.P99, k.P99);
        }

        bool overCap = exact.Customers > knobs[1] || exact.TimeInStage.Any(t => t.CompletedVisits > knobs[1]) || exact.Paths.Transitions.Any(t => t.Count > knobs[1]) || exact.Risk.Any(r => r.Curve.Observations > knobs[1]);
        Assert.Equal(overCap, sketched.Approximation is not null);
        if (sketched.Approximation is { } approximation)
        {
            Assert.Equal(0.005, approximation.RelativeAccuracy);
            Assert.Equal(knobs[1], approximation.ExactSamples);
            Assert.Equal(exact.Customers > knobs[1], approximation.Sections.Contains("conversion"));
            Assert.Equal(exact.TimeInStage.Any(t => t.CompletedVisits > knobs[1]), approximation.Sections.Contains("time_in_stage"));
            Assert.Equal(exact.Customers > knobs[1], approximation.Sections.Contains("scores"));
        }
        else
        {
            Assert.Equal(JsonSerializer.Serialize(exact), JsonSerializer.Serialize(sketched)); // at or below the cap: the exact answer
        }

        return true;
    });

    private static void Within(TimeSpan? exact, TimeSpan? sketched)
    {
        Assert.Equal(exact is null, sketched is null);
        if (exact is { } e)
        {
            Assert.True(Math.Abs(sketched!.Value.Ticks - e.Ticks) <= (0.005 * Math.Abs(e.Ticks) * (1 + 1e-9)) + 0.5, $"{sketched} vs exact {e}");
        }
    }

    [Fact]
    public void ExactSamples_DefaultAndValidation()
    {
        Assert.Equal(1 << 20, new AnalyticsOptions().ExactSamples);
        Assert.Throws<ArgumentOutOfRangeException>(() => new JourneyAnalyzer(Journey, new AnalyticsOptions { ExactSamples = 0 }));
    }
}
