using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace JourneyKit.Tests.Cli;

/// <summary>Issue 21: no input file or option ends in exit 3 (unexpected error); stdin via '-' works.</summary>
public sealed class HostileInputCliTests : IDisposable
{
    private const string Csv = "customer_id,touchpoint,timestamp\nc1,a,0\nc1,b,1\nc2,a,5\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-hostile-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
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

    [Theory]
    [InlineData("plain")]
    [InlineData("truncated")]
    [InlineData("trailing")]
    [InlineData("corrupt")]
    public void Events_BadGzip_ExitOneLocated_Issue21(string kind)
    {
        byte[] gz = Gzip(Csv);
        byte[] bytes = kind switch
        {
            "plain" => Encoding.UTF8.GetBytes(Csv),
            "truncated" => gz[..^5],
            "trailing" => [.. gz, 1, 2, 3],
            _ => [.. gz[..10], .. Enumerable.Repeat((byte)0xFF, gz.Length - 10)],
        };
        string path = Write("e.csv.gz", bytes);
        foreach (string[] args in new[] { new[] { "events", path }, ["events", path, "--skip-bad-rows"], ["match", "--events", path, "--pattern", "a b"] })
        {
            CliRun run = CliRunner.Run(args);
            Assert.Equal(1, run.Exit);
            Assert.StartsWith(path + ": ", run.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal); // no stack trace
        }
    }

    [Fact]
    public void Events_JsonLinesLoneSurrogate_ExitOneWithLine_Issue21()
    {
        string path = Write("e.jsonl", Encoding.UTF8.GetBytes("{\"customer_id\":\"\\udfff\",\"touchpoint\":\"a\",\"timestamp\":0}\n"));
        CliRun run = CliRunner.Run("events", path);
        Assert.Equal(1, run.Exit);
        Assert.StartsWith(path + ":1: ", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Events_Stdin_ReadsCsvOrJsonLinesPlainOrGzip_Issue21(bool jsonLines, bool gzip)
    {
        string text = jsonLines
            ? "{\"customer_id\":\"c1\",\"touchpoint\":\"a\",\"timestamp\":0}\n{\"customer_id\":\"c1\",\"touchpoint\":\"b\",\"timestamp\":1}\n{\"customer_id\":\"c2\",\"touchpoint\":\"a\",\"timestamp\":5}\n"
            : Csv;
        byte[] stdin = gzip ? Gzip(text) : Encoding.UTF8.GetBytes(text);
        CliRun run = CliRunner.RunWithStdin(stdin, "match", "--events", "-", "--pattern", "a b", "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement customers = doc.RootElement.GetProperty("customers");
        Assert.Equal(1, customers.GetProperty("c1").GetProperty("count").GetInt32()); // a then b
        Assert.Equal(0, customers.GetProperty("c2").GetProperty("count").GetInt32());
    }

    [Fact]
    public void Events_StdinTruncatedGzip_ExitOne()
    {
        CliRun run = CliRunner.RunWithStdin(Gzip(Csv)[..^1], "events", "-");
        Assert.Equal(1, run.Exit);
        Assert.StartsWith("<stdin>: ", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_UnknownExtension_ExitTwo() =>
        Assert.Equal(2, CliRunner.Run("match", "--events", Write("e.txt", Encoding.UTF8.GetBytes(Csv)), "--pattern", "a").Exit);
}
