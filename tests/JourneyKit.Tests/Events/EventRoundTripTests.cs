using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Events;

/// <summary>
/// Writing events and reading them back gives the same batch as building it directly from the events, for CSV and
/// JSON Lines, whatever the ids, attributes, ties, duplicates and input order.
/// </summary>
public sealed class EventRoundTripTests
{
    private static readonly string[] Keys = AwkwardEvents.Keys;

    [Property(MaxTest = 100)]
    public Property Csv_WriteThenRead_EqualsDirectBuild() => Prop.ForAll(AwkwardEvents.Of(), events => RoundTrip(events, csv: true));

    [Property(MaxTest = 100)]
    public Property JsonLines_WriteThenRead_EqualsDirectBuild() => Prop.ForAll(AwkwardEvents.Of(), events => RoundTrip(events, csv: false));

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
}
