using System.Text.Json;
using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Run_NoCommand_IsUsageError()
    {
        CliRun run = CliRunner.Run();
        Assert.Equal(2, run.Exit);
        Assert.Contains("journeykit --help", run.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public void Run_UnknownCommand_IsUsageError()
    {
        CliRun run = CliRunner.Run("frobnicate");
        Assert.Equal(2, run.Exit);
        Assert.Contains("'frobnicate'", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Help_ListsCommandsAndExamples()
    {
        CliRun run = CliRunner.Run("--help");
        Assert.Equal(0, run.Exit);
        Assert.Contains("events", run.Out, StringComparison.Ordinal);
        Assert.Contains("Examples:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EveryCommandHelp_HasExamples()
    {
        var root = JourneyKitCli.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, false));
        Assert.NotEmpty(root.Subcommands);
        foreach (System.CommandLine.Command command in root.Subcommands)
        {
            CliRun run = CliRunner.Run(command.Name, "--help");
            Assert.Equal(0, run.Exit);
            Assert.Contains("Examples:" + "\n" + "  journeykit " + command.Name, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_Version_PrintsVersion()
    {
        CliRun run = CliRunner.Run("--version");
        Assert.Equal(0, run.Exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Out);
    }

    [Fact]
    public void Events_ValidFile_PrintsTable()
    {
        string path = File("e.csv", "customer_id,touchpoint,timestamp,channel,event_id,plan\nc1,a,2026-01-01T00:00:00Z,web,e1,gold\nc1,b,2026-01-02T00:00:00Z,Mobile,e1,\nc2,c,1767225600,,,\n");
        CliRun run = CliRunner.Run("events", path);
        Assert.Equal(0, run.Exit);
        Assert.Equal(string.Empty, run.Err);
        Assert.Matches(@"rows\s+3\n", run.Out);
        Assert.Matches(@"events\s+2\n", run.Out); // c1's e1 repeated
        Assert.Matches(@"duplicates\s+1\n", run.Out);
        Assert.Matches(@"customers\s+2\n", run.Out);
    }

    [Fact]
    public void Events_Json_IsParsableJson()
    {
        string path = File("e.jsonl", "{\"customer_id\":\"c1\",\"touchpoint\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n");
        CliRun run = CliRunner.Run("events", path, "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("events").GetInt32());
        Assert.Equal("2026-01-01T00:00:00Z", doc.RootElement.GetProperty("first").GetString()); // UTC ISO-8601, no zero fraction
    }

    [Fact]
    public void Events_BadRow_ExitsOneWithLocation()
    {
        string path = File("bad.csv", "customer_id,touchpoint,timestamp\nc1,a,2026-01-01T00:00:00Z\nc1,a,2026-13-01\n");
        CliRun run = CliRunner.Run("events", path);
        Assert.Equal(1, run.Exit);
        Assert.Equal(path + ":3: column 'timestamp': '2026-13-01' is not an ISO-8601 timestamp with offset or Unix seconds\n", run.Err);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public void Events_SkipBadRows_ReportsThemAndSucceeds()
    {
        string path = File("bad.csv", "customer_id,touchpoint,timestamp\nc1,a,2026-01-01T00:00:00Z\nc1,a,nope\n");
        CliRun run = CliRunner.Run("events", path, "--skip-bad-rows");
        Assert.Equal(0, run.Exit);
        Assert.Contains(":3: column 'timestamp'", run.Err, StringComparison.Ordinal);
        Assert.Matches(@"skipped\s+1\n", run.Out);
    }

    [Fact]
    public void Events_MissingFile_ExitsTwo()
    {
        string path = Path.Combine(_dir, "missing.csv");
        CliRun run = CliRunner.Run("events", path);
        Assert.Equal(2, run.Exit);
        Assert.Equal("journeykit: file not found: " + path + "\n", run.Err);
    }

    [Fact]
    public void Events_UnknownExtension_IsUsageError()
    {
        CliRun run = CliRunner.Run("events", File("e.txt", "x"));
        Assert.Equal(2, run.Exit);
        Assert.Contains(".jsonl", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_BadFormatOption_IsUsageError()
    {
        CliRun run = CliRunner.Run("events", File("e.csv", "customer_id,touchpoint,timestamp\n"), "--format", "xml");
        Assert.Equal(2, run.Exit);
        Assert.Contains("'xml' is not an output format", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_TerminalStderr_DrawsAndClearsProgress()
    {
        string path = File("e.csv", "customer_id,touchpoint,timestamp\nc1,a,0\n");
        CliRun redirected = CliRunner.Run(false, "events", path);
        CliRun terminal = CliRunner.Run(true, "events", path);
        Assert.Equal(string.Empty, redirected.Err);
        Assert.Contains("reading e.csv", terminal.Err, StringComparison.Ordinal);
        Assert.EndsWith("\r", terminal.Err, StringComparison.Ordinal); // the bar line is cleared at the end
        Assert.Equal(redirected.Out, terminal.Out);
    }
}
