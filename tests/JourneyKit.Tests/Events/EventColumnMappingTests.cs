using System.Text;
using JourneyKit.Events;

namespace JourneyKit.Tests.Events;

/// <summary>Column mapping and timestamp options in the CSV, JSON Lines and XES readers, with the messages that say how to fix the call.</summary>
public sealed class EventColumnMappingTests
{
    private static readonly EventColumnMapping UserEventTime = EventColumnMapping.Parse("customer_id=user,touchpoint=event,timestamp=time");

    [Fact]
    public void Parse_ReadsPairs_AndToStringReadsBack()
    {
        EventColumnMapping mapping = EventColumnMapping.Parse(" Customer_ID = user , value=amount ");

        Assert.Equal("user", mapping.CustomerId);
        Assert.Equal("amount", mapping.Value);
        Assert.Null(mapping.Touchpoint);
        Assert.Equal("customer_id=user,value=amount", mapping.ToString());
        Assert.Equal(mapping.ToString(), EventColumnMapping.Parse(mapping.ToString()).ToString());
    }

    [Theory]
    [InlineData("customer_id", "is not FIELD=COLUMN")]
    [InlineData("customer_id=", "is not FIELD=COLUMN")]
    [InlineData("user=customer_id", "'user' is not a field; the fields are customer_id, touchpoint, timestamp, channel, event_id, value")]
    [InlineData("customer_id=a,customer_id=b", "the field 'customer_id' is mapped twice")]
    [InlineData("customer_id=a,touchpoint=A", "'A' is mapped to both 'customer_id' and 'touchpoint'")]
    public void Parse_Malformed_SaysHowToWriteIt(string text, string message)
    {
        FormatException e = Assert.Throws<FormatException>(() => EventColumnMapping.Parse(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_MappedColumns_AreTheFieldsNotAttributes()
    {
        EventReadResult result = EventTestHelper.Csv("user,event,time,plan\nu1,login,2026-01-31T09:30:00Z,pro\n", new EventReaderOptions { Columns = UserEventTime });

        JourneyEvent e = result.Batch.GetEvent(0);
        Assert.Equal(("u1", "login", new DateTimeOffset(2026, 1, 31, 9, 30, 0, TimeSpan.Zero).UtcTicks), (e.CustomerId, e.Touchpoint, e.TimestampTicks));
        Assert.Equal(["plan"], e.Attributes!.Keys);
    }

    [Fact]
    public void Csv_MissingColumns_SuggestTheMapping()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Csv("user,event,time\nu1,login,0\n"));

        Assert.Equal(EventReadErrorCode.MissingColumn, e.Code);
        Assert.Equal(
            "events.csv:1: missing required columns 'customer_id', 'touchpoint', 'timestamp'; the header has user,event,time — map them with --columns customer_id=user,touchpoint=event,timestamp=time (EventReaderOptions.Columns)",
            e.Message);
    }

    [Fact]
    public void Csv_OneMissingColumn_WithoutAGuess_SaysColumn()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Csv("customer_id,touchpoint,wann\nu1,login,0\n"));

        Assert.Equal("events.csv:1: missing required column 'timestamp'; the header has customer_id,touchpoint,wann — map it with --columns timestamp=COLUMN (EventReaderOptions.Columns)", e.Message);
    }

    [Fact]
    public void Csv_MappedColumnAbsent_NamesIt()
    {
        var options = new EventReaderOptions { Columns = EventColumnMapping.Parse("customer_id=usr") };

        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Csv("user,touchpoint,timestamp\nu1,login,0\n", options));

        Assert.Equal("events.csv:1: missing required column 'customer_id' (--columns reads it from 'usr', which is not in the header); the header has user,touchpoint,timestamp", e.Message);
    }

    [Fact]
    public void Csv_StandardColumnBesideItsMappedSource_IsAnError()
    {
        var options = new EventReaderOptions { Columns = EventColumnMapping.Parse("customer_id=user") };

        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Csv("user,customer_id,touchpoint,timestamp\nu1,c1,login,0\n", options));

        Assert.Equal(EventReadErrorCode.InvalidHeader, e.Code);
        Assert.Equal("customer_id", e.Column);
        Assert.Contains("rename or drop one of them", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_PatternAndZone()
    {
        // 29/03/2026 01:30 is +01 (00:30Z); 03:30 is +02 (01:30Z); 02:30 does not exist that night (see EventTimestampFormatTests.Eu).
        var options = new EventReaderOptions
        {
            Columns = UserEventTime,
            TimestampFormat = EventTimestampFormat.Custom("dd/MM/yyyy HH:mm"),
            TimeZone = EventTimestampFormatTests.Eu,
            BadRows = BadRowHandling.Skip,
        };

        EventReadResult result = EventTestHelper.Csv("user,event,time\nu1,a,29/03/2026 01:30\nu1,b,29/03/2026 02:30\nu1,c,29/03/2026 03:30\n", options);

        Assert.Equal(2, result.Batch.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.Zero).UtcTicks, result.Batch.GetEvent(0).TimestampTicks);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero).UtcTicks, result.Batch.GetEvent(1).TimestampTicks);
        EventReadError error = Assert.Single(result.Errors);
        Assert.Equal(EventReadErrorCode.NonexistentLocalTime, error.Code);
        Assert.Equal(3, error.Line);
        Assert.Equal("events.csv:3: column 'time': '29/03/2026 02:30' does not exist in the time zone 'Test/EU': the clocks moved forward over it (daylight-saving time); the file's clock or its time zone is wrong there", error.Message);
    }

    [Fact]
    public void Csv_LocalTimeWithoutZone_SaysHowToFix()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Csv("customer_id,touchpoint,timestamp\nu1,a,2026-01-31 09:30\n"));

        Assert.Contains("has no UTC offset; add 'Z' or an offset such as '+01:00', or say which time zone the file's local times are in with --time-zone", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_OtherFormat_SuggestsTimestampFormat()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Csv("customer_id,touchpoint,timestamp\nu1,a,31/01/2026 09:30\n"));

        Assert.Contains("give it with --timestamp-format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_UnixMilliseconds()
    {
        var options = new EventReaderOptions { TimestampFormat = EventTimestampFormat.UnixMilliseconds };

        EventReadResult result = EventTestHelper.Csv("customer_id,touchpoint,timestamp\nu1,a,1769851800250\n", options);

        // 1769851800 s = 2026-01-31T09:30:00Z; + 250 ms.
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 9, 30, 0, 250, TimeSpan.Zero).UtcTicks, result.Batch.GetEvent(0).TimestampTicks);
    }

    [Fact]
    public void Jsonl_MappedFields()
    {
        var options = new EventReaderOptions { Columns = EventColumnMapping.Parse("customer_id=user,touchpoint=event,timestamp=time,value=amount") };

        EventReadResult result = EventTestHelper.Jsonl("{\"user\":\"u1\",\"event\":\"buy\",\"time\":1769851800,\"amount\":12.5,\"plan\":\"pro\"}\n", options);

        JourneyEvent e = result.Batch.GetEvent(0);
        Assert.Equal(("u1", "buy", 12.5), (e.CustomerId, e.Touchpoint, e.Value));
        Assert.Equal(["plan"], e.Attributes!.Keys);
    }

    [Fact]
    public void Jsonl_MissingField_SuggestsTheMapping()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Jsonl("{\"user\":\"u1\",\"touchpoint\":\"buy\",\"timestamp\":0}\n"));

        Assert.Equal("events.jsonl:1: column 'customer_id': is missing; it is required (if the file names it differently, map it with --columns customer_id=FIELD, EventReaderOptions.Columns)", e.Message);
    }

    [Fact]
    public void Jsonl_MappedFieldInErrors()
    {
        var options = new EventReaderOptions { Columns = EventColumnMapping.Parse("timestamp=time") };

        EventFormatException e = Assert.Throws<EventFormatException>(() => EventTestHelper.Jsonl("{\"customer_id\":\"u1\",\"touchpoint\":\"buy\",\"time\":\"soon\"}\n", options));

        Assert.Equal("time", e.Column);
    }

    [Fact]
    public void Xes_ValueFromATraceAttribute()
    {
        // The first trace of the excerpt, 173688, asks for 20,000 (AMOUNT_REQ="20000"; see Bpic2012ExcerptTests).
        var options = new EventReaderOptions { Columns = EventColumnMapping.Parse("value=AMOUNT_REQ") };

        EventBatch batch = EventFile.Read(TestPaths.Data("bpic2012-excerpt.xes.gz"), options).Batch;

        Assert.True(batch.Customers.TryGetId("173688", out int customer));
        int row = batch.CustomerIds.IndexOf(customer);
        JourneyEvent e = batch.GetEvent(row);
        Assert.Equal(20000, e.Value);
        Assert.False(e.Attributes!.ContainsKey("AMOUNT_REQ"));
        Assert.Equal(6929, batch.Count);
    }

    [Fact]
    public void Xes_CustomerFromAnotherKey_AndLocalDatesWithZone()
    {
        string xes = """
            <log>
              <trace>
                <string key="concept:name" value="case-1"/>
                <string key="client" value="ada"/>
                <event><string key="activity" value="login"/><date key="time:timestamp" value="2026-07-01T12:00:00"/></event>
              </trace>
            </log>
            """;
        var options = new EventReaderOptions
        {
            Columns = EventColumnMapping.Parse("customer_id=client,touchpoint=activity"),
            TimeZone = EventTimestampFormatTests.Eu,
        };

        JourneyEvent e = XesEventReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xes)), "log.xes", options).Batch.GetEvent(0);

        Assert.Equal(("ada", "login"), (e.CustomerId, e.Touchpoint));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero).UtcTicks, e.TimestampTicks); // +02 in summer
        Assert.Equal("case-1", e.Attributes!["concept:name"]); // the trace's own name is now an attribute
    }

    [Fact]
    public void Options_BadMapping_IsAnOptionsError()
    {
        var options = new EventReaderOptions { Columns = new EventColumnMapping { CustomerId = "x", Touchpoint = "X" } };

        ArgumentException e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Columns: 'X' is mapped to both 'customer_id' and 'touchpoint'", e.Message, StringComparison.Ordinal);
    }
}
