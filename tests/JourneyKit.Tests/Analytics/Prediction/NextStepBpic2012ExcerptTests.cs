using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>
/// The next-touchpoint evaluation on the committed excerpt of the real BPI Challenge 2012 log (tests/data/README.md; 300
/// cases, complete lifecycle events only: 4,281 events): the every-prefix accuracy of the first-order model against a plain
/// reference implementation, and the cut-off backtest's bookkeeping on real data.
/// </summary>
public sealed class NextStepBpic2012ExcerptTests
{
    private static readonly EventBatch Complete = EventFile.Read(TestPaths.Data("bpic2012-excerpt.xes.gz"), new EventReaderOptions { LifecycleTransitions = LifecycleTransitionHandling.CompleteOnly }).Batch;

    [Fact]
    public void EveryPrefix_FirstOrderPlain_AgreesWithAReference()
    {
        // Reference: cases sorted by first event (stable), the first ⌊300·2/3⌋ = 200 count last → next (end included); a test
        // prefix's guesses are every symbol seen next anywhere, by count after its last touchpoint (or, when that was never
        // seen, by count overall), then by name.
        var cases = new List<(long First, int Index, string[] Steps)>();
        for (int c = 0; c < Complete.CustomerCount; c++)
        {
            int from = Complete.CustomerStarts[c], to = Complete.CustomerStarts[c + 1];
            var steps = new string[to - from];
            for (int i = from; i < to; i++)
            {
                steps[i - from] = Complete.Touchpoints[Complete.TouchpointIds[i]];
            }

            cases.Add((Complete.TimestampTicks[from], c, steps));
        }

        cases.Sort((a, b) => a.First != b.First ? a.First.CompareTo(b.First) : a.Index.CompareTo(b.Index));
        const string End = "(end)";
        var after = new Dictionary<string, Dictionary<string, int>>();
        var overall = new Dictionary<string, int>();
        foreach ((_, _, string[] steps) in cases.Take(200))
        {
            for (int i = 0; i < steps.Length; i++)
            {
                string next = i + 1 < steps.Length ? steps[i + 1] : End;
                Dictionary<string, int> counts = after.TryGetValue(steps[i], out var d) ? d : after[steps[i]] = [];
                counts[next] = counts.GetValueOrDefault(next) + 1;
                overall[next] = overall.GetValueOrDefault(next) + 1;
            }
        }

        int prefixes = 0, top1 = 0, top3 = 0;
        foreach ((_, _, string[] steps) in cases.Skip(200))
        {
            for (int i = 0; i < steps.Length; i++)
            {
                Dictionary<string, int> counts = after.GetValueOrDefault(steps[i]) ?? overall;
                string[] guesses = [.. overall.Keys.OrderByDescending(k => counts.GetValueOrDefault(k)).ThenBy(k => k, StringComparer.Ordinal).Take(3)];
                string actual = i + 1 < steps.Length ? steps[i + 1] : End;
                prefixes++;
                top1 += guesses[0] == actual ? 1 : 0;
                top3 += guesses.Contains(actual) ? 1 : 0;
            }
        }

        EveryPrefixResult result = NextStepBacktest.EveryPrefix(Complete, [new NextStepOptions { Name = "plain", Order = 1, Smoothing = 0 }, NextStepOptions.Default], 2 / 3.0, predictEnd: true, minimumPrefixLength: 1);

        Assert.Equal(4281, Complete.Count);
        Assert.Equal((200, 100, prefixes), (result.TrainingCases, result.TestCases, result.Prefixes));
        Assert.Equal((double)top1 / prefixes, result.Models[0].Top1!.Value, 12);
        Assert.Equal((double)top3 / prefixes, result.Models[0].Top3!.Value, 12);
        // The third-order model with backoff sees more of each case than the last step: better on this real log.
        Assert.True(result.Models[1].Top1 > result.Models[0].Top1 + 0.05, $"markov-3 {result.Models[1].Top1} vs plain {result.Models[0].Top1}");
    }

    [Fact]
    public void Backtest_OnTheExcerpt_EveryOpenRunIsCounted()
    {
        CompiledJourney journey = JourneyKit.Model.Json.JourneyJson.LoadFile(TestPaths.Sample("bpic2012.journey.json")).Compile();
        var cutoff = new DateTimeOffset(2011, 10, 20, 0, 0, 0, TimeSpan.Zero);
        NextStepCutoff c = NextStepBacktest.Run(journey, Complete, new NextStepBacktestOptions { Cutoffs = [cutoff] }).Cutoffs[0];

        var evaluator = new JourneyEvaluator(journey);
        int open = evaluator.Evaluate(Complete.Until(cutoff)).Count(r => evaluator.GetStatus(r, cutoff).IsOpen);
        Assert.True(open > 20);
        Assert.Equal(open, c.OpenRuns);
        Assert.Equal(c.OpenRuns, c.ReachedGoal + c.NeverReached + c.Censored);
        Assert.Equal(c.WithNextEvent, c.Models[0].NextKnown);
        Assert.All(c.Models, m => Assert.InRange(m.Top1!.Value, 0, m.Top3!.Value));
    }
}
