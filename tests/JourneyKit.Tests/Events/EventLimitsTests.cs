using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Events;

/// <summary>Issue 21: attribute memory follows the values present, and every event resource has a limit with a clear error.</summary>
public sealed class EventLimitsTests : IDisposable
{
    private static readonly long T = EventTestHelper.T0.UtcTicks;
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Ctor_Ok_Defaults()
    {
        EventLimits limits = EventLimits.Default;
        Assert.Equal(1024, limits.MaxIdLength);
        Assert.Equal(1024, limits.MaxAttributeKeyLength);
        Assert.Equal(65_536, limits.MaxAttributeValueLength);
        Assert.Equal(10_000, limits.MaxDistinctAttributeKeys);
        Assert.Equal(100_000_000, limits.MaxEvents);
        Assert.Same(EventLimits.Default, new EventBatchBuilder().Limits);
        Assert.Equal(100_000_000, new EventReaderOptions().MaxEvents);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventLimits { MaxIdLength = 0 });
    }

    [Fact]
    public void Build_OneEventWithManyKeys_MemoryFollowsTheValues_Issue21()
    {
        // 20,001 events, one with 100,000 attribute keys. Dense columns would be 100,000 keys × 20,001 events × 4 bytes
        // = 8 GB (and 16 GB while building); sparse, the 100,000 values take a few MB.
        var builder = new EventBatchBuilder { Limits = new EventLimits { MaxDistinctAttributeKeys = 100_000 } };
        for (int i = 0; i < 20_000; i++)
        {
            builder.Add("c" + (i % 100), "t", T + i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        builder.Add("wide", "t", T);
        for (int k = 0; k < 100_000; k++)
        {
            builder.SetAttribute("key" + k, "v");
        }

        EventBatch batch = builder.Build();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 100_000_000, $"allocated {allocated:N0} bytes");

        JourneyEvent wide = batch.GetEvent(batch.CustomerStarts[batch.CustomerCount - 1]);
        Assert.Equal("wide", wide.CustomerId);
        Assert.Equal(100_000, wide.Attributes!.Count);
        Assert.True(batch.TryGetAttributeColumn("key99999", out ReadOnlySpan<int> column));
        Assert.Equal(1, CountPresent(column));
        Assert.Null(batch.GetEvent(0).Attributes);
    }

    [Fact]
    public void Read_JsonLinesWithTenThousandKeys_MemoryFollowsTheValues_Issue21()
    {
        // The issue's 3 MB JSON Lines file: 10,000 lines, each with its own attribute key (10,000 keys × 10,000 events
        // dense = 400 MB of columns); sparse it is 10,000 values.
        var sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            sb.Append("{\"customer_id\":\"c").Append(i % 50).Append("\",\"touchpoint\":\"t\",\"timestamp\":").Append(i)
              .Append(",\"attribute_").Append(i).Append("\":\"").Append(new string('x', 200)).Append("\"}\n");
        }

        string path = Path.Combine(_dir, "wide.jsonl");
        File.WriteAllText(path, sb.ToString());
        long before = GC.GetAllocatedBytesForCurrentThread();
        EventReadResult result = EventFile.Read(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000, result.Batch.Count);
        Assert.Equal(10_000, result.Batch.AttributeKeys.Count);
        Assert.True(allocated < 60_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Add_Limits_ThrowAndChangeNothing()
    {
        var builder = new EventBatchBuilder { Limits = new EventLimits { MaxIdLength = 5, MaxAttributeKeyLength = 3, MaxAttributeValueLength = 4, MaxDistinctAttributeKeys = 2, MaxEvents = 2 } };
        Assert.True(builder.Add("c", "t", T, eventId: "e1"));

        Assert.Equal(EventLimit.IdLength, Assert.Throws<EventLimitExceededException>(() => builder.Add("cccccc", "t", T)).Limit);
        Assert.Equal(EventLimit.IdLength, Assert.Throws<EventLimitExceededException>(() => builder.Add("c", "tttttt", T)).Limit);
        Assert.Equal(EventLimit.IdLength, Assert.Throws<EventLimitExceededException>(() => builder.Add("c", "t", T, "wwwwww")).Limit);
        var e = Assert.Throws<EventLimitExceededException>(() => builder.Add("c", "t", T, eventId: "eeeeee"));
        Assert.Equal((EventLimit.IdLength, 5L, 6L), (e.Limit, e.Maximum, e.Actual));
        Assert.Contains("the event id is 6 characters long; the limit (EventLimits.MaxIdLength) is 5", e.Message, StringComparison.Ordinal);

        Assert.Equal(EventLimit.AttributeKeyLength, Assert.Throws<EventLimitExceededException>(() => builder.SetAttribute("kkkk", "v")).Limit);
        Assert.Equal(EventLimit.AttributeValueLength, Assert.Throws<EventLimitExceededException>(() => builder.SetAttribute("k", "vvvvv")).Limit);
        builder.SetAttribute("k1", "v");
        builder.SetAttribute("k2", "v");
        builder.SetAttribute("k1", "w"); // a known key is not a new one
        Assert.Equal(EventLimit.DistinctAttributeKeys, Assert.Throws<EventLimitExceededException>(() => builder.SetAttribute("k3", "v")).Limit);

        Assert.True(builder.Add("d", "t", T));
        Assert.False(builder.Add("c", "t", T, eventId: "e1")); // full, but a duplicate is still only dropped
        Assert.Equal(EventLimit.Events, Assert.Throws<EventLimitExceededException>(() => builder.Add("e", "t", T)).Limit);

        EventBatch batch = builder.Build();
        Assert.Equal(2, batch.Count);
        Assert.Equal(2, batch.Customers.Count); // the refused events added no symbols
        Assert.Equal(2, batch.AttributeKeys.Count);
        Assert.Equal("w", batch.GetEvent(0).Attributes!["k1"]);
    }

    [Fact]
    public void Read_IdTooLong_IsALocatedLimitError_Issue21()
    {
        string path = Path.Combine(_dir, "long.csv");
        File.WriteAllText(path, "customer_id,touchpoint,timestamp\nc,a,0\n" + new string('x', 2000) + ",a,1\n");
        var e = Assert.Throws<EventFormatException>(() => EventFile.Read(path, new EventReaderOptions { BadRows = BadRowHandling.Skip }));
        Assert.Equal(EventReadErrorCode.LimitExceeded, e.Code);
        Assert.Equal(3, e.Line);
        Assert.Contains("the customer id is 2,000 characters long; the limit (EventLimits.MaxIdLength) is 1,024", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AttributeKeyTooLong_JsonLines_IsALocatedLimitError_Issue21()
    {
        string path = Path.Combine(_dir, "key.jsonl");
        File.WriteAllText(path, "{\"customer_id\":\"c\",\"touchpoint\":\"a\",\"timestamp\":0,\"" + new string('k', 5000) + "\":\"v\"}\n");
        var e = Assert.Throws<EventFormatException>(() => EventFile.Read(path));
        Assert.Equal(EventReadErrorCode.LimitExceeded, e.Code);
        Assert.Equal(1, e.Line);
        Assert.Contains("EventLimits.MaxAttributeKeyLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MoreEventsThanMaxEvents_Stops_Issue21()
    {
        string path = Path.Combine(_dir, "many.csv");
        File.WriteAllText(path, "customer_id,touchpoint,timestamp\nc,a,0\nc,a,1\nc,a,2\nc,a,3\n");
        var e = Assert.Throws<EventFormatException>(() => EventFile.Read(path, new EventReaderOptions { MaxEvents = 3, BadRows = BadRowHandling.Skip }));
        Assert.Equal(EventReadErrorCode.LimitExceeded, e.Code);
        Assert.Equal(5, e.Line); // the fourth event, on line 5
        Assert.Contains("more than 3 events", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, EventFile.Read(path, new EventReaderOptions { MaxEvents = 4 }).Batch.Count);
    }

    private static int CountPresent(ReadOnlySpan<int> column)
    {
        int n = 0;
        foreach (int v in column)
        {
            n += v >= 0 ? 1 : 0;
        }

        return n;
    }

    /// <summary>On random events with dense, sparse and overwritten attributes, added out of order, both read APIs give
    /// what a plain dictionary per event says.</summary>
    /// <summary>One generated event: customer, tick, the dense attribute (0: none, else its value + 1) and whether it is
    /// first set to another value, and up to two sparse attributes (key, value, set twice).</summary>
    private static readonly Gen<(int Customer, int Tick, int Common, bool OverwriteCommon, (int Key, int Value, bool Overwrite)[] Rare)> AttributedEvent =
        from customer in Gen.Choose(0, 4)
        from tick in Gen.Choose(0, 19)
        from common in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 3)))
        from overwriteCommon in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from rareCount in Gen.Choose(0, 2)
        from rare in (from key in Gen.Choose(0, 39)
                      from value in Gen.Choose(0, 2)
                      from overwrite in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
                      select (key, value, overwrite)).ArrayOf(rareCount)
        select (customer, tick, common, overwriteCommon, rare);

    [Property(MaxTest = 150)]
    public Property Attributes_AgreeWithAPerEventDictionary() => Prop.ForAll(Small.ArrayOf(AttributedEvent, 0, 59), generated =>
    {
        var expected = new List<(string Customer, long Ticks, Dictionary<string, string> Attributes)>();
        var builder = new EventBatchBuilder();
        for (int i = 0; i < generated.Length; i++)
        {
            var g = generated[i];
            string customer = "c" + g.Customer;
            long ticks = T + g.Tick;
            builder.Add(customer, "t" + i, ticks);
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            var overwrite = new Dictionary<string, bool>(StringComparer.Ordinal);
            if (g.Common != 0)
            {
                (attributes["common"], overwrite["common"]) = ("v" + (g.Common - 1), g.OverwriteCommon); // on most events: dense
            }

            foreach ((int key, int value, bool twice) in g.Rare)
            {
                (attributes["rare" + key], overwrite["rare" + key]) = ("r" + value, twice); // rarely: sparse
            }

            foreach ((string key, string value) in attributes)
            {
                if (overwrite[key])
                {
                    builder.SetAttribute(key, "overwritten");
                }

                builder.SetAttribute(key, value);
            }

            expected.Add((customer, ticks, attributes));
        }

        EventBatch batch = builder.Build();
        var byTouchpoint = new Dictionary<string, Dictionary<string, string>>();
        for (int i = 0; i < expected.Count; i++)
        {
            byTouchpoint["t" + i] = expected[i].Attributes;
        }

        for (int row = 0; row < batch.Count; row++)
        {
            JourneyEvent e = batch.GetEvent(row);
            Dictionary<string, string> want = byTouchpoint[e.Touchpoint];
            IReadOnlyDictionary<string, string> got = e.Attributes ?? new Dictionary<string, string>();
            if (got.Count != want.Count || want.Any(p => !got.TryGetValue(p.Key, out string? v) || v != p.Value))
            {
                return false;
            }

            for (int k = 0; k < batch.AttributeKeys.Count; k++)
            {
                string key = batch.AttributeKeys[k];
                if (!batch.TryGetAttributeColumn(key, out ReadOnlySpan<int> column))
                {
                    return false; // every key in the table occurs somewhere
                }

                string? cell = column[row] < 0 ? null : batch.AttributeValues[column[row]];
                if (cell != (want.TryGetValue(key, out string? w) ? w : null))
                {
                    return false;
                }
            }
        }

        return !batch.TryGetAttributeColumn("never", out _);
    });
}
