using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// The mergeable forms of the report's score ↔ KPI link (<see cref="ScoreKpiLinkAccumulator"/>) and trust backtest
/// (<see cref="Backtest.Plan"/>: a fitting pass, then a scoring pass): customers split into random batches, each batch
/// added to its own accumulator, merged, give the result of the whole batch.
/// </summary>
public sealed class StreamedLinkAndBacktestTests
{
    private static readonly string[] Touchpoints = ["form", "call", "upload", "active", "no", "ad", "zz"];
    private static readonly DateTimeOffset T0 = JourneyAnalyzerTests.T0;

    /// <summary>Gaps of 0–3 × 20 hours, values set (the NPS responses), duplicates whose copy is an "ad".</summary>
    private static readonly HistoryShape Shape = new(Touchpoints, TimeSpan.FromHours(20), T0, DuplicateTouchpoint: "ad");

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary><see cref="JourneyAnalyzerTests.Journey"/> with KPIs of every kind the link measures: conversion with and
    /// without a horizon, time to complete, and an NPS fed as "ad" events (the generated values).</summary>
    private static readonly CompiledJourney Journey = (JourneyAnalyzerTests.Journey().Journey with
    {
        Kpis = new Kpi[]
        {
            new() { Id = "conversion", Kind = KpiKind.Conversion, Target = 0.5, Horizon = TimeSpan.FromDays(3) },
            new() { Id = "ever", Kind = KpiKind.Conversion, Target = 0.5 },
            new() { Id = "time", Kind = KpiKind.TimeToComplete, Target = 100 },
            new() { Id = "nps", Kind = KpiKind.Nps, Target = 20, Touchpoint = "ad" },
        },
    }).Compile();

    private static EventBatch BatchOf(IEnumerable<JourneyEvent> events)
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            b.Add(e);
        }

        return b.Build();
    }

    /// <summary>The customers of the whole batch in its order.</summary>
    private static List<string> CustomersOf(EventBatch batch)
    {
        var customers = new List<string>(batch.CustomerCount);
        for (int r = 0; r < batch.CustomerCount; r++)
        {
            customers.Add(batch.Customers[batch.CustomerOfRun(r)]);
        }

        return customers;
    }

    /// <summary>The input split into batches of whole customers, each built on its own (own symbol tables, as a file read
    /// batch by batch gives): customer k of the whole batch goes to batch <paramref name="partOf"/>(k).</summary>
    private static List<EventBatch> Split(List<JourneyEvent> input, List<string> customers, int parts, Func<int, int> partOf)
    {
        var part = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < customers.Count; k++)
        {
            part[customers[k]] = partOf(k);
        }

        var batches = new List<EventBatch>(parts);
        for (int p = 0; p < parts; p++)
        {
            batches.Add(BatchOf(input.Where(e => part.TryGetValue(e.CustomerId, out int q) && q == p)));
        }

        return batches;
    }

    /// <summary>
    /// Knobs: the number of batches, the seed of the random split, and the end of the observation (tenths of the data's
    /// span past its first event; the cut-off is halfway to it). Customers go to random batches (not contiguous: the
    /// merged pairs come in another order than the whole batch's), so the concordances and correlations are compared
    /// within 1e-12; the counts exactly.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property ScoreKpiLink_RandomBatchesMerged_EqualTheWhole() => Pair.ForAll(AnalyticsPropertyTests.Streams(), Small.Each((1, 5), (0, 10_000), (2, 12)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(Shape);
        EventBatch whole = BatchOf(input);
        if (whole.EarliestTimestamp is not { } first || whole.LatestTimestamp is not { } last || last <= first)
        {
            return true; // no span: the report has no link
        }

        var analyzer = new JourneyAnalyzer(Journey);
        DateTimeOffset asOf = first + ((last - first) * knobs[2] / 10);
        DateTimeOffset cutoff = first + ((asOf - first) / 2);
        ScoreKpiLinkResult expected = analyzer.LinkScoresToKpis(whole, cutoff, asOf);

        var random = new Random(knobs[1]);
        List<EventBatch> batches = Split(input, CustomersOf(whole), knobs[0], _ => random.Next(knobs[0]));
        ScoreKpiLinkAccumulator merged = analyzer.CreateScoreKpiLinkAccumulator(cutoff, asOf);
        foreach (EventBatch batch in batches)
        {
            ScoreKpiLinkAccumulator part = analyzer.CreateScoreKpiLinkAccumulator(cutoff, asOf);
            part.Add(batch);
            merged.Merge(part);
        }

        ScoreKpiLinkResult actual = merged.Build();
        Assert.Equal((expected.DataStart, expected.Cutoff, expected.AsOf, expected.OpenAtCutoff), (actual.DataStart, actual.Cutoff, actual.AsOf, actual.OpenAtCutoff));
        AssertLink(expected.Goal, actual.Goal);
        Assert.Equal(expected.Kpis.Count, actual.Kpis.Count);
        for (int k = 0; k < expected.Kpis.Count; k++)
        {
            AssertLink(expected.Kpis[k], actual.Kpis[k]);
        }

        return true;
    });

    /// <summary>
    /// Knobs: the number of batches, the seed of the random cut points, and the later cut-off (tenths of the span). The
    /// batches are contiguous runs of the whole batch's customers, merged in order — as a file grouped by customer is read —
    /// so both passes give <see cref="Backtest.Run"/>'s result exactly, predictions and metrics included.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property Backtest_RandomBatchesInOrder_EqualTheWholeRun() => Pair.ForAll(AnalyticsPropertyTests.Streams(), Small.Each((1, 5), (0, 10_000), (5, 9)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(Shape);
        EventBatch whole = BatchOf(input);
        if (whole.EarliestTimestamp is not { } first || whole.LatestTimestamp is not { } last || last - first < TimeSpan.FromHours(1))
        {
            return true; // no span to cut
        }

        var options = new BacktestOptions
        {
            Cutoffs = [first + ((last - first) * knobs[2] / 10), first + ((last - first) / 3)],
            Horizon = TimeSpan.FromDays(1),
            Models = [HistoricalRateRiskTrainer.Default, new KaplanMeierRiskTrainer { MinRiskSamples = 1 }],
        };
        BacktestResult expected = Backtest.Run(Journey, whole, options);

        List<string> customers = CustomersOf(whole);
        var random = new Random(knobs[1]);
        int[] cuts = [.. Enumerable.Range(0, knobs[0] - 1).Select(_ => random.Next(customers.Count + 1)).Order()];
        List<EventBatch> batches = Split(input, customers, knobs[0], k => cuts.Count(c => c <= k));
        BacktestPlan plan = Backtest.Plan(Journey, options, first, last);
        BacktestFitAccumulator fit = plan.CreateFitAccumulator();
        foreach (EventBatch batch in batches)
        {
            BacktestFitAccumulator part = plan.CreateFitAccumulator();
            part.Add(batch);
            fit.Merge(part);
        }

        BacktestFit fitted = fit.Build();
        BacktestAccumulator scored = fitted.CreateAccumulator();
        foreach (EventBatch batch in batches)
        {
            BacktestAccumulator part = fitted.CreateAccumulator();
            part.Add(batch);
            scored.Merge(part);
        }

        Assert.Equal(JsonSerializer.Serialize(expected, Json), JsonSerializer.Serialize(scored.Build(), Json));
        return true;
    });

    [Fact]
    public void Plan_CustomTrainer_IsRejected_AndCutoffsAreChecked()
    {
        var custom = new BacktestOptions { Cutoffs = [T0.AddDays(1)], Models = [new ConstantTrainer()] };
        ArgumentException e = Assert.Throws<ArgumentException>(() => Backtest.Plan(Journey, custom, T0, T0.AddDays(2)));
        Assert.Contains("'constant' cannot be fitted batch by batch", e.Message, StringComparison.Ordinal);
        var late = new BacktestOptions { Cutoffs = [T0.AddDays(2)] };
        Assert.Throws<ArgumentException>(() => Backtest.Plan(Journey, late, T0, T0.AddDays(2))); // a cut-off must be before the last event
        BacktestPlan plan = Backtest.Plan(Journey, new BacktestOptions { Cutoffs = [T0.AddDays(1)] }, T0, T0.AddDays(2));
        BacktestPlan other = Backtest.Plan(Journey, new BacktestOptions { Cutoffs = [T0.AddDays(1)] }, T0, T0.AddDays(2));
        Assert.Throws<ArgumentException>(() => plan.CreateFitAccumulator().Merge(other.CreateFitAccumulator()));
    }

    private static void AssertLink(ScoreKpiLink expected, ScoreKpiLink actual)
    {
        Assert.Equal((expected.KpiId, expected.Name, expected.Kind, expected.Runs, expected.Censored), (actual.KpiId, actual.Name, actual.Kind, actual.Runs, actual.Censored));
        AssertClose(expected.Concordance, actual.Concordance);
        AssertClose(expected.Correlation, actual.Correlation);
    }

    private static void AssertClose(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.True(Math.Abs(e - actual!.Value) <= 1e-12, $"expected {e:R}, got {actual:R}");
        }
    }

    private sealed class ConstantTrainer : RiskModelTrainer
    {
        public override string Name => "constant";

        public override FittedRiskModel Fit(RiskTrainingSet training) => throw new NotSupportedException();
    }
}
