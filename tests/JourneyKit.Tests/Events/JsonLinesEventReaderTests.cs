using System.Text;
using JourneyKit.Events;
using JourneyKit.Model;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

public sealed class JsonLinesEventReaderTests
{
    [Fact]
    public void Read_AllFields_FillsEveryField()
    {
        EventReadResult result = Jsonl(
            """{"customer_id":"c1","touchpoint":"form.start","timestamp":"2026-01-01T10:00:00Z","channel":"Web","event_id":"e1","value":12.5,"attributes":{"plan":"gold"},"segment":"retail"}""" + "\n" +
            """{"customer_id":42,"touchpoint":"form.submit","timestamp":1767261600,"value":"3","attributes":{"vip":true,"tier":2,"gone":null}}""" + "\n");

        Assert.Equal(2, result.Rows);
        EventBatch batch = result.Batch;
        JourneyEvent first = batch.GetEvent(0);
        Assert.Equal("c1", first.CustomerId);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), first.Timestamp);
        Assert.Equal(Channel.Web, first.Channel);
        Assert.Equal("e1", first.EventId);
        Assert.Equal(12.5, first.Value);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "gold", ["segment"] = "retail" }, first.Attributes);

        // A numeric id is kept as written; 1767261600 = 2026-01-01T10:00:00Z (1767225600 + 36000).
        JourneyEvent second = batch.GetEvent(1);
        Assert.Equal("42", second.CustomerId);
        Assert.Equal(first.Timestamp, second.Timestamp);
        Assert.Equal(3, second.Value);
        Assert.Equal(new Dictionary<string, string> { ["vip"] = "true", ["tier"] = "2" }, second.Attributes);
    }

    [Fact]
    public void Read_EmptyFile_GivesEmptyBatch()
    {
        // JSON Lines has no header: an empty file is simply no events.
        EventReadResult result = Jsonl(string.Empty);
        Assert.Equal(0, result.Rows);
        Assert.Equal(0, result.Batch.Count);
    }

    [Fact]
    public void Read_BomCrlfAndBlankLines_AreHandled()
    {
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(
            "{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0}\r\n\r\n   \n{\"customer_id\":\"c2\",\"touchpoint\":\"y\",\"timestamp\":0}")];
        EventReadResult result = Jsonl(bytes);
        Assert.Equal(2, result.Rows);
        Assert.Equal(["c1", "c2"], Enumerable.Range(0, 2).Select(i => result.Batch.GetEvent(i).CustomerId));
    }

    [Fact]
    public void Read_EscapedStrings_AreUnescaped()
    {
        EventReadResult result = Jsonl("""{"customer_id":"a,\"b\"\u00e9","touchpoint":"line\nbreak","timestamp":"0","attributes":{"k\u0021":"v"}}""");
        JourneyEvent e = result.Batch.GetEvent(0);
        Assert.Equal("a,\"b\"é", e.CustomerId);
        Assert.Equal("line\nbreak", e.Touchpoint);
        Assert.Equal("v", e.Attributes!["k!"]);
    }

    [Fact]
    public void Read_MissingRequiredField_NamesIt()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl("{\"customer_id\":\"c1\",\"timestamp\":0}\n"));
        Assert.Equal(EventReadErrorCode.RequiredFieldEmpty, e.Code);
        Assert.Equal("touchpoint", e.Column);
        Assert.Equal("events.jsonl:1: column 'touchpoint': is missing; it is required (if the file names it differently, map it with --columns touchpoint=FIELD, EventReaderOptions.Columns)", e.Message);
    }

    [Fact]
    public void Read_BadTimestamp_SaysLineAndValue()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() =>
            Jsonl("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0}\n{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":\"2026-13-01\"}\n"));
        Assert.Equal(2, e.Line);
        Assert.Equal("events.jsonl:2: column 'timestamp': '2026-13-01' is not an ISO-8601 timestamp with offset or Unix seconds", e.Message);
    }

    [Fact]
    public void Read_ValueNotANumber_IsABadRow()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0,\"value\":\"abc\"}"));
        Assert.Equal(EventReadErrorCode.InvalidValue, e.Code);
        Assert.Contains("'abc' is not a number", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<EventFormatException>(() => Jsonl("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0,\"value\":[1]}"));
        Assert.Contains("must be a number, not a JSON array", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<EventFormatException>(() => Jsonl("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0,\"value\":1e400}"));
        Assert.Contains("not a finite number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidJson_IsABadRowThatCanBeSkipped()
    {
        string text = "{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0}\n{not json}\n[1,2]\n{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0} trailing\n{\"customer_id\":\"c2\",\"touchpoint\":\"x\",\"timestamp\":0}\n";
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl(text));
        Assert.Equal(EventReadErrorCode.InvalidJson, e.Code);
        Assert.Equal(2, e.Line);
        Assert.StartsWith("events.jsonl:2: invalid JSON at byte 2: ", e.Message, StringComparison.Ordinal); // 'n' of {not
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);

        EventReadResult result = Jsonl(text, Skip);
        Assert.Equal(5, result.Rows);
        Assert.Equal(3, result.Skipped);
        Assert.Equal(2, result.Batch.Count);
        Assert.Equal([2L, 3L, 4L], result.Errors.Select(x => x.Line));
    }

    [Fact]
    public void Read_AttributeOfWrongTypeOnACutLine_CountsTheRowOnce_Issue21Fuzz()
    {
        // Found by the jsonl fuzz target: an attribute that is an array on a line that ends inside it was reported as a
        // bad row, then skipping the array threw on the cut line and the row was counted again (skipped 2 of 1 row).
        string text = "{\"customer_id\":\"c1\",\"touchpoint\":\"a\",\"timestamp\":0,\"plan\":[1\n{\"customer_id\":\"c2\",\"touchpoint\":\"a\",\"timestamp\":0}\n";
        EventReadResult result = Jsonl(text, Skip);
        Assert.Equal(2, result.Rows);
        Assert.Equal(1, result.Skipped);
        Assert.Equal(1, result.Batch.Count);
        Assert.Equal(result.Rows, result.Summary.Added + result.Skipped + result.Duplicates);
        EventReadError error = Assert.Single(result.Errors);
        Assert.Equal((EventReadErrorCode.InvalidJson, 1L, "plan"), (error.Code, error.Line, error.Column));
    }

    [Fact]
    public void Read_DuplicateStandardField_IsABadRow()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0,\"touchpoint\":\"y\"}"));
        Assert.Equal(EventReadErrorCode.DuplicateField, e.Code);
        Assert.Equal("touchpoint", e.Column);
    }

    [Fact]
    public void Read_NestedAttributeValue_IsABadRow()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0,\"extra\":{\"a\":1}}"));
        Assert.Equal("extra", e.Column);
        Assert.Contains("not a JSON object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonUtf8Bytes_FailWithLineAndBytePosition()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0}\n{\"customer_id\":\"c"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\",\"touchpoint\":\"x\",\"timestamp\":0}\n")];
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl(bytes));
        Assert.Equal(EventReadErrorCode.InvalidUtf8, e.Code);
        Assert.Equal(2, e.Line);
        Assert.Contains("at byte 18", e.Message, StringComparison.Ordinal); // {"customer_id":"c is 17 bytes
    }

    [Fact]
    public void Read_LongLine_FailsClearlyOrWorksWithRaisedLimit()
    {
        string line = "{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":0,\"note\":\"" + new string('a', 10_000_000) + "\"}\n";
        string text = line + "{\"customer_id\":\"c2\",\"touchpoint\":\"x\",\"timestamp\":0}\n";
        EventFormatException e = Assert.Throws<EventFormatException>(() => Jsonl(text));
        Assert.Equal(EventReadErrorCode.RecordTooLarge, e.Code);
        Assert.Equal(1, e.Line);

        var options = new EventReaderOptions { MaxRecordLength = 16 << 20 };
        Assert.Equal(EventReadErrorCode.LimitExceeded, Assert.Throws<EventFormatException>(() => Jsonl(text, options)).Code); // EventLimits.MaxAttributeValueLength

        var builder = new EventBatchBuilder { Limits = new EventLimits { MaxAttributeValueLength = 16 << 20 } };
        JsonLinesEventReader.ReadInto(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), builder, null, options);
        EventBatch batch = builder.Build();
        Assert.Equal(10_000_000, batch.GetEvent(0).Attributes!["note"].Length);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void Read_ManyLinesAcrossBufferBoundaries_ReadsAll()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            text.Append("{\"customer_id\":\"c").Append(i % 100).Append("\",\"touchpoint\":\"t").Append(i).Append("\",\"timestamp\":").Append(i).Append("}\n");
        }

        EventReadResult result = Jsonl(text.ToString());
        Assert.Equal(20_000, result.Batch.Count);
        Assert.Equal(100, result.Batch.CustomerCount);
        Assert.Equal(20_000, result.Batch.Touchpoints.Count);
    }
}
