using System.Text.Json;
using JourneyKit.Model.Json;
using JourneyKit.Tests.Analytics;

namespace JourneyKit.Tests.Cli.Commands;

/// <summary><c>journeykit paths</c> on a small hand-made file: the table, the JSON and the usage errors.</summary>
public sealed class PathsCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(TestTemp.Root, "jk-paths-" + Guid.NewGuid().ToString("N"));
    private readonly string _journey;
    private readonly string _events;

    public PathsCommandTests()
    {
        Directory.CreateDirectory(_dir);
        _journey = Path.Combine(_dir, "paths.journey.json");
        JourneyJson.SaveFile(PathQueryTests.Journey(TimeSpan.FromHours(1)).Journey, _journey); // s1 (a, b) → s2 (c) → g (d); standard 2 h, 3 h
        _events = Path.Combine(_dir, "events.csv");
        // As of 20:00 (inactivity: the default 14 days, so nobody is dormant yet): u1 a b c, u2 a c, u3 x a c, u4 b.
        File.WriteAllText(_events, """
            customer_id,touchpoint,timestamp
            u1,a,2026-06-01T00:00:00Z
            u1,b,2026-06-01T01:00:00Z
            u1,c,2026-06-01T03:00:00Z
            u2,a,2026-06-01T00:00:00Z
            u2,c,2026-06-01T02:00:00Z
            u3,x,2026-06-01T00:00:00Z
            u3,a,2026-06-01T01:00:00Z
            u3,c,2026-06-01T02:00:00Z
            u4,b,2026-06-01T20:00:00Z

            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Table_ListsPathsAfterTheAnchor_WithShareAndMedianTime()
    {
        // From a, hiding x: a > c twice (2 h and 1 h: median 1 h), a > b > c once (3 h); u4 never does a. Start to end:
        // 1, 2, 3 h: median 2 h.
        CliRun run = CliRunner.Run("paths", "-j", _journey, "-e", _events, "--from", "a", "--hide", "x");
        Assert.True(run.Exit == 0, run.Err);
        Assert.Contains("4 runs: 3 matched, 1 without the start, 0 without the end, 0 excluded; 2 distinct paths; median time from the start to the end 2h", run.Out, StringComparison.Ordinal);
        string[] lines = run.Out.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("path", StringComparison.Ordinal));
        Assert.Matches(@"^a > c\s+2\s+66\.7%\s+1h$", lines[header + 2]);
        Assert.Matches(@"^a > b > c\s+1\s+33\.3%\s+3h$", lines[header + 3]);
    }

    [Fact]
    public void Json_WithDepthAndTop_HasTheTruncatedPathAndTheOtherBucket()
    {
        // No anchor, depth 1, top 1: u1 a > b … , u2 a > c, u3 x > a …, u4 b. All one run each: ordinal order, a prefix
        // first: "a > b …" (truncated) is first; the other three are the other bucket (3/4).
        CliRun run = CliRunner.Run("paths", "-j", _journey, "-e", _events, "--depth", "1", "--top", "1", "--format", "json");
        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("matched").GetInt32());
        JsonElement first = root.GetProperty("paths")[0];
        Assert.Equal(["a", "b"], first.GetProperty("steps").EnumerateArray().Select(e => e.GetString()));
        Assert.True(first.GetProperty("truncated").GetBoolean());
        Assert.Equal(3600, first.GetProperty("median_duration_seconds").GetDouble());
        Assert.Equal(3, root.GetProperty("other").GetProperty("runs").GetInt32());
        Assert.Equal(0.75, root.GetProperty("other").GetProperty("share").GetDouble());
        Assert.Equal("touchpoint", root.GetProperty("query").GetProperty("level").GetString());
    }

    [Fact]
    public void DropOffAt_StageInProgress_IsNotADropOff()
    {
        // u4 entered s1 at 20:00, the as-of instant: in progress, not dropped off; the other runs are in s2.
        CliRun run = CliRunner.Run("paths", "-j", _journey, "-e", _events, "--level", "stage", "--drop-off-at", "s1", "--format", "json");
        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("matched").GetInt32());
        Assert.Equal(4, doc.RootElement.GetProperty("without_end").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("open_in_drop_off_stage").GetInt32());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("median_time_to_end_seconds").ValueKind);
    }

    [Theory]
    [InlineData("--to|c|--drop-off-at|s1", "--to and --drop-off-at cannot be combined")]
    [InlineData("--depth|0", "--depth must be from 1 to 50; got 0")]
    [InlineData("--top|0", "--top must be at least 1")]
    [InlineData("--from|a|--exclude|a", "--exclude: 'a' is an anchor")]
    [InlineData("--level|stage|--from|a", "--from: the journey has no stage 'a'")]
    [InlineData("--drop-off-at|g", "--drop-off-at: 'g' is a terminal stage")]
    [InlineData("--hide|a,,b", "--hide takes non-empty step names")]
    public void BadQuery_IsAUsageError_NamingTheOption(string args, string message)
    {
        CliRun run = CliRunner.Run(["paths", "-j", _journey, "-e", _events, .. args.Split('|')]);
        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }
}
