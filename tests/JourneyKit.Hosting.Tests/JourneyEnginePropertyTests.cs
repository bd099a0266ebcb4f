using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using JourneyKit.Tests.Generators;
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
    /// <remarks>Each generated event: its customer (its time is 7 minutes after that customer's previous one, plus the
    /// customer's index), touchpoint, whether it is sent twice, an arrival key (arrival is stably ordered by it, a copy's
    /// key being its original's plus 3) and, when a chunk starts at it, the chunk's size (1 + value). Knobs: per customer,
    /// the minutes after its last event at which the lifecycle states are compared.</remarks>
    [Property(MaxTest = 40)]
    public Property Ingest_AnyOrderChunksDuplicates_SameAsBatchOfSorted() => Pair.ForAll(
        Small.ArrayOf(
            from customer in Gen.Choose(0, 2)
            from touchpoint in Gen.Choose(0, Touchpoints.Length - 1)
            from twice in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            from key in Gen.Choose(0, 7)
            from chunk in Gen.Choose(0, 3)
            select (Customer: customer, Touchpoint: touchpoint, Twice: twice, Key: key, Chunk: chunk),
            0,
            33),
        Small.Each((0, 60 * 24 * 30), (0, 60 * 24 * 30), (0, 60 * 24 * 30)),
        (generated, asOfMinutes) =>
    {
        var events = new List<JourneyEvent>();
        var keyed = new List<(int Key, int Order, JourneyEvent Event, int Chunk)>();
        var next = new int[3];
        foreach (var g in generated)
        {
            JourneyEvent e = Event($"c{g.Customer}", Touchpoints[g.Touchpoint], T0.AddMinutes((next[g.Customer]++ * 7) + g.Customer));
            events.Add(e);
            keyed.Add((g.Key, keyed.Count, e, g.Chunk));
            if (g.Twice)
            {
                keyed.Add(((g.Key + 3) % 8, generated.Length + keyed.Count, e, g.Chunk));
            }
        }

        keyed.Sort((x, y) => x.Key != y.Key ? x.Key.CompareTo(y.Key) : x.Order.CompareTo(y.Order));
        List<JourneyEvent> arrival = keyed.ConvertAll(k => k.Event);
        var clock = Clock();
        clock.Advance(TimeSpan.FromDays(1)); // no stuck rule here; "now" after all events
        var sent = new RecordingInterventionDispatcher();
        JourneyRule entered = JourneyRule.Create("entered").WhenEntered(null).Then("hi", Channel.Email).SuppressWhenProgressed(false).Build();
        JourneyEngine engine = Engine(new InMemoryJourneyStore(), sent, clock, null, entered);
        for (int i = 0; i < arrival.Count;)
        {
            int chunk = Math.Min(1 + keyed[i].Chunk, arrival.Count - i);
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
            DateTimeOffset asOf = new DateTimeOffset(expected.LastEventTicks, TimeSpan.Zero).AddMinutes(asOfMinutes[int.Parse(expected.CustomerId[1..], System.Globalization.CultureInfo.InvariantCulture)]);
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
    });
}
