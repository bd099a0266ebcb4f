using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Tests.Events;

/// <summary>
/// Writing events and reading them back gives the same batch as building it directly from the events, for CSV and
/// JSON Lines, whatever the ids, attributes, ties, duplicates and input order.
/// </summary>
public sealed class EventRoundTripTests
{
    private static readonly string[] Pieces =
        ["a", "B", "7", ",", "\"", " ", "\n", "\r\n", "\t", "é", "中", "😀", "ß", "'", ";", "\\", "{", "}", ":", "x y"];

    private static readonly string[] Keys = ["plan", "note, with comma", "say \"hi\"", "ключ", "attributes", "seg ment"];

    private static readonly string[] Channels = ["", "web", "Mobile", " email ", "contact-centre", "Fax"];

    [Property(MaxTest = 100)]
    public Property Csv_WriteThenRead_EqualsDirectBuild() => Prop.ForAll(AwkwardEvents(), events => RoundTrip(events, csv: true));

    [Property(MaxTest = 100)]
    public Property JsonLines_WriteThenRead_EqualsDirectBuild() => Prop.ForAll(AwkwardEvents(), events => RoundTrip(events, csv: false));

    /// <summary>Hand-picked: separators, quotes, line breaks and non-BMP text in every field, a tie, a duplicate (same
    /// customer and event id), the extremes of values and instants.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteThenRead_KnownTrickyEvents(bool csv)
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        List<JourneyEvent> events =
        [
            new("a,\"b", "中😀", t0, Channel.FromName(" email ")) { EventId = "e1,\"", Value = 1e-300, Attributes = new Dictionary<string, string> { ["note, with comma"] = "x\r\ny", ["say \"hi\""] = "\"" } },
            new("a,\"b", "x y", t0, Channel.Web) { EventId = "e1,\"", Value = -5 },
            new("ß\n", ";", new DateTimeOffset(DateTime.MaxValue.Ticks - 1, TimeSpan.Zero), Channel.FromName("Fax")) { Value = -1.5e299, Attributes = new Dictionary<string, string> { ["ключ"] = "{}" } },
            new("ß\n", "'", DateTimeOffset.UnixEpoch, Channel.FromName("")) { EventId = "e2" },
        ];
        Assert.True(RoundTrip(events, csv));
    }

    private static bool RoundTrip(List<JourneyEvent> events, bool csv)
    {

        var expectedBuilder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            expectedBuilder.Add(e);
        }

        EventBatch expected = expectedBuilder.Build();

        var stream = new MemoryStream();
        using (EventWriter writer = csv
                   ? new CsvEventWriter(new StreamWriter(stream, new UTF8Encoding(false), 1024, leaveOpen: true), Keys)
                   : new JsonLinesEventWriter(stream, Keys, leaveOpen: true))
        {
            foreach (JourneyEvent e in events)
            {
                writer.Write(e);
            }
        }

        stream.Position = 0;
        EventReadResult read = csv ? CsvEventReader.Read(stream, "p.csv", null) : JsonLinesEventReader.Read(stream, "p.jsonl");

        List<string> want = EventTestHelper.Describe(expected);
        List<string> got = EventTestHelper.Describe(read.Batch);
        Assert.Equal(want, got); // shows the difference when the property fails
        return read.Rows == events.Count && read.Duplicates == expectedBuilder.DuplicateCount && read.Skipped == 0;
    }

    /// <summary>Up to 39 events over one to five customers whose ids, touchpoints, event ids and attribute values are
    /// made of awkward pieces (separators, quotes, line breaks, non-ASCII, non-BMP); few distinct instants (many ties),
    /// any instant now and then, duplicates, values from tiny to huge, in random order. Shrinks to fewer events, then to
    /// plainer ones (no attributes, no value, no event id, the base instant, one-letter names).</summary>
    private static Arbitrary<List<JourneyEvent>> AwkwardEvents()
    {
        long baseTicks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        Gen<string> text = Gen.Choose(1, 4).SelectMany(n => Gen.Elements(Pieces).ArrayOf(n)).Select(pieces => string.Concat(pieces));
        Gen<long> ticks = Gen.Frequency(
            (1, Gen.Constant(baseTicks)),
            (1, Gen.Choose(0, 4).Select(s => baseTicks + (s * TimeSpan.TicksPerSecond))),
            (1, from day in Gen.Choose(0, 399) from tick in Gen.Choose(0, int.MaxValue) select baseTicks + (day * TimeSpan.TicksPerDay) + (tick % TimeSpan.TicksPerDay)),
            (1, from high in Gen.Choose(0, int.MaxValue) from low in Gen.Choose(0, int.MaxValue) select (((long)high << 31) | (uint)low) % DateTime.MaxValue.Ticks));
        Gen<double?> value = Gen.Frequency(
            (1, Gen.Constant<double?>(null)),
            (1, Gen.Choose(-5, 4).Select(v => (double?)v)),
            (1, from m in Gen.Choose(0, 1_000_000) from e in Gen.Choose(-300, 299) select (double?)(((m / 1e6) - 0.5) * Math.Pow(10, e))));
        Gen<string?> eventId = Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (2, from n in Gen.Choose(0, 14) from odd in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))) select (string?)("e" + n + (odd ? ",\"" : string.Empty))));
        Gen<Dictionary<string, string>?> attributes = Gen.Frequency(
            (1, Gen.Constant<Dictionary<string, string>?>(null)),
            (1, from values in text.ArrayOf(Keys.Length)
                from present in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true))).ArrayOf(Keys.Length)
                select (Dictionary<string, string>?)Enumerable.Range(0, Keys.Length).Where(k => present[k]).ToDictionary(k => Keys[k], k => values[k])));
        Gen<List<JourneyEvent>> events =
            from customers in Gen.Choose(1, 5).SelectMany(n => text.ArrayOf(n))
            from count in Gen.Choose(0, 39)
            from list in (
                from customer in Gen.Elements(customers)
                from touchpoint in text
                from at in ticks
                from channel in Gen.Elements(Channels)
                from id in eventId
                from v in value
                from attrs in attributes
                select new JourneyEvent(customer, touchpoint, new DateTimeOffset(at, TimeSpan.Zero), Channel.FromName(channel)) { EventId = id, Value = v, Attributes = attrs })
                .ListOf(count)
            select list.ToList();
        return Arb.From(events, list => Shrink(list, baseTicks));
    }

    private static IEnumerable<List<JourneyEvent>> Shrink(List<JourneyEvent> events, long baseTicks)
    {
        for (int i = 0; i < events.Count; i++)
        {
            yield return [.. events[..i], .. events[(i + 1)..]];
        }

        for (int i = 0; i < events.Count; i++)
        {
            JourneyEvent e = events[i];
            JourneyEvent[] plainer =
            [
                e with { Attributes = null },
                e with { Value = null },
                e with { EventId = null },
                e with { Timestamp = new DateTimeOffset(baseTicks, TimeSpan.Zero) },
                e with { Touchpoint = "a" },
                e with { CustomerId = "a" },
            ];
            foreach (JourneyEvent p in plainer)
            {
                if (p != e)
                {
                    yield return [.. events[..i], p, .. events[(i + 1)..]];
                }
            }
        }
    }
}
