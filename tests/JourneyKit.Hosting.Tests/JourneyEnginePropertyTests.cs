using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class JourneyEnginePropertyTests
{
    private static readonly string[] Touchpoints = ["form.start", "form.submit", "id.upload", "id.check", "help.call", "first.login", "unknown.tp"];

    /// <summary>
    /// Events of 3 customers (distinct times), ingested in random order and random chunks with some sent twice, give
    /// (1) each customer the instance a batch evaluation of the sorted, de-duplicated events gives, and (2) exactly one
    /// "entered" intervention per stage entry of the final history (a late event never loses or repeats one; entries are
    /// identified by stage and ordinal; a late terminal event may retract entries already sent, which stay sent once).
    /// </summary>
    [Property(MaxTest = 40)]
    public bool Ingest_AnyOrderChunksDuplicates_SameAsBatchOfSorted(int seed)
    {
        var random = new Random(seed);
        var events = new List<JourneyEvent>();
        for (int c = 0; c < 3; c++)
        {
            int n = random.Next(1, 12);
            for (int i = 0; i < n; i++)
            {
                events.Add(Event($"c{c}", Touchpoints[random.Next(Touchpoints.Length)], T0.AddMinutes((i * 7) + c)));
            }
        }

        List<JourneyEvent> arrival = [.. events, .. events.Where(_ => random.Next(4) == 0)];
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arrival));
        var clock = Clock();
        clock.Advance(TimeSpan.FromDays(1)); // no stuck rule here; "now" after all events
        var sent = new RecordingInterventionDispatcher();
        JourneyRule entered = JourneyRule.Create("entered").WhenEntered(null).Then("hi", Channel.Email).SuppressWhenProgressed(false).Build();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, entered);
        for (int i = 0; i < arrival.Count;)
        {
            int chunk = Math.Min(random.Next(1, 5), arrival.Count - i);
            engine.IngestBatchAsync(arrival.GetRange(i, chunk)).GetAwaiter().GetResult();
            i += chunk;
        }

        var batch = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            batch.Add(e);
        }

        foreach (JourneyInstance expected in new JourneyEvaluator(Onboarding).Evaluate(batch.Build()))
        {
            JourneyInstance actual = engine.GetInstanceAsync(expected.CustomerId).GetAwaiter().GetResult()!;
            if (!expected.Serialize().AsSpan().SequenceEqual(actual.Serialize()))
            {
                return false;
            }

            // The one lifecycle state (issue 14): the engine's instance and the batch's agree at a random instant after
            // the customer's last event (minutes to weeks later: in progress, stuck, dormant or terminal).
            var evaluator = new JourneyEvaluator(Onboarding);
            DateTimeOffset asOf = new DateTimeOffset(expected.LastEventTicks, TimeSpan.Zero).AddMinutes(random.Next(0, 60 * 24 * 30));
            if (evaluator.GetStatus(expected, asOf) != evaluator.GetStatus(actual, asOf))
            {
                return false;
            }

            // reference: the n-th entry into each stage of the final history
            var counts = new Dictionary<int, int>();
            var expectedKeys = new List<string>();
            foreach (StageVisit v in expected.Visits)
            {
                counts[v.Stage] = counts.GetValueOrDefault(v.Stage) + 1;
                expectedKeys.Add($"entered:{Onboarding.Stages[v.Stage].Id}:{counts[v.Stage]}");
            }

            // Every entry of the final history fired exactly once. A late event into a terminal stage ends the run earlier
            // and can retract later entries whose intervention was already sent (it cannot be unsent): those may remain,
            // but never twice.
            string[] actualKeys = [.. sent.Attempts.Where(a => a.CustomerId == expected.CustomerId).Select(a => a.Occurrence)];
            if (actualKeys.Distinct(StringComparer.Ordinal).Count() != actualKeys.Length || expectedKeys.Except(actualKeys, StringComparer.Ordinal).Any())
            {
                return false;
            }
        }

        return true;
    }
}
