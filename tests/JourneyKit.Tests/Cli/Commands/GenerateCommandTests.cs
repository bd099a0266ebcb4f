using System.Text.Json;
using JourneyKit.Events;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-generate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generate_WritesAFileThatReadsBack()
    {
        string output = Path.Combine(_dir, "events.csv");
        CliRun run = CliRunner.Run("generate", "--journey", TestPaths.ShopJourney, "--customers", "300", "--seed", "5", "--out", output, "--format", "json");
        Assert.Equal(0, run.Exit);
        Assert.Equal(string.Empty, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        long events = doc.RootElement.GetProperty("events").GetInt64();
        long duplicates = doc.RootElement.GetProperty("duplicates").GetInt64();
        Assert.Equal(300, doc.RootElement.GetProperty("customers").GetInt64());

        EventReadResult read = EventFile.Read(output);
        Assert.Equal(events, read.Rows);
        Assert.Equal(events - duplicates, read.Batch.Count);
        Assert.Equal(300, read.Batch.CustomerCount);
    }

    [Fact]
    public void Generate_SameSeed_SameBytes_StartMovesTimes()
    {
        string a = Path.Combine(_dir, "a.jsonl"), b = Path.Combine(_dir, "b.jsonl"), c = Path.Combine(_dir, "c.jsonl");
        Assert.Equal(0, CliRunner.Run("generate", "-j", TestPaths.BankJourney, "-n", "100", "-s", "9", "-o", a).Exit);
        Assert.Equal(0, CliRunner.Run("generate", "-j", TestPaths.BankJourney, "-n", "100", "-s", "9", "-o", b).Exit);
        Assert.Equal(0, CliRunner.Run("generate", "-j", TestPaths.BankJourney, "-n", "100", "-s", "9", "-o", c, "--start", "2027-01-01T00:00:00Z", "--arrival-window", "1d").Exit);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        EventBatch later = EventFile.Read(c).Batch;
        long start = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        Assert.All(later.TimestampTicks.ToArray(), t => Assert.True(t >= start));
    }

    [Fact]
    public void Generate_InvalidJourney_ExitsOneWithProblems()
    {
        string journey = Path.Combine(_dir, "bad.json");
        File.WriteAllText(journey, """{ "id": "x", "stages": [] }""");
        CliRun run = CliRunner.Run("generate", "--journey", journey, "--out", Path.Combine(_dir, "e.csv"));
        Assert.Equal(1, run.Exit);
        Assert.Contains("stages: ", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--out", "events.txt")]
    [InlineData("--customers", "-3")]
    [InlineData("--start", "someday")]
    [InlineData("--arrival-window", "3 days")]
    public void Generate_BadOption_IsUsageError(string option, string value)
    {
        string[] args = ["generate", "--journey", TestPaths.BankJourney, "--out", Path.Combine(_dir, "e.csv"), option, value];
        CliRun run = CliRunner.Run(args);
        Assert.Equal(2, run.Exit);
        Assert.Contains("journeykit generate --help", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MissingJourneyFile_ExitsTwo()
    {
        CliRun run = CliRunner.Run("generate", "--journey", Path.Combine(_dir, "none.json"), "--out", Path.Combine(_dir, "e.csv"));
        Assert.Equal(2, run.Exit);
    }
}
