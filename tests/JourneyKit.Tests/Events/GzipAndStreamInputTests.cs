using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Events.Internal;

namespace JourneyKit.Tests.Events;

/// <summary>Issue 21: compressed, piped and hostile event input ends in a located <see cref="EventFormatException"/>,
/// never an unexpected exception, and a cut file is never read as complete.</summary>
public sealed class GzipAndStreamInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-gzip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Csv(int rows, int from = 0)
    {
        var sb = new StringBuilder(from == 0 ? "customer_id,touchpoint,timestamp\n" : string.Empty);
        for (int i = from; i < from + rows; i++)
        {
            sb.Append('c').Append(i % 97).Append(",t").Append(i % 7).Append(',').Append(1_700_000_000 + i).Append('\n');
        }

        return sb.ToString();
    }

    private static byte[] Gzip(string text, CompressionLevel level = CompressionLevel.Optimal)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, level, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static EventFormatException ReadFails(string path, BadRowHandling badRows = BadRowHandling.Fail) =>
        Assert.Throws<EventFormatException>(() => EventFile.Read(path, new EventReaderOptions { BadRows = badRows }));

    private static long DecompressedByGZipStream(byte[] bytes)
    {
        using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        long total = 0;
        var buffer = new byte[4096];
        for (int n; (n = gz.Read(buffer)) > 0;)
        {
            total += n;
        }

        return total;
    }

    [Fact]
    public void Crc32_KnownValues()
    {
        Assert.Equal(0xCBF43926u, Crc32.Append(0, "123456789"u8)); // the check value of CRC-32/ISO-HDLC
        Assert.Equal(0u, Crc32.Append(0, []));
        Assert.Equal(Crc32.Append(0, "123456789"u8), Crc32.Append(Crc32.Append(0, "1234"u8), "56789"u8)); // appends
    }

    /// <summary>The sliced table CRC agrees with the bit-at-a-time definition.</summary>
    [Property(MaxTest = 200)]
    public bool Crc32_AgreesWithBitwiseDefinition(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }

        return Crc32.Append(0, data) == ~c;
    }

    [Fact]
    public void Read_GzipCutAtAFlushBoundary_IsAnError_Issue21()
    {
        // Flush() ends a deflate block on a byte boundary: GZipStream then reads the first half as a complete file.
        string head = Csv(5000), tail = Csv(4996, from: 5000);
        var output = new MemoryStream();
        long flushedAt;
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(head));
            gz.Flush();
            flushedAt = output.Length;
            gz.Write(Encoding.UTF8.GetBytes(tail));
        }

        byte[] cut = output.ToArray()[..(int)flushedAt];
        Assert.Equal(Encoding.UTF8.GetByteCount(head), DecompressedByGZipStream(cut)); // the hole this closes
        string path = Write("cut.csv.gz", cut);

        EventFormatException e = ReadFails(path);
        Assert.Equal(EventReadErrorCode.InvalidCompressedData, e.Code);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);

        // Skipping bad rows does not hide it either.
        Assert.Equal(EventReadErrorCode.InvalidCompressedData, ReadFails(path, BadRowHandling.Skip).Code);
        Assert.Equal(9996, EventFile.Read(Write("whole.csv.gz", output.ToArray())).Summary.Rows);
    }

    [Fact]
    public void Read_GzipCutAnywhere_IsAnError_Issue21()
    {
        // Every proper prefix of a gzip file lacks (part of) its 8-byte trailer: each one is refused.
        byte[] whole = Gzip(Csv(300));
        string path = Path.Combine(_dir, "prefix.csv.gz");
        for (int length = 0; length < whole.Length; length++)
        {
            File.WriteAllBytes(path, whole[..length]);
            EventFormatException e = ReadFails(path, BadRowHandling.Skip);
            Assert.Equal(EventReadErrorCode.InvalidCompressedData, e.Code);
        }

        File.WriteAllBytes(path, whole);
        Assert.Equal(300, EventFile.Read(path).Summary.Rows);
    }

    [Theory]
    [InlineData(65_536)] // exactly the reader's buffer
    [InlineData(131_072)] // twice it
    [InlineData(65_535)]
    [InlineData(65_537)]
    public void Read_GzipCutWhereTheBufferEnds_IsATruncationError_Issue21Fuzz(int length)
    {
        // Found by the events fuzz target: a gzip member cut so that the input ends exactly when the 64 KiB buffer is
        // full made room by moving the bytes, left the start of the last deflate block stale, and threw
        // ArgumentOutOfRangeException (CLI exit 3) instead of the truncation error. Stored (uncompressed) data makes
        // the member larger than the cut, so every cut lands inside the deflate data.
        byte[] whole = Gzip(Csv(12_000), CompressionLevel.NoCompression);
        Assert.True(whole.Length > length + 8);
        using var stream = new MemoryStream(whole[..length]);
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventFile.ReadInto(stream, "cut.csv.gz", null, new EventBatchBuilder(), new EventReaderOptions { BadRows = BadRowHandling.Skip }));
        Assert.Equal(EventReadErrorCode.InvalidCompressedData, e.Code);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")]
    [InlineData("customer_id,touchpoint,timestamp\nc,a,0\n")]
    public void Read_GzipFollowedByOtherBytes_IsAnError_Issue21(string trailing)
    {
        byte[] bytes = [.. Gzip(Csv(10)), .. Encoding.UTF8.GetBytes(trailing)];
        EventFormatException e = ReadFails(Write("trailing.csv.gz", bytes));
        Assert.Equal(EventReadErrorCode.InvalidCompressedData, e.Code);
        Assert.Contains("other data follows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipOfSeveralMembers_ReadsThemAll()
    {
        // cat a.gz b.gz is a valid gzip file (RFC 1952: a series of members); levels differ to vary the block layout.
        byte[] bytes = [.. Gzip(Csv(1000)), .. Gzip(Csv(2000, from: 1000), CompressionLevel.Fastest), .. Gzip(Csv(1, from: 3000), CompressionLevel.NoCompression)];
        EventReadResult result = EventFile.Read(Write("multi.csv.gz", bytes));
        Assert.Equal(3001, result.Summary.Rows);
        Assert.Equal(3001, result.Batch.Count);
    }

    [Fact]
    public void Read_PlainTextNamedGz_IsALocatedError_Issue21()
    {
        EventFormatException e = ReadFails(Write("plain.csv.gz", Encoding.UTF8.GetBytes(Csv(3))));
        Assert.Equal(EventReadErrorCode.InvalidCompressedData, e.Code);
        Assert.Contains("not gzip", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A corrupted byte anywhere after the header is refused (deflate error or CRC-32 mismatch), even when
    /// bad rows are skipped; with the default options a bad row that the corruption made may be reported first.</summary>
    [Property(MaxTest = 60)]
    public bool Read_GzipWithACorruptByte_IsAnError_Issue21(int position, byte flip)
    {
        byte[] bytes = Gzip(Csv(200));
        int at = 10 + (int)((uint)position % (uint)(bytes.Length - 10));
        bytes[at] ^= flip == 0 ? (byte)1 : flip;
        string path = Path.Combine(_dir, $"corrupt-{Guid.NewGuid():N}.csv.gz");
        File.WriteAllBytes(path, bytes);
        try
        {
            EventFile.Read(path, new EventReaderOptions { BadRows = BadRowHandling.Skip });
            return false;
        }
        catch (EventFormatException e)
        {
            return e.Code is EventReadErrorCode.InvalidCompressedData or EventReadErrorCode.RecordTooLarge or EventReadErrorCode.MalformedCsv
                or EventReadErrorCode.MissingColumn or EventReadErrorCode.InvalidHeader or EventReadErrorCode.EmptyFile;
        }
    }

    [Theory]
    [InlineData("{\"customer_id\":\"\\ud800\",\"touchpoint\":\"a\",\"timestamp\":0}")]
    [InlineData("{\"customer_id\":\"c\",\"touchpoint\":\"a\",\"timestamp\":0,\"\\udc00x\":\"v\"}")]
    [InlineData("{\"customer_id\":\"c\",\"touchpoint\":\"a\",\"timestamp\":0,\"k\":\"a\\ud83d\"}")]
    public void Read_JsonLinesLoneSurrogate_IsALocatedBadRow_Issue21(string line)
    {
        string path = Write("s.jsonl", Encoding.UTF8.GetBytes("{\"customer_id\":\"ok\",\"touchpoint\":\"a\",\"timestamp\":0}\n" + line + "\n"));
        EventFormatException e = ReadFails(path);
        Assert.Equal(EventReadErrorCode.InvalidJson, e.Code);
        Assert.Equal(2, e.Line);
        Assert.Contains("unpaired surrogate", e.Message, StringComparison.Ordinal);

        EventReadResult skipped = EventFile.Read(path, new EventReaderOptions { BadRows = BadRowHandling.Skip });
        Assert.Equal((1L, 1L), (skipped.Summary.Added, skipped.Summary.Skipped));
    }

    [Fact]
    public void Read_JsonLinesPairedSurrogateEscape_IsText()
    {
        string path = Write("pair.jsonl", Encoding.UTF8.GetBytes("{\"customer_id\":\"\\ud83d\\ude00\",\"touchpoint\":\"a\",\"timestamp\":0}\n"));
        Assert.Equal("\U0001F600", EventFile.Read(path).Batch.GetEvent(0).CustomerId);
    }

    /// <summary>A stream that cannot seek nor tell its length, like standard input or a pipe.</summary>
    private sealed class PipeLikeStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void ReadInto_NonSeekableStream_TellsGzipAndFormatFromContent()
    {
        const string jsonl = "\uFEFF  {\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":1}\n{\"customer_id\":\"c2\",\"touchpoint\":\"y\",\"timestamp\":2}\n";
        string csv = Csv(20);
        foreach ((byte[] bytes, long rows) in new[]
        {
            (Encoding.UTF8.GetBytes(jsonl), 2L), (Gzip(jsonl), 2L), (Encoding.UTF8.GetBytes(csv), 20L), (Gzip(csv), 20L),
        })
        {
            var builder = new EventBatchBuilder();
            EventReadSummary summary = EventFile.ReadInto(new PipeLikeStream(bytes), null, null, builder, null);
            Assert.Equal(rows, summary.Rows);
            Assert.Equal((int)rows, builder.Build().Count);
        }

        byte[] whole = Gzip(csv);
        var e = Assert.Throws<EventFormatException>(() => EventFile.ReadInto(new PipeLikeStream(whole[..^3]), null, null, new EventBatchBuilder(), null));
        Assert.Equal(EventReadErrorCode.InvalidCompressedData, e.Code);
        Assert.StartsWith("<stdin>: ", e.Message, StringComparison.Ordinal);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    [Fact]
    public void Read_NamedPipe_Works_Issue21()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes made with mkfifo(3)
        }

        string path = Path.Combine(_dir, "pipe.csv.gz");
        Assert.Equal(0, MkFifo(path, Convert.ToUInt32("600", 8)));
        byte[] bytes = Gzip(Csv(500));
        Task writer = Task.Run(() =>
        {
            using var fifo = new FileStream(path, FileMode.Open, FileAccess.Write);
            fifo.Write(bytes);
        });
        EventReadResult result = EventFile.Read(path);
        writer.Wait();
        Assert.Equal(500, result.Summary.Rows);
    }
}
