using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

/// <summary>
/// The chunked CSV path (a large regular file parsed by chunks on several threads, then merged in file order) against
/// the reference: the same text read through a <see cref="TextReader"/> (always Sylvan, one thread). Chunk sizes are
/// forced small (<see cref="CsvEventReader.ChunkBytesForTests"/>) so small files cross many chunk boundaries: the batch
/// (events, order, symbol ids), the counts, every error and its line must be identical.
/// </summary>
public sealed class CsvChunkedReadTests
{
    private static readonly string[] Headers =
    [
        "customer_id,touchpoint,timestamp",
        "customer_id,touchpoint,timestamp,channel,event_id,value,plan",
        "touchpoint,customer_id,timestamp,value",
        "\uFEFFcustomer_id,touchpoint,timestamp,event_id",
    ];

    /// <summary>
    /// Random files, mostly plain rows (grouped customers and customers coming back, out-of-order times, repeated event
    /// ids, channels to normalize), with now and then a row the chunks leave to the sequential reader (a bad cell, a
    /// quoted field, a blank line, a wrong field count, non-ASCII text); any chunk size from 1 byte.
    /// </summary>
    /// <remarks>The file is drawn from a shrinking record of choices (<see cref="Choices"/>); knobs: skip bad rows (0/1),
    /// one messy row in 1..50, the chunk size 1..2000 bytes (all shrink).</remarks>
    [Property(MaxTest = 300)]
    public Property ChunkedRead_GivesTheSequentialResult() => Pair.ForAll(Choices.Of(6000), Small.Each((0, 1), (1, 50), (1, 2000)), (choices, knobs) =>
    {
        var random = new Choices(choices);
        string text = RandomCsv(random, rows: random.Next(0, 400), messyOneIn: knobs[1]);
        EventReaderOptions options = knobs[0] == 1 ? new EventReaderOptions { BadRows = BadRowHandling.Skip, MaxReportedErrors = 1000 } : EventReaderOptions.Default;
        string reference = Outcome(() => CsvEventReader.Read(new StringReader(text), "events.csv", options));
        string chunked = ReadChunked(text, knobs[2], options);
        Assert.Equal(reference, chunked);
        return true;
    });

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(4096)]
    public void BadRowInALaterChunk_ReportsItsLine(int chunkBytes)
    {
        // 3,000 plain rows (lines 2–3001, ≈ 90 KB); line 2,500 has a bad timestamp, far past the first chunks.
        var text = new StringBuilder("customer_id,touchpoint,timestamp\n");
        for (int i = 0; i < 3000; i++)
        {
            long line = i + 2;
            string timestamp = line == 2500 ? "not-a-time" : (1767225600 + i).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"c{i / 3},t{i % 5},{timestamp}\n");
        }

        string csv = text.ToString();
        var failure = Assert.Throws<EventFormatException>(() => ReadFile(csv, chunkBytes, EventReaderOptions.Default));
        Assert.Equal(2500, failure.Line);
        Assert.Equal(EventReadErrorCode.InvalidTimestamp, failure.Code);

        EventReadResult skipped = ReadFile(csv, chunkBytes, Skip);
        EventReadError error = Assert.Single(skipped.Errors);
        Assert.Equal(2500, error.Line);
        Assert.Equal(2999, skipped.Batch.Count); // every other row, also those after the bad one
        Assert.Equal(3000, skipped.Rows);
    }

    [Fact]
    public void EventLimitInALaterChunk_StopsAtTheSameLine()
    {
        var text = new StringBuilder("customer_id,touchpoint,timestamp\n");
        for (int i = 0; i < 500; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"c{i % 7},t,{1767225600 + i}\n");
        }

        var options = new EventReaderOptions { MaxEvents = 321 };
        string reference = Outcome(() => CsvEventReader.Read(new StringReader(text.ToString()), "events.csv", options));
        Assert.Equal(reference, ReadChunked(text.ToString(), 200, options));
        Assert.StartsWith("fails LimitExceeded line 323", reference, StringComparison.Ordinal); // the 322nd event: line 2 holds the 1st
    }

    [Fact]
    public void GroupedFileWithIdsAndAttributes_MatchesAcrossChunkBoundaries()
    {
        // Each customer: 6 events, one repeating an earlier event id, one 1 s early; a value and a plan on each.
        var text = new StringBuilder("customer_id,touchpoint,timestamp,channel,event_id,value,plan\n");
        for (int c = 0; c < 2000; c++)
        {
            int[] ids = [1, 2, 3, 2, 4, 5];
            int[] offsets = [0, 10, 20, 30, 15, 40];
            for (int k = 0; k < ids.Length; k++)
            {
                text.Append(CultureInfo.InvariantCulture, $"c{c},t{k % 3},{1767225600 + offsets[k]},{(k % 2 == 0 ? "Web" : "email")},e{ids[k]},{k}.5,{(c % 3 == 0 ? "gold" : string.Empty)}\n");
            }
        }

        string reference = Outcome(() => CsvEventReader.Read(new StringReader(text.ToString()), "events.csv", null));
        foreach (int chunkBytes in (int[])[64, 1000, 65536])
        {
            Assert.Equal(reference, ReadChunked(text.ToString(), chunkBytes, null));
        }

        Assert.Contains("duplicates=2000", reference, StringComparison.Ordinal);
    }

    private static string ReadChunked(string text, int chunkBytes, EventReaderOptions? options) =>
        Outcome(() => ReadFile(text, chunkBytes, options));

    private static EventReadResult ReadFile(string text, int chunkBytes, EventReaderOptions? options)
    {
        string path = Path.Combine(TestTemp.Root, "jk-chunked-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        try
        {
            CsvEventReader.ChunkBytesForTests.Value = chunkBytes;
            return EventFile.Read(path, options);
        }
        finally
        {
            CsvEventReader.ChunkBytesForTests.Value = null;
            File.Delete(path);
        }
    }

    private static string RandomCsv(Choices random, int rows, int messyOneIn)
    {
        string header = Headers[random.Next(Headers.Length)];
        string[] columns = header.TrimStart('\uFEFF').Split(',');
        var text = new StringBuilder(header);
        string newline = random.Next(4) == 0 ? "\r\n" : "\n";
        text.Append(newline);
        int customer = 0;
        for (int i = 0; i < rows; i++)
        {
            if (random.Next(4) == 0)
            {
                customer = random.Next(6) == 0 ? random.Next(customer + 1) : customer + 1; // next customer, or one back
            }

            var cells = new string[columns.Length];
            for (int f = 0; f < columns.Length; f++)
            {
                cells[f] = Cell(random, columns[f], customer);
            }

            string record = string.Join(',', cells);
            if (random.Next(messyOneIn) == 0)
            {
                record = random.Next(9) switch
                {
                    0 => record + ",extra",
                    1 => string.Empty,
                    2 => "\"" + cells[0] + "\"" + record[cells[0].Length..],
                    3 => record.Replace("t", "té", StringComparison.Ordinal),
                    4 => record.Replace("2026-", "x026-", StringComparison.Ordinal),
                    5 => ",," + record[(record.IndexOf(',', StringComparison.Ordinal) + 1)..],
                    6 => record + "\t",
                    7 => "\"q\nuoted\"," + record[(record.IndexOf(',', StringComparison.Ordinal) + 1)..],
                    _ => columns.Contains("value") ? record + "x" : record + ",",
                };
            }

            text.Append(record).Append(newline);
        }

        if (random.Next(3) == 0 && text.Length > 0 && text[^1] == '\n')
        {
            text.Length -= newline.Length; // no final line end
        }

        return text.ToString();
    }

    private static string Cell(Choices random, string column, int customer) => column switch
    {
        "customer_id" => "c" + customer.ToString(CultureInfo.InvariantCulture),
        "touchpoint" => "t" + random.Next(12).ToString(CultureInfo.InvariantCulture),
        "timestamp" => random.Next(3) == 0
            ? (1767225600 + random.Next(1000)).ToString(CultureInfo.InvariantCulture)
            : T0.AddSeconds(random.Next(1000)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        "channel" => random.Next(4) switch { 0 => string.Empty, 1 => "Web", 2 => "web", _ => " email " },
        "event_id" => random.Next(3) == 0 ? string.Empty : "e" + random.Next(8).ToString(CultureInfo.InvariantCulture),
        "value" => random.Next(3) == 0 ? string.Empty : random.Next(100).ToString(CultureInfo.InvariantCulture) + ".25",
        _ => random.Next(3) == 0 ? string.Empty : "gold",
    };
}
