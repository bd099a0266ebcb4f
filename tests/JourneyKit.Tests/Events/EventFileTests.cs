using System.IO.Compression;
using System.Text;
using JourneyKit.Events;

namespace JourneyKit.Tests.Events;

public sealed class EventFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-events-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("a.csv", EventFileFormat.Csv)]
    [InlineData("A.CSV", EventFileFormat.Csv)]
    [InlineData("dir.x/a.jsonl", EventFileFormat.JsonLines)]
    [InlineData("a.ndjson", EventFileFormat.JsonLines)]
    [InlineData("a.csv.gz", EventFileFormat.Csv)]
    [InlineData("a.jsonl.GZ", EventFileFormat.JsonLines)]
    public void DetectFormat_KnownExtensions(string path, EventFileFormat expected) => Assert.Equal(expected, EventFile.DetectFormat(path));

    [Theory]
    [InlineData("a.txt")]
    [InlineData("a.gz")]
    [InlineData("csv")]
    public void DetectFormat_UnknownExtension_Throws(string path)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => EventFile.DetectFormat(path));
        Assert.Contains(".jsonl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => EventFile.Read(Path.Combine(_dir, "nope.csv")));
    }

    [Fact]
    public void Read_CsvAndGzipAndJsonl_GiveTheSameBatch()
    {
        const string csv = "customer_id,touchpoint,timestamp,value\nc1,x,2026-01-01T00:00:00Z,1\nc2,y,2026-01-01T00:00:01Z,\n";
        const string jsonl = "{\"customer_id\":\"c1\",\"touchpoint\":\"x\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"value\":1}\n{\"customer_id\":\"c2\",\"touchpoint\":\"y\",\"timestamp\":\"2026-01-01T00:00:01Z\"}\n";
        string csvPath = Path.Combine(_dir, "e.csv");
        string gzPath = Path.Combine(_dir, "e.csv.gz");
        string jsonlPath = Path.Combine(_dir, "e.jsonl");
        File.WriteAllText(csvPath, csv);
        File.WriteAllText(jsonlPath, jsonl);
        using (var gz = new GZipStream(File.Create(gzPath), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(csv));
        }

        List<string> expected = EventTestHelper.Describe(EventFile.Read(csvPath).Batch);
        Assert.Equal(4, expected.Count); // two customers, one event each
        Assert.Equal(expected, EventTestHelper.Describe(EventFile.Read(gzPath).Batch));
        Assert.Equal(expected, EventTestHelper.Describe(EventFile.Read(jsonlPath).Batch));
    }

    [Fact]
    public void Read_Error_NamesThePath()
    {
        string path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "customer_id,touchpoint,timestamp\nc1,x,soon\n");
        EventFormatException e = Assert.Throws<EventFormatException>(() => EventFile.Read(path));
        Assert.Equal(path, e.FileName);
        Assert.StartsWith(path + ":2: column 'timestamp'", e.Message, StringComparison.Ordinal);
    }
}
