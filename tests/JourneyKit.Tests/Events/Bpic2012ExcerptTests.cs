using System.Globalization;
using JourneyKit.Events;

namespace JourneyKit.Tests.Events;

/// <summary>
/// The XES reader on the committed excerpt of the real BPI Challenge 2012 log (tests/data/README.md). Every expected
/// value was computed independently of JourneyKit, from the decompressed excerpt, with Python's xml.etree.ElementTree
/// (traces, events, attributes, distinct activities, UTC conversions via datetime.fromisoformat) and cross-checked with
/// <c>zcat tests/data/bpic2012-excerpt.xes.gz | grep -c '&lt;event&gt;'</c> (6929), <c>… | grep -c '&lt;trace&gt;'</c> (300)
/// and <c>… | grep -c 'key="lifecycle:transition" value="COMPLETE"'</c> (4281).
/// </summary>
public sealed class Bpic2012ExcerptTests
{
    private static readonly string Excerpt = TestPaths.Data("bpic2012-excerpt.xes.gz");

    private static long Utc(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).UtcTicks;

    [Fact]
    public void Excerpt_ReadsEveryTraceAndEvent()
    {
        EventReadResult result = EventFile.Read(Excerpt);

        Assert.Equal(6929, result.Rows);
        Assert.Equal(6929, result.Batch.Count);
        Assert.Equal(0, result.Skipped);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(300, result.Batch.CustomerCount); // 300 traces, 300 distinct concept:name
        Assert.Equal(24, result.Batch.Touchpoints.Count); // 24 distinct activities, A_/O_/W_
    }

    [Fact]
    public void Excerpt_FirstTrace_FirstEventsAndTimestamps()
    {
        EventBatch batch = EventFile.Read(Excerpt).Batch;
        Assert.True(batch.Customers.TryGetId("173688", out int customer));
        int run = RunOf(batch, customer);
        int start = batch.CustomerStarts[run];

        // File: 2011-10-01T00:38:44.546+02:00 … → UTC (datetime.fromisoformat(...).astimezone(timezone.utc)).
        (string Touchpoint, string Utc, string Resource)[] expected =
        [
            ("A_SUBMITTED", "2011-09-30T22:38:44.546Z", "112"),
            ("A_PARTLYSUBMITTED", "2011-09-30T22:38:44.880Z", "112"),
            ("A_PREACCEPTED", "2011-09-30T22:39:37.906Z", "112"),
            ("W_Completeren aanvraag", "2011-09-30T22:39:38.875Z", "112"),
        ];
        for (int i = 0; i < expected.Length; i++)
        {
            JourneyEvent e = batch.GetEvent(start + i);
            Assert.Equal("173688", e.CustomerId);
            Assert.Equal(expected[i].Touchpoint, e.Touchpoint);
            Assert.Equal(Utc(expected[i].Utc), e.TimestampTicks);
            Assert.Equal(expected[i].Resource, e.Attributes!["org:resource"]);
            Assert.Equal("20000", e.Attributes["AMOUNT_REQ"]); // the trace attribute, on every event
            Assert.Equal("2011-10-01T00:38:44.546+02:00", e.Attributes["REG_DATE"]);
        }

        Assert.Equal("SCHEDULE", batch.GetEvent(start + 3).Attributes!["lifecycle:transition"]);
    }

    [Fact]
    public void Excerpt_TimeRangeAndOutcomes()
    {
        EventBatch batch = EventFile.Read(Excerpt).Batch;
        long min = long.MaxValue, max = long.MinValue;
        foreach (long t in batch.TimestampTicks)
        {
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }

        Assert.Equal(Utc("2011-09-30T22:38:44.546Z"), min);
        Assert.Equal(Utc("2012-02-15T11:29:26.299Z"), max);

        // Traces containing each outcome activity (ElementTree: any event of the trace with that concept:name).
        Assert.Equal(65, CustomersWith(batch, "A_APPROVED"));
        Assert.Equal(166, CustomersWith(batch, "A_DECLINED"));
        Assert.Equal(69, CustomersWith(batch, "A_CANCELLED"));

        // 1,185 events have no org:resource of their own (e.g. W_ START events); none inherits one from its trace.
        Assert.True(batch.TryGetAttributeColumn("org:resource", out ReadOnlySpan<int> resources));
        int without = 0;
        foreach (int id in resources)
        {
            without += id < 0 ? 1 : 0;
        }

        Assert.Equal(1185, without);

        // The last trace in the file, 174638, has 23 events.
        Assert.True(batch.Customers.TryGetId("174638", out int last));
        int run = RunOf(batch, last);
        Assert.Equal(23, batch.CustomerStarts[run + 1] - batch.CustomerStarts[run]);
    }

    [Fact]
    public void Excerpt_LifecycleModes()
    {
        EventReadResult complete = EventFile.Read(Excerpt, new EventReaderOptions { LifecycleTransitions = LifecycleTransitionHandling.CompleteOnly });
        EventReadResult appended = EventFile.Read(Excerpt, new EventReaderOptions { LifecycleTransitions = LifecycleTransitionHandling.AppendToTouchpoint });

        Assert.Equal(4281, complete.Batch.Count); // events whose transition is COMPLETE
        Assert.Equal(36, appended.Batch.Touchpoints.Count); // distinct (activity, lower-cased transition) pairs
        Assert.True(appended.Batch.Touchpoints.TryGetId("A_SUBMITTED+complete", out _));
        Assert.True(appended.Batch.Touchpoints.TryGetId("W_Completeren aanvraag+schedule", out _));
    }

    private static int RunOf(EventBatch batch, int customer)
    {
        Assert.True(customer >= 0);
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            if (batch.CustomerOfRun(run) == customer)
            {
                return run;
            }
        }

        throw new InvalidOperationException("customer not in the batch");
    }

    private static int CustomersWith(EventBatch batch, string touchpoint)
    {
        Assert.True(batch.Touchpoints.TryGetId(touchpoint, out int id));
        int count = 0;
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            for (int row = batch.CustomerStarts[run]; row < batch.CustomerStarts[run + 1]; row++)
            {
                if (batch.TouchpointIds[row] == id)
                {
                    count++;
                    break;
                }
            }
        }

        return count;
    }
}
