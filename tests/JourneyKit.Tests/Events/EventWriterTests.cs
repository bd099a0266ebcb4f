using System.Text;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Tests.Events;

public sealed class EventWriterTests
{
    private static readonly DateTimeOffset T0 = EventTestHelper.T0;

    private static string WriteCsv(IReadOnlyList<string>? keys, params JourneyEvent[] events)
    {
        var text = new StringWriter();
        using (var writer = new CsvEventWriter(text, keys, leaveOpen: true))
        {
            foreach (JourneyEvent e in events)
            {
                writer.Write(e);
            }
        }

        return text.ToString();
    }

    [Fact]
    public void Csv_NoEvents_WritesHeaderOnly()
    {
        Assert.Equal("customer_id,touchpoint,timestamp,channel,event_id,value,plan\n", WriteCsv(["plan"]));
    }

    [Fact]
    public void Csv_Fields_AreQuotedOnlyWhenNeeded()
    {
        var e = new JourneyEvent("a,b", "say \"hi\"", T0.AddTicks(2_500_000), Channel.Web)
        {
            EventId = " padded",
            Value = 0.1,
            Attributes = new Dictionary<string, string> { ["note"] = "two\nlines" },
        };

        string csv = WriteCsv(["note", "plan"], e);

        Assert.Equal(
            "customer_id,touchpoint,timestamp,channel,event_id,value,note,plan\n" +
            "\"a,b\",\"say \"\"hi\"\"\",2026-01-01T00:00:00.25Z,web,\" padded\",0.1,\"two\nlines\",\n",
            csv);
    }

    [Fact]
    public void Write_UnknownAttribute_Throws()
    {
        var e = new JourneyEvent("c", "t", T0) { Attributes = new Dictionary<string, string> { ["other"] = "x" } };
        using var writer = new CsvEventWriter(new StringWriter(), ["plan"]);
        Assert.Throws<ArgumentException>(() => writer.Write(e));
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("Value")]
    [InlineData("")]
    [InlineData(" plan")]
    public void Ctor_BadKey_Throws(string key)
    {
        Assert.Throws<ArgumentException>(() => new CsvEventWriter(new StringWriter(), [key]));
    }

    [Fact]
    public void Ctor_DuplicateKeysIgnoringCase_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CsvEventWriter(new StringWriter(), ["plan", "PLAN"]));
    }

    [Fact]
    public void Write_InfiniteValue_Throws()
    {
        using var writer = new CsvEventWriter(new StringWriter());
        Assert.Throws<ArgumentException>(() => writer.Write(new JourneyEvent("c", "t", T0) { Value = double.PositiveInfinity }));
    }

    [Fact]
    public void Write_Spans_WrongAttributeCount_Throws()
    {
        using var writer = new CsvEventWriter(new StringWriter(), ["a", "b"]);
        Assert.Throws<ArgumentException>(() => writer.Write("c", "t", T0.UtcTicks, default, default, double.NaN, new string?[] { "x" }));
    }

    [Fact]
    public void JsonLines_WritesOneObjectPerLine()
    {
        var stream = new MemoryStream();
        using (var writer = new JsonLinesEventWriter(stream, ["plan"], leaveOpen: true))
        {
            writer.Write(new JourneyEvent("c1", "x", T0, Channel.Email) { Value = 2, Attributes = new Dictionary<string, string> { ["plan"] = "gold" } });
            writer.Write(new JourneyEvent("c2", "y", T0));
            Assert.Equal(2, writer.EventsWritten);
        }

        Assert.Equal(
            "{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"channel\":\"email\",\"value\":2,\"attributes\":{\"plan\":\"gold\"}}\n" +
            "{\"customer_id\":\"c2\",\"touchpoint\":\"y\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n",
            Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Create_ByExtension_WritesFilesTheReaderReadsBack()
    {
        string dir = Directory.CreateTempSubdirectory("jk-writer-").FullName;
        try
        {
            foreach (string name in new[] { "e.csv", "e.jsonl", "e.csv.gz", "e.ndjson.gz" })
            {
                string path = Path.Combine(dir, name);
                using (EventWriter writer = EventWriter.Create(path, ["plan"]))
                {
                    writer.Write(new JourneyEvent("c1", "x", T0) { Attributes = new Dictionary<string, string> { ["plan"] = "gold" } });
                }

                EventReadResult result = EventFile.Read(path);
                Assert.Equal("gold", result.Batch.GetEvent(0).Attributes!["plan"]);
            }

            Assert.Throws<ArgumentException>(() => EventWriter.Create(Path.Combine(dir, "e.txt")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
