using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics;

/// <summary>
/// Random event streams (ties, duplicates by event id, shuffled input, unknown touchpoints, missing channels) against a
/// deliberately simple reference written from raw events with LINQ, plus invariants and partition merging.
/// </summary>
public sealed class AnalyticsPropertyTests
{
    private static readonly string[] Touchpoints = ["form", "call", "upload", "active", "no", "ad", "zz"];
    private static readonly Channel[] Channels = [Channel.None, Channel.Web, Channel.Mobile, Channel.Email];
    private static readonly CompiledJourney Journey = JourneyAnalyzerTests.Journey();

    /// <summary>How a generated history becomes events here: this journey's touchpoints and two it does not name ("ad",
    /// "zz"), gaps of 0–3 × 20 hours (equal timestamps now and then), channels by value (None among them), duplicates by
    /// event id whose copy is an "ad" (same id, other content: the first in the input wins) and shuffled input.</summary>
    internal static readonly HistoryShape Shape = new(Touchpoints, TimeSpan.FromHours(20), JourneyAnalyzerTests.T0, Channels, DuplicateTouchpoint: "ad");

    /// <summary>Histories of up to 10 customers and 60 events in <see cref="Shape"/>'s touchpoints; they shrink.</summary>
    internal static Arbitrary<History> Streams() =>
        Histories.Of(customers: 10, touchpoints: Touchpoints.Length, maxEvents: 60, maxValue: Channels.Length - 1);

    internal static EventBatch BatchOf(IEnumerable<JourneyEvent> events)
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            b.Add(e);
        }

        return b.Build();
    }

    /// <summary>The reference: dedupe by id (first wins), order each customer's events by time (stable on input order).</summary>
    private static List<List<JourneyEvent>> Customers(List<JourneyEvent> input) =>
        [.. input.GroupBy(e => e.EventId).Select(g => g.First())
            .GroupBy(e => e.CustomerId)
            .Select(g => g.OrderBy(e => e.TimestampTicks).ToList())];

    private static string? StageOf(string touchpoint) =>
        Journey.Journey.Stages.FirstOrDefault(s => s.Touchpoints.Contains(touchpoint))?.Id;

    private static List<string> Visits(List<JourneyEvent> events)
    {
        var visits = new List<string>();
        foreach (string? stage in events.Select(e => StageOf(e.Touchpoint)))
        {
            bool ended = visits.Count > 0 && visits[^1] is "done" or "declined"; // the first terminal stage ends the run
            if (stage is not null && !ended && (visits.Count == 0 || visits[^1] != stage))
            {
                visits.Add(stage);
            }
        }

        return visits;
    }

    [Property(MaxTest = 150)]
    public Property Analysis_AgreesWithTheReference() => Prop.ForAll(Streams(), history =>
    {
        List<JourneyEvent> input = history.Input(Shape);
        DateTimeOffset asOf = JourneyAnalyzerTests.T0.AddDays(60);
        JourneyAnalysis a = new JourneyAnalyzer(Journey, new AnalyticsOptions { TopVariants = 1000 }).Analyze(BatchOf(input), asOf);
        List<List<JourneyEvent>> customers = Customers(input);
        string[] main = ["apply", "verify", "done"];

        Assert.Equal(customers.Count, a.Customers);
        Assert.Equal(customers.Sum(c => c.Count), a.Events);
        for (int p = 0; p < main.Length; p++)
        {
            Assert.Equal(customers.Count(c => Visits(c).Select(v => Array.IndexOf(main, v)).DefaultIfEmpty(-1).Max() >= p), a.Funnel[p].Reached);
            Assert.Equal(customers.Count(c => Visits(c).Contains(main[p])), a.Funnel[p].Visited);
        }

        var variants = customers.Select(Visits).Where(v => v.Count > 0).GroupBy(v => string.Join('>', v)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(variants, a.Paths.Variants.ToDictionary(v => string.Join('>', v.Stages), v => v.Customers));

        var transitions = customers.Select(Visits).SelectMany(v => v.Zip(v.Skip(1))).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(transitions, a.Paths.Transitions.ToDictionary(t => (t.From, t.To), t => t.Count));

        var switches = new Dictionary<(string, string), int>();
        foreach (List<JourneyEvent> c in customers)
        {
            List<JourneyEvent> withChannel = [.. c.Where(e => !e.Channel.IsNone)];
            foreach ((JourneyEvent x, JourneyEvent y) in withChannel.Zip(withChannel.Skip(1)).Where(p => p.First.Channel != p.Second.Channel))
            {
                switches[(x.Channel.Name, y.Channel.Name)] = switches.GetValueOrDefault((x.Channel.Name, y.Channel.Name)) + 1;
            }
        }

        Assert.Equal(switches, a.ChannelSwitches.GroupBy(s => (s.From, s.To)).ToDictionary(g => g.Key, g => g.Sum(s => s.Count)));

        int goal = customers.Count(c => Visits(c).Contains("done"));
        Assert.Equal(goal, a.GoalReached);
        Assert.Equal((goal, customers.Count), (a.ChannelAttribution.Conversions, a.ChannelAttribution.Paths));
        Assert.Equal(a.Customers, a.Scores.Histogram.Sum());
    });

    [Property(MaxTest = 150)]
    public Property Funnel_NeverIncreases_AndDropOffsAddUp() => Prop.ForAll(Streams(), history =>
    {
        JourneyAnalysis a = new JourneyAnalyzer(Journey).Analyze(history.Batch(Shape), JourneyAnalyzerTests.T0.AddDays(30));
        Assert.True(a.Funnel[0].Reached <= a.Customers);
        for (int p = 1; p < a.Funnel.Count; p++)
        {
            Assert.True(a.Funnel[p].Reached <= a.Funnel[p - 1].Reached);
            Assert.True(a.Funnel[p].Visited <= a.Funnel[p].Reached);
        }

        // Every run that reached the funnel is counted once: at its furthest step by its state, or as converted at the last.
        Assert.Equal(a.Funnel[0].Reached, a.Funnel.Take(a.Funnel.Count - 1).Sum(f => f.Open + f.DroppedOff + f.MovedOn) + a.Funnel[^1].Converted);
        double totalAttributed = a.ChannelAttribution.States.Sum(s => s.AttributedConversions);
        Assert.True(a.ChannelAttribution.States.All(s => s.RemovalEffect is >= 0 and <= 1 + 1e-9));
        Assert.True(totalAttributed == 0 || Math.Abs(totalAttributed - a.ChannelAttribution.Conversions) < 1e-6);
        Assert.All(a.AtRisk, r => Assert.True(r.TimeInStage <= r.StandardTime && r.RiskOfNotProgressing >= 0.5));
    });

    /// <summary>Knobs: the instant (days after T0), the number of parts, and the part of each customer and the merge
    /// order, both given by a rotation (customer k goes to part (k + rotation) mod parts; the accumulators merge starting
    /// from part rotation mod parts).</summary>
    [Property(MaxTest = 100)]
    public Property MergedPartitions_EqualTheWhole() => Pair.ForAll(Streams(), Small.Each((1, 39), (1, 3), (0, 2)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(Shape);
        var analyzer = new JourneyAnalyzer(Journey, new AnalyticsOptions { MinRiskSamples = 1 });
        DateTimeOffset asOf = JourneyAnalyzerTests.T0.AddDays(knobs[0]);
        JourneyAnalysis whole = analyzer.Analyze(BatchOf(input), asOf);

        Assert.Equal(JsonSerializer.Serialize(whole), JsonSerializer.Serialize(Merged(analyzer, input, asOf, parts: knobs[1], rotation: knobs[2])));
        return true;
    });

    /// <summary>The analysis of <paramref name="input"/> built from <paramref name="parts"/> accumulators: customer k goes to
    /// part (k + rotation) mod parts, and the accumulators merge starting from part rotation mod parts.</summary>
    internal static JourneyAnalysis Merged(JourneyAnalyzer analyzer, List<JourneyEvent> input, DateTimeOffset asOf, int parts, int rotation)
    {
        var partition = input.Select(e => e.CustomerId).Distinct().Select((c, k) => (c, k)).ToDictionary(x => x.c, x => (x.k + rotation) % parts);
        var accumulators = Enumerable.Range(0, parts).Select(p =>
        {
            JourneyAnalysisAccumulator acc = analyzer.CreateAccumulator(asOf);
            acc.Add(BatchOf(input.Where(e => partition[e.CustomerId] == p)));
            return acc;
        }).ToList();
        accumulators = [.. accumulators.Skip(rotation % parts), .. accumulators.Take(rotation % parts)];
        for (int i = 1; i < accumulators.Count; i++)
        {
            accumulators[0].Merge(accumulators[i]);
        }

        return accumulators[0].Build();
    }
}
