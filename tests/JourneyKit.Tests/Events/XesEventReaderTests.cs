using System.IO.Compression;
using System.Text;
using JourneyKit.Events;

namespace JourneyKit.Tests.Events;

/// <summary>The XES reader on small hand-written logs: fields, attributes, lifecycle modes and located errors.</summary>
public sealed class XesEventReaderTests : IDisposable
{
    private const string Ns = "http://www.xes-standard.org/";
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-xes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EventReadResult Xes(string text, EventReaderOptions? options = null) =>
        XesEventReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "log.xes", options);

    private static EventFormatException Fails(string text, EventReaderOptions? options = null) =>
        Assert.Throws<EventFormatException>(() => Xes(text, options));

    private static long Ticks(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).UtcTicks;

    private const string TwoTraces = $"""
        <?xml version="1.0" encoding="UTF-8" ?>
        <log xes.version="1.0" xmlns="{Ns}">
          <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
          <global scope="event"><string key="concept:name" value="UNKNOWN"/></global>
          <classifier name="Activity" keys="concept:name"/>
          <string key="concept:name" value="the log's name, not a trace"/>
          <trace>
            <string key="concept:name" value="c1"/>
            <int key="AMOUNT_REQ" value="20000"/>
            <string key="org:resource" value="trace-level"/>
            <date key="REG_DATE" value="2011-10-01T00:38:44.546+02:00"/>
            <list key="tags"><values><string key="x" value="y"/></values></list>
            <event>
              <string key="concept:name" value="A_SUBMITTED"/>
              <string key="lifecycle:transition" value="COMPLETE"/>
              <date key="time:timestamp" value="2011-10-01T00:38:44.546+02:00"/>
              <string key="org:resource" value="112"><string key="meta" value="nested, not read"/></string>
              <boolean key="vip" value="true"/>
              <float key="score" value="0.5"/>
            </event>
            <event>
              <date key="time:timestamp" value="2011-10-01T09:00:00Z"/>
              <string key="concept:name" value="W_Check"/>
              <string key="lifecycle:transition" value="start"/>
            </event>
          </trace>
          <trace>
            <event>
              <string key="concept:name" value="W_Check"/>
              <string key="lifecycle:transition" value="SCHEDULE"/>
              <date key="time:timestamp" value="2011-10-02T00:00:00+00:00"/>
            </event>
            <string key="concept:name" value="c2"/>
          </trace>
        </log>
        """;

    [Fact]
    public void Read_TwoTraces_MapsTraceEventAndAttributes()
    {
        EventReadResult result = Xes(TwoTraces);

        Assert.Equal(3, result.Rows);
        Assert.Equal(0, result.Skipped);
        Assert.Equal(2, result.Batch.CustomerCount);

        // Expected by hand: 00:38:44.546+02:00 is 22:38:44.546 UTC the day before.
        JourneyEvent first = result.Batch.GetEvent(0);
        Assert.Equal("c1", first.CustomerId);
        Assert.Equal("A_SUBMITTED", first.Touchpoint);
        Assert.Equal(Ticks("2011-09-30T22:38:44.546Z"), first.TimestampTicks);
        Assert.Equal("20000", first.Attributes!["AMOUNT_REQ"]);
        Assert.Equal("2011-10-01T00:38:44.546+02:00", first.Attributes["REG_DATE"]); // kept as written
        Assert.Equal("112", first.Attributes["org:resource"]); // the event's value wins over the trace's
        Assert.Equal("true", first.Attributes["vip"]);
        Assert.Equal("0.5", first.Attributes["score"]);
        Assert.Equal("COMPLETE", first.Attributes["lifecycle:transition"]);
        Assert.False(first.Attributes.ContainsKey("concept:name"));
        Assert.False(first.Attributes.ContainsKey("time:timestamp"));
        Assert.False(first.Attributes.ContainsKey("tags"));
        Assert.False(first.Attributes.ContainsKey("meta"));

        JourneyEvent second = result.Batch.GetEvent(1);
        Assert.Equal("W_Check", second.Touchpoint);
        Assert.Equal("trace-level", second.Attributes!["org:resource"]); // copied from the trace
        Assert.Equal("20000", second.Attributes["AMOUNT_REQ"]);

        // A trace whose concept:name comes after its events still names them.
        JourneyEvent third = result.Batch.GetEvent(2);
        Assert.Equal("c2", third.CustomerId);
        Assert.False(third.Attributes!.ContainsKey("AMOUNT_REQ"));
    }

    [Fact]
    public void Read_CompleteOnly_KeepsCompleteAndUnnamedTransitions()
    {
        EventReadResult result = Xes(TwoTraces, new EventReaderOptions { LifecycleTransitions = LifecycleTransitionHandling.CompleteOnly });

        // Only c1's A_SUBMITTED is "COMPLETE"; "start" and "SCHEDULE" are left out and are not rows.
        Assert.Equal(1, result.Rows);
        Assert.Equal(1, result.Batch.Count);
        Assert.Equal("A_SUBMITTED", result.Batch.GetEvent(0).Touchpoint);
    }

    [Fact]
    public void Read_AppendToTouchpoint_AppendsLowerCaseTransition()
    {
        EventReadResult result = Xes(TwoTraces, new EventReaderOptions { LifecycleTransitions = LifecycleTransitionHandling.AppendToTouchpoint });

        Assert.Equal(["A_SUBMITTED+complete", "W_Check+start", "W_Check+schedule"], Enumerable.Range(0, 3).Select(i => result.Batch.GetEvent(i).Touchpoint));
        Assert.Equal("SCHEDULE", result.Batch.GetEvent(2).Attributes!["lifecycle:transition"]);
    }

    [Fact]
    public void Read_WithoutNamespaceAndEmptyElements_Works()
    {
        EventReadResult result = Xes("""
            <log>
              <trace/>
              <trace><string key="concept:name" value="c1"/><event/><event><string key="concept:name" value=""/></event></trace>
            </log>
            """, EventTestHelper.Skip);

        // Two events, both without a touchpoint: bad rows; the empty trace has none.
        Assert.Equal(2, result.Rows);
        Assert.Equal(2, result.Skipped);
        Assert.Equal(0, result.Batch.Count);
    }

    [Fact]
    public void Read_EventWithoutTimestamp_IsLocatedWithTraceId()
    {
        string text = "<log>\n" +
            "  <trace>\n" +
            "    <string key=\"concept:name\" value=\"173688\"/>\n" +
            "    <event><string key=\"concept:name\" value=\"A_SUBMITTED\"/><date key=\"time:timestamp\" value=\"2011-10-01T00:00:00Z\"/></event>\n" +
            "    <event><string key=\"concept:name\" value=\"A_PARTLYSUBMITTED\"/></event>\n" +
            "  </trace>\n" +
            "</log>\n";

        EventFormatException e = Fails(text);

        // The second <event> starts on line 5 at character 5 (after four spaces).
        Assert.Equal(EventReadErrorCode.RequiredFieldEmpty, e.Code);
        Assert.Equal(5, e.Line);
        Assert.Equal(5, e.ColumnNumber);
        Assert.Equal("time:timestamp", e.Column);
        Assert.Equal("log.xes:5:5: trace '173688', event 2 ('A_PARTLYSUBMITTED') has no 'time:timestamp' (the timestamp); every event needs one", e.Message);

        EventReadResult skipped = Xes(text, EventTestHelper.Skip);
        Assert.Equal(2, skipped.Rows);
        Assert.Equal(1, skipped.Skipped);
        Assert.Equal(1, skipped.Batch.Count);
        Assert.Equal(e.Message, Assert.Single(skipped.Errors).Message);
    }

    [Theory]
    [InlineData("2011-13-01T00:00:00Z", EventReadErrorCode.InvalidTimestamp)]
    [InlineData("yesterday", EventReadErrorCode.InvalidTimestamp)]
    [InlineData("2011-10-01T00:00:00", EventReadErrorCode.TimestampWithoutOffset)]
    public void Read_BadDate_IsLocatedAtTheDateElement(string date, EventReadErrorCode code)
    {
        string text = "<log><trace><string key=\"concept:name\" value=\"c1\"/>\n" +
            "<event><string key=\"concept:name\" value=\"A\"/>\n" +
            "  <date key=\"time:timestamp\" value=\"" + date + "\"/></event></trace></log>";

        EventFormatException e = Fails(text);

        Assert.Equal(code, e.Code);
        Assert.Equal(3, e.Line);
        Assert.Equal(3, e.ColumnNumber);
        Assert.Equal("time:timestamp", e.Column);
        Assert.StartsWith("log.xes:3:3: trace 'c1', event 1 ('A'): time:timestamp '" + date + "'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TraceWithoutId_SkipsAllItsEventsAndSaysSoOnce()
    {
        string text = "<log>\n<trace>\n" +
            "<event><string key=\"concept:name\" value=\"A\"/><date key=\"time:timestamp\" value=\"2011-10-01T00:00:00Z\"/></event>\n" +
            "<event><string key=\"concept:name\" value=\"B\"/><date key=\"time:timestamp\" value=\"2011-10-01T00:00:00Z\"/></event>\n" +
            "</trace>\n<trace><string key=\"concept:name\" value=\"ok\"/>" +
            "<event><string key=\"concept:name\" value=\"A\"/><date key=\"time:timestamp\" value=\"2011-10-01T00:00:00Z\"/></event></trace>\n</log>";

        EventReadResult result = Xes(text, EventTestHelper.Skip);

        Assert.Equal(3, result.Rows);
        Assert.Equal(2, result.Skipped);
        Assert.Equal("ok", result.Batch.GetEvent(0).CustomerId);
        EventReadError error = Assert.Single(result.Errors);
        Assert.Equal("log.xes:2:1: trace 1 has no 'concept:name' (the customer id); its 2 events cannot be read", error.Message);
        Assert.Throws<EventFormatException>(() => Xes(text));
    }

    [Theory]
    [InlineData("<log><trace><string key=\"concept:name\" value=\"c1\"/><event>", 1)] // unclosed tags
    [InlineData("<log><trace></event></log>", 1)] // mismatched end tag
    [InlineData("<log>\n<trace a=\"1\" a=\"2\"/></log>", 2)] // duplicate attribute
    [InlineData("<log>\n<trace/>\n</log>\n<log/>", 4)] // two roots
    [InlineData("customer_id,touchpoint,timestamp\nc1,a,0\n", 1)] // not XML at all
    [InlineData("<log><trace><string key=\"concept:name\" value=\"&bogus;\"/></trace></log>", 1)] // undeclared entity
    public void Read_MalformedXml_IsALocatedInvalidXmlError(string text, int line)
    {
        EventFormatException e = Fails(text, EventTestHelper.Skip); // even when skipping bad rows

        Assert.Equal(EventReadErrorCode.InvalidXml, e.Code);
        Assert.Equal(line, e.Line);
        Assert.True(e.ColumnNumber > 0);
        Assert.StartsWith($"log.xes:{line}:{e.ColumnNumber}: not well-formed XML: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Line ", e.Reason, StringComparison.Ordinal); // the location is given once, our way
    }

    [Fact]
    public void Read_EntityBomb_IsRefusedBeforeExpansion()
    {
        // The "billion laughs": 10 levels of 10 references expand to 10^9 "lol"s if entities are expanded.
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE log [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++)
        {
            sb.Append(" <!ENTITY lol").Append(i).Append(" \"").Append(string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))).Append("\">\n");
        }

        sb.Append("]>\n<log><trace><string key=\"concept:name\" value=\"&lol9;\"/></trace></log>");

        EventFormatException e = Fails(sb.ToString());

        Assert.Equal(EventReadErrorCode.InvalidXml, e.Code);
        Assert.Equal("log.xes: the file has a document type declaration (<!DOCTYPE …>) before its root element; XES files have none, and DTDs are refused because entity expansion can exhaust memory", e.Message);
    }

    [Fact]
    public void Read_ExternalEntity_IsRefused()
    {
        string secret = Path.Combine(_dir, "secret.txt");
        File.WriteAllText(secret, "do not read me");
        string text = $"<?xml version=\"1.0\"?><!DOCTYPE log [<!ENTITY x SYSTEM \"file://{secret}\">]><log><trace><string key=\"concept:name\" value=\"&x;\"/></trace></log>";

        EventFormatException e = Fails(text);

        Assert.Equal(EventReadErrorCode.InvalidXml, e.Code);
        Assert.DoesNotContain("do not read me", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeAttributeValue_StopsAtTheNodeLimit()
    {
        // 2 MiB in one attribute value against a 64 KiB limit: refused long before it is all buffered.
        string text = "<log><trace><string key=\"concept:name\" value=\"" + new string('x', 2 << 20) + "\"/></trace></log>";

        EventFormatException e = Fails(text, new EventReaderOptions { MaxRecordLength = 1 << 16, BadRows = BadRowHandling.Skip });

        Assert.Equal(EventReadErrorCode.RecordTooLarge, e.Code);
        Assert.Contains("65,536 bytes", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ManySmallNodes_AreNotLimitedInTotal()
    {
        // 3,000 traces (~300 KB) against a 4 KiB... no: the minimum limit, 1 KiB per node, is far below the file size.
        var sb = new StringBuilder("<log>\n<!-- a comment -->\n");
        for (int i = 0; i < 3000; i++)
        {
            sb.Append("<trace><string key=\"concept:name\" value=\"c").Append(i)
              .Append("\"/><event><string key=\"concept:name\" value=\"A\"/><date key=\"time:timestamp\" value=\"2011-10-01T00:00:00Z\"/></event></trace>\n");
        }

        sb.Append("</log>");

        EventReadResult result = Xes(sb.ToString(), new EventReaderOptions { MaxRecordLength = 1024 });

        Assert.Equal(3000, result.Batch.CustomerCount);
    }

    [Fact]
    public void Read_RootIsNotLog_IsInvalidXes()
    {
        EventFormatException e = Fails("<?xml version=\"1.0\"?>\n  <events><trace/></events>");

        Assert.Equal(EventReadErrorCode.InvalidXes, e.Code);
        Assert.Equal("log.xes:2:3: the root element is <events>, not <log>; this is not an XES file", e.Message);
    }

    [Fact]
    public void Read_EmptyStream_IsEmptyFile()
    {
        Assert.Equal(EventReadErrorCode.EmptyFile, Fails(string.Empty).Code);
    }

    [Fact]
    public void Read_AttributeWithoutKey_IsABadEvent()
    {
        string text = "<log><trace><string key=\"concept:name\" value=\"c1\"/>\n" +
            "<event><string value=\"A\"/><string key=\"concept:name\" value=\"A\"/><date key=\"time:timestamp\" value=\"2011-10-01T00:00:00Z\"/></event></trace></log>";

        EventFormatException e = Fails(text);

        Assert.Equal(EventReadErrorCode.InvalidXes, e.Code);
        Assert.Equal("log.xes:2:8: trace 'c1', event 1 ('A'): a <string> attribute has no 'key'", e.Message);
    }

    [Fact]
    public void Read_MoreBadEventsThanReported_CountsAll()
    {
        var sb = new StringBuilder("<log><trace><string key=\"concept:name\" value=\"c1\"/>");
        for (int i = 0; i < 25; i++)
        {
            sb.Append("<event><string key=\"concept:name\" value=\"A\"/></event>");
        }

        sb.Append("</trace></log>");

        EventReadResult result = Xes(sb.ToString(), EventTestHelper.Skip);

        Assert.Equal(25, result.Skipped);
        Assert.Equal(10, result.Errors.Count); // EventReaderOptions.MaxReportedErrors' default
    }

    [Theory]
    [InlineData("log.xes", EventFileFormat.Xes)]
    [InlineData("LOG.XES", EventFileFormat.Xes)]
    [InlineData("bpic2012.xes.gz", EventFileFormat.Xes)]
    public void DetectFormat_Xes(string path, EventFileFormat expected) => Assert.Equal(expected, EventFile.DetectFormat(path));

    [Fact]
    public void EventFile_ReadsXesAndGzippedXes_TheSame()
    {
        string plain = Path.Combine(_dir, "log.xes");
        string gz = Path.Combine(_dir, "log.xes.gz");
        File.WriteAllText(plain, TwoTraces);
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Optimal))
        {
            output.Write(Encoding.UTF8.GetBytes(TwoTraces));
        }

        EventReadResult a = EventFile.Read(plain);
        EventReadResult b = EventFile.Read(gz);

        Assert.Equal(EventTestHelper.Describe(Xes(TwoTraces).Batch), EventTestHelper.Describe(a.Batch));
        Assert.Equal(EventTestHelper.Describe(a.Batch), EventTestHelper.Describe(b.Batch));
    }

    [Fact]
    public void EventFile_ErrorNamesThePath()
    {
        string plain = Path.Combine(_dir, "bad.xes");
        File.WriteAllText(plain, "<log><trace>");

        EventFormatException e = Assert.Throws<EventFormatException>(() => EventFile.Read(plain));

        Assert.StartsWith(plain + ":1:", e.Message, StringComparison.Ordinal);
    }
}
