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

    private static string NewDirectory()
    {
        string dir = Path.Combine(TestTemp.Root, "jk-writer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void Create_ExistingFile_IsReplacedAtomicallyOnDispose_Issue21()
    {
        // Issue 21: the library's writer wrote in place (a kill left a half-written file where the old one was). Now the
        // old file stays whole until Dispose, which renames a new file over it: a handle open on the old file still
        // reads the old bytes (a rename replaces the directory entry; an in-place write would change them).
        string dir = NewDirectory();
        string path = Path.Combine(dir, "events.csv");
        File.WriteAllText(path, "old content\n");
        using var old = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using (EventWriter writer = EventWriter.Create(path))
        {
            writer.Write(new JourneyEvent("c1", "a", T0));
            writer.Flush();
            Assert.Equal("old content\n", File.ReadAllText(path)); // not yet
            Assert.Single(Directory.GetFiles(dir, ".events.csv.*.tmp")); // the temporary file, in the target's directory
        }

        Assert.StartsWith("customer_id,touchpoint,timestamp", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal("old content\n", new StreamReader(old).ReadToEnd());
        Assert.Equal(["events.csv"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Create_Aborted_LeavesTheTargetAndNoTemporaryFile_Issue21()
    {
        string dir = NewDirectory();
        string path = Path.Combine(dir, "events.jsonl.gz");
        File.WriteAllText(path, "old");
        using (EventWriter writer = EventWriter.Create(path))
        {
            writer.Write(new JourneyEvent("c1", "a", T0));
            writer.Abort();
        }

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["events.jsonl.gz"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Create_TargetNotARegularFile_IsRefusedBeforeWriting_Issue21()
    {
        // A directory, and (on Unix) a link named *.csv to a device: refused, nothing created beside them.
        string dir = NewDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "d.csv"));
        Assert.Contains("a directory", Assert.Throws<IOException>(() => EventWriter.Create(Path.Combine(dir, "d.csv"))).Message, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(Path.Combine(dir, "null.csv"), "/dev/null");
            Assert.Contains("a character device", Assert.Throws<IOException>(() => EventWriter.Create(Path.Combine(dir, "null.csv"))).Message, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void Create_LinkAtARandomTemporaryName_IsNeverFollowed_Issue21()
    {
        // The CLI used to write a fixed <out>.tmp, following a link planted there. The temporary name is random and
        // created exclusively; a planted link at the old fixed name is left alone and its target untouched.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string dir = NewDirectory();
        string victim = Path.Combine(dir, "victim.txt");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(dir, "events.csv.tmp"), victim);
        using (EventWriter writer = EventWriter.Create(Path.Combine(dir, "events.csv")))
        {
            writer.Write(new JourneyEvent("c1", "a", T0));
        }

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.StartsWith("customer_id,", File.ReadAllText(Path.Combine(dir, "events.csv")), StringComparison.Ordinal);
    }
}
