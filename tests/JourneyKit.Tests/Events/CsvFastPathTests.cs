using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using System.Text;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

/// <summary>
/// The byte-level CSV path (streams and files) against the reference: the same text read through a
/// <see cref="TextReader"/>, which always goes through Sylvan. Plain records are read from the bytes; at the first record
/// the fast path does not handle it hands the rest to Sylvan — so results, errors and line numbers must be identical.
/// </summary>
public sealed class CsvFastPathTests
{
    private static readonly string[] Headers =
    [
        "customer_id,touchpoint,timestamp",
        "customer_id,touchpoint,timestamp,channel,event_id,value,plan",
        "\uFEFFtouchpoint,customer_id,timestamp,plan",
        "customer_id,\"touchpoint\",timestamp",
        "customer_id,touchpoint",
    ];

    /// <summary>
    /// Random files mixing plain records with every kind of record the fast path hands over. Line ends are LF or CRLF: a
    /// lone CR (old Mac files) is handed over too, but Sylvan itself reads it differently depending on where its buffer
    /// stands, so no single reference exists for it.
    /// </summary>
    /// <remarks>The file is drawn from a shrinking record of choices (<see cref="Choices"/>).</remarks>
    [Property(MaxTest = 400)]
    public Property StreamAndTextReader_GiveTheSameResult() => Pair.ForAll(Choices.Of(1000), Small.Between(0, 1), (choices, skip) =>
    {
        string text = RandomCsv(new Choices(choices));
        EventReaderOptions options = skip == 1 ? new EventReaderOptions { BadRows = BadRowHandling.Skip, MaxReportedErrors = 1000 } : EventReaderOptions.Default;
        string fast = Outcome(() => CsvEventReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "events.csv", options));
        string reference = Outcome(() => CsvEventReader.Read(new StringReader(text), "events.csv", options));
        Assert.Equal(reference, fast);
        return true;
    });

    [Fact]
    public void QuoteAfterPlainRecords_IsReadBySylvanWithTheRightLines()
    {
        // Lines 2–3 are plain (fast path); line 4 has a quoted field spanning two lines; line 6 has a bad timestamp.
        string text = "customer_id,touchpoint,timestamp\n" +
                      "c1,a,2026-01-01T00:00:00Z\n" +
                      "c1,b,2026-01-01T00:01:00Z\n" +
                      "c2,\"multi\nline\",2026-01-01T00:02:00Z\n" +
                      "c2,d,nope\n";
        EventReadResult result = Csv(text, new EventReaderOptions { BadRows = BadRowHandling.Skip });
        Assert.Equal(3, result.Batch.Count);
        Assert.Equal("multi\nline", result.Batch.GetEvent(2).Touchpoint);
        EventReadError error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line); // the quoted record took lines 4 and 5
        Assert.Equal(EventReadErrorCode.InvalidTimestamp, error.Code);
    }

    [Fact]
    public void CrLfAndBom_AreReadOnTheFastPath()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "customer_id,touchpoint,timestamp\r\nc1,a,2026-01-01T00:00:00Z\r\nc1,b,1767225660\r\n"u8];
        EventReadResult result = Csv(bytes);
        Assert.Equal(["customer c1", "c1|a|" + T0.UtcTicks + "||||", "c1|b|" + T0.AddMinutes(1).UtcTicks + "||||"], Describe(result.Batch));
    }

    [Fact]
    public void LargeGroupedFile_ReadsEveryRecordAcrossBuffers()
    {
        // 40,000 records (≈ 1.2 MB) cross several 256 KB buffers; each customer has 4 events, the third one 1 s early.
        var text = new StringBuilder("customer_id,touchpoint,timestamp\n");
        for (int c = 0; c < 10_000; c++)
        {
            foreach (int offset in (int[])[0, 10, 5, 20])
            {
                text.Append(CultureInfo.InvariantCulture, $"c{c},t{offset},{1767225600 + offset}\n");
            }
        }

        EventReadResult result = Csv(text.ToString());
        EventBatch batch = result.Batch;
        Assert.Equal(40_000, batch.Count);
        Assert.Equal(10_000, batch.CustomerCount);
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            int start = batch.CustomerStarts[run];
            Assert.Equal("c" + run.ToString(CultureInfo.InvariantCulture), batch.Customers[batch.CustomerOfRun(run)]);
            string[] order = [.. Enumerable.Range(start, 4).Select(i => batch.Touchpoints[batch.TouchpointIds[i]])];
            Assert.Equal(["t0", "t5", "t10", "t20"], order); // sorted by time within the customer
        }
    }

    private static string RandomCsv(Choices random)
    {
        string header = Headers[random.Next(Headers.Length)];
        int fields = header.Split(',').Length;
        var text = new StringBuilder(header);
        text.Append(random.Next(4) == 0 ? "\r\n" : "\n");
        for (int i = random.Next(0, 25); i > 0; i--)
        {
            var cells = new string[fields];
            for (int f = 0; f < fields; f++)
            {
                cells[f] = Cell(random, header.Split(',')[f].Trim('\uFEFF', '"'));
            }

            string record = string.Join(',', cells);
            record = random.Next(12) switch
            {
                0 => record + ",extra",
                1 => string.Empty, // a blank line
                2 => "  ",
                3 => record.Replace("c", "\"c\"", StringComparison.Ordinal),
                4 => record + "\t",
                5 => record.Replace("a", "é", StringComparison.Ordinal),
                _ => record,
            };
            text.Append(record);
            text.Append(random.Next(5) == 0 ? "\r\n" : "\n");
        }

        if (random.Next(3) == 0 && text[^1] == '\n')
        {
            text.Length--; // no final newline
        }

        return text.ToString();
    }

    private static string Cell(Choices random, string column) => column switch
    {
        "customer_id" => random.Next(8) == 0 ? string.Empty : "c" + random.Next(4).ToString(CultureInfo.InvariantCulture),
        "touchpoint" => random.Next(10) == 0 ? string.Empty : "t" + random.Next(3).ToString(CultureInfo.InvariantCulture) + (random.Next(6) == 0 ? ".a" : string.Empty),
        "timestamp" => random.Next(7) switch
        {
            0 => "nope",
            1 => "2026-01-01 10:00:00",
            2 => (1767225600 + random.Next(100)).ToString(CultureInfo.InvariantCulture),
            _ => T0.AddSeconds(random.Next(100)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        },
        "channel" => random.Next(3) switch { 0 => string.Empty, 1 => "Web", _ => " email " },
        "event_id" => random.Next(3) == 0 ? string.Empty : "e" + random.Next(5).ToString(CultureInfo.InvariantCulture),
        "value" => random.Next(4) switch { 0 => string.Empty, 1 => "x", 2 => "1e999", _ => "2.5" },
        _ => random.Next(3) == 0 ? string.Empty : "gold",
    };
}
