using System.Text;
using JourneyKit.Events;
using JourneyKit.Model;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

public sealed class CsvEventReaderTests
{
    private const string Header = "customer_id,touchpoint,timestamp";

    [Fact]
    public void Read_AllColumns_FillsEveryField()
    {
        EventReadResult result = Csv(
            "customer_id,touchpoint,timestamp,channel,event_id,value,plan\n" +
            "c1,form.start,2026-01-01T10:00:00Z,Web,e1,12.5,gold\n" +
            "c1,form.submit,2026-01-01T11:30:00+01:00,,,,\n");

        Assert.Equal(2, result.Rows);
        Assert.Equal(0, result.Skipped);
        EventBatch batch = result.Batch;
        Assert.Equal(2, batch.Count);
        JourneyEvent first = batch.GetEvent(0);
        Assert.Equal("c1", first.CustomerId);
        Assert.Equal("form.start", first.Touchpoint);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), first.Timestamp);
        Assert.Equal(Channel.Web, first.Channel); // "Web" normalized
        Assert.Equal("e1", first.EventId);
        Assert.Equal(12.5, first.Value);
        Assert.Equal("gold", first.Attributes!["plan"]);

        // 11:30+01:00 is 10:30Z; empty cells are absent.
        JourneyEvent second = batch.GetEvent(1);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 30, 0, TimeSpan.Zero), second.Timestamp);
        Assert.True(second.Channel.IsNone);
        Assert.Null(second.EventId);
        Assert.Null(second.Value);
        Assert.Null(second.Attributes);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsEmptyFile()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(string.Empty));
        Assert.Equal(EventReadErrorCode.EmptyFile, e.Code);
        Assert.Equal("events.csv", e.FileName);
        Assert.Equal(1, e.Line);
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_GivesEmptyBatch()
    {
        EventReadResult result = Csv(Header + "\n");
        Assert.Equal(0, result.Rows);
        Assert.Equal(0, result.Batch.Count);

        Assert.Equal(0, Csv(Header).Batch.Count); // without a final newline too
    }

    [Fact]
    public void Read_MissingRequiredColumns_NamesThemAll()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv("customer_id,when,channel\nc1,x,web\n"));
        Assert.Equal(EventReadErrorCode.MissingColumn, e.Code);
        Assert.Equal(1, e.Line);
        Assert.Contains("'touchpoint'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'timestamp'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'customer_id',", e.Reason.Split(';')[0], StringComparison.Ordinal);
        Assert.StartsWith("events.csv:1: missing required columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingColumnsWithSkip_StillThrows()
    {
        Assert.Throws<EventFormatException>(() => Csv("customer_id,touchpoint\nc1,x\n", Skip));
    }

    [Fact]
    public void Read_HeaderCaseAndOrderAndSpaces_AreAccepted()
    {
        EventReadResult result = Csv(" Timestamp , TOUCHPOINT,Customer_Id\n2026-01-01T00:00:00Z,x,c1\n");
        JourneyEvent e = result.Batch.GetEvent(0);
        Assert.Equal("c1", e.CustomerId);
        Assert.Equal("x", e.Touchpoint);
    }

    [Fact]
    public void Read_Utf8Bom_IsIgnored()
    {
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Header + "\nc1,x,2026-01-01T00:00:00Z\n")];
        EventReadResult result = Csv(bytes);
        Assert.Equal("c1", result.Batch.GetEvent(0).CustomerId);
    }

    [Fact]
    public void Read_BomInTextReader_IsIgnored()
    {
        EventReadResult result = CsvEventReader.Read(new StringReader("\uFEFF" + Header + "\nc1,x,0\n"), null, null);
        Assert.Equal(1, result.Batch.Count);
    }

    [Fact]
    public void Read_Crlf_GivesSameEventsAsLf()
    {
        string lf = Header + ",plan\nc1,x,2026-01-01T00:00:00Z,gold\nc2,y,2026-01-01T00:00:01Z,\n";
        EventReadResult fromLf = Csv(lf);
        EventReadResult fromCrlf = Csv(lf.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(Describe(fromLf.Batch), Describe(fromCrlf.Batch));
        Assert.Equal("gold", fromCrlf.Batch.GetEvent(0).Attributes!["plan"]); // no stray '\r'
    }

    [Fact]
    public void Read_QuotedCommasQuotesAndNewlines_AreUnescaped()
    {
        EventReadResult result = Csv(Header + ",note\n\"c,1\",\"say \"\"hi\"\"\",2026-01-01T00:00:00Z,\"two\nlines\"\nc2,x,2026-01-01T00:00:00Z,\n");
        JourneyEvent e = result.Batch.GetEvent(0);
        Assert.Equal("c,1", e.CustomerId);
        Assert.Equal("say \"hi\"", e.Touchpoint);
        Assert.Equal("two\nlines", e.Attributes!["note"]);
        Assert.Equal(2, result.Rows);
    }

    [Fact]
    public void Read_SeveralFieldsWithDoubledQuotes_KeepTheirOwnText()
    {
        // Found by the round-trip property: the CSV parser unescapes doubled quotes into one shared buffer.
        EventReadResult result = Csv(Header + ",channel,event_id\n\"a\"\"1\",\":\"\":\",0,\"w\"\"eb\",\"e\"\"10\"\n");
        JourneyEvent e = result.Batch.GetEvent(0);
        Assert.Equal("a\"1", e.CustomerId);
        Assert.Equal(":\":", e.Touchpoint);
        Assert.Equal("w\"eb", e.Channel.Name);
        Assert.Equal("e\"10", e.EventId);
    }

    [Fact]
    public void Read_LineNumbers_CountLinesInsideQuotedFields()
    {
        // Line 1 header, line 2-3 one record with a quoted newline, line 4 the bad timestamp.
        EventFormatException e = Assert.Throws<EventFormatException>(() =>
            Csv(Header + "\nc1,\"a\nb\",0\nc2,x,nope\n"));
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void Read_BadTimestamp_MessageSaysFileLineColumnAndValue()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\nc1,x,2026-01-01T00:00:00Z\nc1,x,2026-13-01\n"));
        Assert.Equal(EventReadErrorCode.InvalidTimestamp, e.Code);
        Assert.Equal(3, e.Line);
        Assert.Equal("timestamp", e.Column);
        Assert.Equal(3, e.ColumnNumber);
        Assert.Equal("events.csv:3: column 'timestamp': '2026-13-01' is not an ISO-8601 timestamp with offset or Unix seconds", e.Message);
    }

    [Fact]
    public void Read_TimestampWithoutOffset_IsRejectedAsAmbiguous()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\nc1,x,2026-01-01T10:00:00\n"));
        Assert.Equal(EventReadErrorCode.TimestampWithoutOffset, e.Code);
        Assert.Contains("no UTC offset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnixMilliseconds_IsOutOfRangeWithHint()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\nc1,x,1767225600000\n"));
        Assert.Equal(EventReadErrorCode.TimestampOutOfRange, e.Code);
        Assert.Contains("seconds, not milliseconds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnixSeconds_AreAccepted()
    {
        // 1767225600 s after 1970-01-01 is 2026-01-01T00:00:00Z (20454 days * 86400 s); .25 adds 2,500,000 ticks.
        EventReadResult result = Csv(Header + "\nc1,x,1767225600\nc1,y,1767225600.25\n");
        Assert.Equal(T0.UtcTicks, result.Batch.TimestampTicks[0]);
        Assert.Equal(T0.UtcTicks + 2_500_000, result.Batch.TimestampTicks[1]);
    }

    [Fact]
    public void Read_ValueNotANumber_FailsWithColumn()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + ",value\nc1,x,0,12,5\n"));
        Assert.Equal(EventReadErrorCode.FieldCount, e.Code); // "12,5" unquoted is two fields

        e = Assert.Throws<EventFormatException>(() => Csv(Header + ",value\nc1,x,0,abc\n"));
        Assert.Equal(EventReadErrorCode.InvalidValue, e.Code);
        Assert.Equal("value", e.Column);
        Assert.Equal("events.csv:2: column 'value': 'abc' is not a number", e.Message);

        e = Assert.Throws<EventFormatException>(() => Csv(Header + ",value\nc1,x,0,Infinity\n"));
        Assert.Contains("not a finite number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValueWithSpacesAndExponent_IsParsedInvariantly()
    {
        EventReadResult result = Csv(Header + ",value\nc1,x,0, -1.5e2 \n");
        Assert.Equal(-150, result.Batch.Values[0]);
    }

    [Fact]
    public void Read_DuplicateHeader_Throws()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv("customer_id,touchpoint,timestamp,Touchpoint\nc1,x,0,y\n"));
        Assert.Equal(EventReadErrorCode.InvalidHeader, e.Code);
        Assert.Contains("columns 2 and 4", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<EventFormatException>(() => Csv(Header + ",plan,PLAN\nc1,x,0,a,b\n"));
        Assert.Equal("PLAN", e.Column);
    }

    [Fact]
    public void Read_EmptyHeaderName_Throws()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + ",\nc1,x,0,\n"));
        Assert.Equal(EventReadErrorCode.InvalidHeader, e.Code);
        Assert.Equal(4, e.ColumnNumber);
    }

    [Fact]
    public void Read_ExtraColumns_BecomeAttributesAndEmptyIsAbsent()
    {
        EventReadResult result = Csv("segment,customer_id,touchpoint,timestamp,persona\nretail,c1,x,0,\n,c2,y,0,saver\n");
        EventBatch batch = result.Batch;
        JourneyEvent c1 = batch.GetEvent(0);
        JourneyEvent c2 = batch.GetEvent(1);
        Assert.Equal(new Dictionary<string, string> { ["segment"] = "retail" }, c1.Attributes);
        Assert.Equal(new Dictionary<string, string> { ["persona"] = "saver" }, c2.Attributes);
        Assert.True(batch.TryGetAttributeColumn("persona", out ReadOnlySpan<int> persona));
        Assert.Equal(-1, persona[0]);
    }

    [Fact]
    public void Read_BlankLines_AreIgnoredAndNotCounted()
    {
        EventReadResult result = Csv(Header + "\n\nc1,x,0\n   \n\r\nc2,y,0\n\n");
        Assert.Equal(2, result.Rows);
        Assert.Equal(2, result.Batch.Count);
    }

    [Fact]
    public void Read_BlankLines_StillCountForLineNumbers()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\n\nc1,x,0\n\nc2,,0\n"));
        Assert.Equal(5, e.Line);
        Assert.Equal("touchpoint", e.Column);
        Assert.Equal(EventReadErrorCode.RequiredFieldEmpty, e.Code);
    }

    [Fact]
    public void Read_WrongFieldCount_IsABadRow()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\nc1,x\n"));
        Assert.Equal(EventReadErrorCode.FieldCount, e.Code);
        Assert.Contains("2 fields but the header has 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonUtf8Bytes_FailWithLineAndColumn()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Header + "\nc1,x,0\nc"), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(",y,0\n")];
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(bytes));
        Assert.Equal(EventReadErrorCode.InvalidUtf8, e.Code);
        Assert.Equal(3, e.Line);
        Assert.Equal("customer_id", e.Column);

        EventReadResult skipped = Csv(bytes, Skip);
        Assert.Equal(1, skipped.Batch.Count);
        Assert.Equal(1, skipped.Skipped);
    }

    [Fact]
    public void Read_Latin1Text_IsRejectedNotMisread()
    {
        byte[] bytes = Encoding.Latin1.GetBytes(Header + "\nJosé,x,0\n");
        Assert.Equal(EventReadErrorCode.InvalidUtf8, Assert.Throws<EventFormatException>(() => Csv(bytes)).Code);
    }

    [Fact]
    public void Read_SkipMode_CountsBadRowsAndReportsTheFirstN()
    {
        var text = new StringBuilder(Header + "\n");
        for (int i = 0; i < 30; i++)
        {
            text.Append("c").Append(i).Append(",x,").Append(i % 2 == 0 ? "0" : "bad").Append('\n');
        }

        EventReadResult result = Csv(text.ToString(), new EventReaderOptions { BadRows = BadRowHandling.Skip, MaxReportedErrors = 3 });

        Assert.Equal(30, result.Rows);
        Assert.Equal(15, result.Skipped);
        Assert.Equal(15, result.Batch.Count);
        Assert.Equal(3, result.Errors.Count);
        Assert.Equal([3L, 5L, 7L], result.Errors.Select(e => e.Line)); // rows c1, c3, c5 on lines 3, 5, 7
        Assert.All(result.Errors, e => Assert.Equal(EventReadErrorCode.InvalidTimestamp, e.Code));
    }

    [Fact]
    public void Read_DuplicateEventIds_AreCountedAndFirstKept()
    {
        EventReadResult result = Csv(Header + ",event_id\nc1,first,0,e1\nc1,second,1,e1\nc1,third,2,\n");
        Assert.Equal(3, result.Rows);
        Assert.Equal(1, result.Duplicates);
        Assert.Equal(["first", "third"], Enumerable.Range(0, result.Batch.Count).Select(i => result.Batch.GetEvent(i).Touchpoint));
    }

    [Fact]
    public void Read_MalformedQuote_StopsEvenWhenSkipping()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\nc1,x,0\n\"c2\"x,y,0\n", Skip));
        Assert.Equal(EventReadErrorCode.MalformedCsv, e.Code);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Read_TenMegabyteField_FailsClearlyByDefault()
    {
        string text = Header + ",note\nc1,x,0," + new string('a', 10_000_000) + "\nc2,y,0,\n";
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(text));
        Assert.Equal(EventReadErrorCode.RecordTooLarge, e.Code);
        Assert.Equal(2, e.Line);
        Assert.Contains("MaxRecordLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MalformedFirstRecord_ReportsLineTwo()
    {
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(Header + "\n\"c1\"x,y,0\n"));
        Assert.Equal(EventReadErrorCode.MalformedCsv, e.Code);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void Read_TenMegabyteField_WorksWithRaisedLimit()
    {
        string text = Header + ",note\nc1,x,0," + new string('a', 10_000_000) + "\nc2,y,0,\n";
        var options = new EventReaderOptions { MaxRecordLength = 16 << 20 };

        // The record fits, but the builder's attribute value limit (64 Ki characters) refuses it, with the line (issue 21).
        EventFormatException e = Assert.Throws<EventFormatException>(() => Csv(text, options));
        Assert.Equal((EventReadErrorCode.LimitExceeded, 2L), (e.Code, e.Line));

        var builder = new EventBatchBuilder { Limits = new EventLimits { MaxAttributeValueLength = 16 << 20 } };
        CsvEventReader.ReadInto(new StringReader(text), builder, null, options);
        EventBatch batch = builder.Build();
        Assert.Equal(10_000_000, batch.GetEvent(0).Attributes!["note"].Length);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void ReadInto_SharedBuilder_UsesItsSymbolTables()
    {
        var touchpoints = new SymbolTable(["y", "x"]);
        var builder = new EventBatchBuilder(touchpoints);
        EventReadSummary first = CsvEventReader.ReadInto(new StringReader(Header + ",event_id\nc1,x,0,e1\n"), builder, "a.csv", null);
        EventReadSummary second = CsvEventReader.ReadInto(new StringReader(Header + ",event_id\nc2,y,0,e2\nc1,x,0,e1\n"), builder, "b.csv", null);
        EventBatch batch = builder.Build();

        Assert.Equal(1, first.Added);
        Assert.Equal(1, second.Added);
        Assert.Equal(1, second.Duplicates); // e1 was read from a.csv
        Assert.Same(touchpoints, batch.Touchpoints);
        Assert.Equal(1, batch.TouchpointIds[0]); // c1 → x, which had id 1 in the shared table
    }

    [Fact]
    public void Read_Progress_ReportsBytesTotalAndRows()
    {
        var text = new StringBuilder(Header + "\n");
        for (int i = 0; i < 100_000; i++)
        {
            text.Append("customer-").Append(i % 1000).Append(",touchpoint.").Append(i % 7).Append(",2026-01-01T00:00:00Z\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        var reports = new List<EventReadProgress>();
        var progress = new SynchronousProgress<EventReadProgress>(reports.Add);
        CsvEventReader.Read(new MemoryStream(bytes), null, new EventReaderOptions { Progress = progress });

        Assert.True(reports.Count >= 2, "at least one report per MiB plus the final one");
        EventReadProgress last = reports[^1];
        Assert.Equal(bytes.Length, last.BytesRead);
        Assert.Equal(bytes.Length, last.TotalBytes);
        Assert.Equal(100_000, last.Rows);
        Assert.Equal(1.0, last.Fraction);
        for (int i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].BytesRead >= reports[i - 1].BytesRead);
            Assert.True(reports[i].Rows >= reports[i - 1].Rows);
        }
    }

    [Fact]
    public void Read_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => CsvEventReader.Read((Stream)null!, null, null));
        Assert.Throws<ArgumentNullException>(() => CsvEventReader.ReadInto(new MemoryStream(), null!, null, null));
    }

    [Fact]
    public void Read_InvalidOptions_ThrowListingProblems()
    {
        var options = new EventReaderOptions { MaxReportedErrors = -1, MaxRecordLength = 10 };
        ArgumentException e = Assert.Throws<ArgumentException>(() => Csv(Header + "\n", options));
        Assert.Contains("MaxReportedErrors", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRecordLength", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (Progress{T} posts to the thread pool).</summary>
    internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
