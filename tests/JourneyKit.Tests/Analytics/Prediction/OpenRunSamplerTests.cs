using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Analytics;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>
/// The sampler and the backtest's outcomes against a reference written from the raw events: which runs are open at an
/// instant, in which stage since when, and whether they progressed within the horizon or reached the goal.
/// </summary>
public sealed class OpenRunSamplerTests
{
    private static readonly CompiledJourney Journey = JourneyAnalyzerTests.Journey();
    private static readonly string[] Designed = ["apply", "verify", "done"];
    private static readonly TimeSpan Inactivity = TimeSpan.FromDays(14);

    private static string? StageOf(string touchpoint) => Journey.Journey.Stages.FirstOrDefault(s => s.Touchpoints.Contains(touchpoint))?.Id;

    /// <summary>Dedupe by event id (first wins), then each customer's events by time, stable.</summary>
    private static Dictionary<string, List<JourneyEvent>> Customers(List<JourneyEvent> input) =>
        input.GroupBy(e => e.EventId).Select(g => g.First()).GroupBy(e => e.CustomerId)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.TimestampTicks).ToList());

    /// <summary>The reference state at <paramref name="at"/>: (stage, entered) when open in apply or verify; null otherwise.</summary>
    private static (string Stage, DateTimeOffset Entered)? OpenAt(List<JourneyEvent> events, DateTimeOffset at)
    {
        string? stage = null;
        DateTimeOffset entered = default, last = default;
        bool any = false;
        foreach (JourneyEvent e in events.Where(e => e.Timestamp <= at))
        {
            any = true;
            last = e.Timestamp;
            string? s = StageOf(e.Touchpoint);
            if (s is not null && stage is not ("done" or "declined") && s != stage)
            {
                (stage, entered) = (s, e.Timestamp);
            }
        }

        bool open = any && stage is not ("done" or "declined") && at - last < Inactivity;
        return open && stage is "apply" or "verify" ? (stage!, entered) : null;
    }

    /// <summary>The reference outcomes of a run open in <paramref name="stage"/> at <paramref name="at"/>, seen up to <paramref name="until"/>.</summary>
    private static (bool? NotProgressed, bool? MissedGoal) Outcomes(List<JourneyEvent> events, string stage, DateTimeOffset at, TimeSpan horizon, DateTimeOffset until)
    {
        bool progressed = false, goal = false, failed = false;
        foreach (JourneyEvent e in events.Where(e => e.Timestamp > at && e.Timestamp <= until))
        {
            string? s = StageOf(e.Touchpoint);
            if (s is "done")
            {
                goal = true;
                progressed |= e.Timestamp <= at + horizon;
                break;
            }

            if (s is "declined")
            {
                failed = true;
                break;
            }

            progressed |= s is not null && Array.IndexOf(Designed, s) > Array.IndexOf(Designed, stage) && e.Timestamp <= at + horizon;
        }

        DateTimeOffset last = events.Where(e => e.Timestamp <= until).Max(e => e.Timestamp);
        bool decided = goal || failed || until - last >= Inactivity;
        bool? notProgressed = progressed ? false : at + horizon <= until || decided ? true : null;
        bool? missed = goal ? false : decided ? true : null;
        return (notProgressed, missed);
    }

    private static EventBatch BatchOf(IEnumerable<JourneyEvent> events)
    {
        var b = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            b.Add(e);
        }

        return b.Build();
    }

    /// <summary>Knobs: the end of the data and the horizon (hours after T0 and hours), and 1–5 landmarks (hours after T0).</summary>
    [Property(MaxTest = 150)]
    public Property Sample_AgreesWithTheReference() =>
        Pair.ForAll(AnalyticsPropertyTests.Streams(), Pair.Of(Small.Each((50, 599), (1, 199)), Small.ArrayOf(Gen.Choose(0, 699), 1, 5)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(AnalyticsPropertyTests.Shape);
        EventBatch batch = BatchOf(input);
        Dictionary<string, List<JourneyEvent>> customers = Customers(input);
        DateTimeOffset until = JourneyAnalyzerTests.T0.AddHours(knobs.First[0]);
        var horizon = TimeSpan.FromHours(knobs.First[1]);
        DateTimeOffset[] landmarks = [.. knobs.Second.Select(h => JourneyAnalyzerTests.T0.AddHours(h))];
        var seen = new List<(int Index, int Events)>();
        IReadOnlyList<OpenRunSample> samples = OpenRunSampler.Sample(new JourneyEvaluator(Journey), batch, landmarks, horizon, until, (int index, JourneyInstance run, in OpenRunSample s) => seen.Add((index, run.EventCount)));

        var expected = new List<(string, DateTimeOffset, string, TimeSpan, bool?, bool?)>();
        foreach ((string customer, List<JourneyEvent> events) in customers.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (DateTimeOffset l in landmarks.Where(l => l <= until).Distinct().Order())
            {
                if (OpenAt(events, l) is { } open)
                {
                    (bool? np, bool? mg) = Outcomes(events, open.Stage, l, horizon, until);
                    expected.Add((customer, l, open.Stage, l - open.Entered, np, mg));
                }
            }
        }

        var actual = samples.Select(s => (s.CustomerId, s.Landmark, Journey.Stages[s.Stage].Id, s.TimeInStage, s.NotProgressed, s.MissedGoal)).OrderBy(s => s.CustomerId, StringComparer.Ordinal).ThenBy(s => s.Landmark).ToList();
        bool visitorSawEach = seen.Select(s => s.Index).SequenceEqual(Enumerable.Range(0, samples.Count))
            && seen.All(s => s.Events == samples[s.Index].EndRow - batch.CustomerStarts[samples[s.Index].EventRun]);
        Assert.True(expected.SequenceEqual(actual) && visitorSawEach, $"expected {string.Join("; ", expected)}\nactual   {string.Join("; ", actual)}");
        return true;
    });

    /// <summary>Knobs: the cut-off (thousandths of the way from the first event to the last) and the horizon (hours).</summary>
    [Property(MaxTest = 100)]
    public Property BacktestOutcomes_AgreeWithTheReference() => Pair.ForAll(AnalyticsPropertyTests.Streams(), Small.Each((0, 999), (1, 199)), (history, knobs) =>
    {
        List<JourneyEvent> input = history.Input(AnalyticsPropertyTests.Shape);
        EventBatch batch = BatchOf(input);
        if (batch.Count < 2 || batch.EarliestTimestamp == batch.LatestTimestamp)
        {
            return true;
        }

        Dictionary<string, List<JourneyEvent>> customers = Customers(input);
        DateTimeOffset first = batch.EarliestTimestamp!.Value, end = batch.LatestTimestamp!.Value;
        DateTimeOffset cutoff = first + ((end - first) * (knobs[0] / 1000.0));
        var horizon = TimeSpan.FromHours(knobs[1]);
        BacktestCutoff c = Backtest.Run(Journey, batch, new BacktestOptions { Cutoffs = [cutoff], Horizon = horizon }).Cutoffs[0];

        var expected = new List<(string, string, bool?, bool?)>();
        foreach ((string customer, List<JourneyEvent> events) in customers.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (OpenAt(events, cutoff) is { } open)
            {
                (bool? np, bool? mg) = Outcomes(events, open.Stage, cutoff, horizon, end);
                expected.Add((customer, open.Stage, np, mg));
            }
        }

        var actual = c.Predictions.Select(p => (p.CustomerId, p.StageId, p.NotProgressed, p.MissedGoal)).OrderBy(p => p.CustomerId, StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual), $"expected {string.Join("; ", expected)}\nactual   {string.Join("; ", actual)}");
        return true;
    });
}
