using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

/// <summary>
/// <see cref="EventFile.ReadByCustomer"/> against the whole-file read: the batches, one after the other, hold the same
/// customers in the same order with the same events (sorted, de-duplicated, attributes) and the same summary; no customer
/// is in two batches; a file whose customer comes back after its batch was cut is refused.
/// </summary>
public sealed class ReadByCustomerTests : IDisposable
{
    private readonly string _dir = Path.Combine(TestTemp.Root, "jk-bycustomer-" + Guid.NewGuid().ToString("N"));

    public ReadByCustomerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Random grouped files (drawn from a shrinking record of choices, <see cref="Choices"/>; knobs: JSON Lines,
    /// bad rows skipped) read by customer batches equal the whole read.</summary>
    [Property(MaxTest = 200)]
    public Property Batches_TogetherAreTheWholeRead() => Pair.ForAll(Choices.Of(2000), Small.Each((0, 1), (0, 1)), (choices, knobs) =>
    {
        BatchesTogetherAreTheWholeRead(new Choices(choices), jsonLines: knobs[0] == 1, skip: knobs[1] == 1);
        return true;
    });

    private void BatchesTogetherAreTheWholeRead(Choices random, bool jsonLines, bool skip)
    {
        string path = Write(RandomGroupedFile(random, jsonLines, withBadRows: skip), jsonLines ? "events.jsonl" : "events.csv");
        int batchEvents = random.Next(1, 30);
        EventReaderOptions options = skip ? new EventReaderOptions { BadRows = BadRowHandling.Skip, MaxReportedErrors = 1000 } : EventReaderOptions.Default;
        EventReadResult whole = EventFile.Read(path, options);

        var batches = new List<EventBatch>();
        EventReadSummary summary = EventFile.ReadByCustomer(path, options, batchEvents, batches.Add);

        var lines = new List<string>();
        var customers = new HashSet<string>();
        for (int b = 0; b < batches.Count; b++)
        {
            EventBatch batch = batches[b];
            Assert.True(batch.Count > 0);
            if (b + 1 < batches.Count)
            {
                // Cut at the first new customer once the batch held batchEvents: so it holds at least that many, and
                // fewer without its last customer.
                Assert.True(batch.Count >= batchEvents);
                int lastStart = batch.CustomerStarts[batch.CustomerCount - 1];
                Assert.True(lastStart < batchEvents, $"batch {b}: {lastStart} events before its last customer");
            }

            for (int run = 0; run < batch.CustomerCount; run++)
            {
                Assert.True(customers.Add(batch.Customers[batch.CustomerOfRun(run)]), "a customer in two batches");
            }

            lines.AddRange(Describe(batch));
        }

        Assert.Equal(Describe(whole.Batch), lines);
        Assert.Equal(whole.Summary.Rows, summary.Rows);
        Assert.Equal(whole.Summary.Added, summary.Added);
        Assert.Equal(whole.Summary.Skipped, summary.Skipped);
        Assert.Equal(whole.Summary.Duplicates, summary.Duplicates);
        Assert.Equal(whole.Summary.Errors.Select(e => e.Message), summary.Errors.Select(e => e.Message));
    }

    [Fact]
    public void CustomerComingBackAfterItsBatch_IsRefused()
    {
        // c1 has 2 events, so with batches of 2 its batch is cut when c2 starts; c1 coming back after c2 is refused.
        string path = Write("customer_id,touchpoint,timestamp\nc1,a,1767225600\nc1,b,1767225601\nc2,a,1767225602\nc1,c,1767225603\n", "events.csv");
        var batches = new List<EventBatch>();
        EventsNotGroupedException e = Assert.Throws<EventsNotGroupedException>(() => EventFile.ReadByCustomer(path, null, 2, batches.Add));
        Assert.Equal("c1", e.CustomerId);
        Assert.Equal(["customer c1", "c1|a|" + T0.UtcTicks + "||||", "c1|b|" + T0.AddSeconds(1).UtcTicks + "||||"], Describe(Assert.Single(batches)));
    }

    [Fact]
    public void CustomerComingBackWithinItsBatch_IsSortedIntoIt()
    {
        // With batches of 10 nothing is cut: c1's late event joins its run, as in the whole read.
        string path = Write("customer_id,touchpoint,timestamp\nc1,a,1767225600\nc2,a,1767225602\nc1,c,1767225603\n", "events.csv");
        var batches = new List<EventBatch>();
        EventFile.ReadByCustomer(path, null, 10, batches.Add);
        Assert.Equal(Describe(EventFile.Read(path).Batch), Describe(Assert.Single(batches)));
        Assert.Equal(["c1", "c2"], Assert.Single(batches).Customers.ToList());
    }

    [Fact]
    public void BadRow_FailsWithItsLineAfterTheEarlierBatches()
    {
        // Lines 2–5: c1, c1, c2, then a bad timestamp on line 5 (c3): c1's batch was handed over, the error names line 5.
        string path = Write("customer_id,touchpoint,timestamp\nc1,a,1767225600\nc1,b,1767225601\nc2,a,1767225602\nc3,a,nope\n", "events.csv");
        var batches = new List<EventBatch>();
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventFile.ReadByCustomer(path, null, 2, batches.Add));
        Assert.Equal(5, e.Line);
        Assert.Equal("c1", Assert.Single(batches).Customers[0]);
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        string path = Write("customer_id,touchpoint,timestamp\n", "events.csv");
        Assert.Throws<ArgumentOutOfRangeException>(() => EventFile.ReadByCustomer(path, null, 0, _ => { }));
        Assert.Throws<ArgumentNullException>(() => EventFile.ReadByCustomer(path, null, 1, null!));
        var batches = new List<EventBatch>();
        Assert.Equal(0, EventFile.ReadByCustomer(path, null, 1, batches.Add).Added);
        Assert.Empty(batches); // no events, no batch
    }

    private string Write(string text, string name)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>
    /// Customers one after the other, each with 1–8 events in any time order (equal timestamps too), some repeating an
    /// event id (dropped as duplicates), with or without channel, value and an attribute; optionally bad timestamps.
    /// </summary>
    internal static string RandomGroupedFile(Choices random, bool jsonLines, bool withBadRows)
    {
        var text = new StringBuilder(jsonLines ? string.Empty : "customer_id,touchpoint,timestamp,channel,event_id,value,plan\n");
        int customers = random.Next(0, 40);
        CultureInfo inv = CultureInfo.InvariantCulture;
        for (int c = 0; c < customers; c++)
        {
            int events = random.Next(1, 9);
            for (int e = 0; e < events; e++)
            {
                string customer = "c" + c.ToString(inv);
                string touchpoint = "t" + random.Next(0, 5).ToString(inv);
                string timestamp = withBadRows && random.Next(0, 25) == 0 ? "nope" : (1767225600 + random.Next(0, 6) * 60).ToString(inv);
                string channel = random.Next(0, 3) switch { 0 => string.Empty, 1 => "web", _ => "email" };
                string eventId = random.Next(0, 3) == 0 ? string.Empty : "e" + random.Next(0, 6).ToString(inv);
                string value = random.Next(0, 2) == 0 ? string.Empty : (random.Next(0, 100) / 4.0).ToString("R", inv);
                string plan = random.Next(0, 2) == 0 ? string.Empty : "p" + random.Next(0, 3).ToString(inv);
                if (jsonLines)
                {
                    text.Append(inv, $"{{\"customer_id\":\"{customer}\",\"touchpoint\":\"{touchpoint}\",\"timestamp\":\"{timestamp}\"");
                    text.Append(channel.Length > 0 ? $",\"channel\":\"{channel}\"" : string.Empty);
                    text.Append(eventId.Length > 0 ? $",\"event_id\":\"{eventId}\"" : string.Empty);
                    text.Append(value.Length > 0 ? $",\"value\":{value}" : string.Empty);
                    text.Append(plan.Length > 0 ? $",\"attributes\":{{\"plan\":\"{plan}\"}}" : string.Empty);
                    text.Append("}\n");
                }
                else
                {
                    text.Append(inv, $"{customer},{touchpoint},{timestamp},{channel},{eventId},{value},{plan}\n");
                }
            }
        }

        return text.ToString();
    }
}
