using System.Globalization;
using System.Text.Json;

namespace JourneyKit.Tests.Cli;

/// <summary><c>--columns</c>, <c>--timestamp-format</c>, <c>--time-zone</c> and <c>--lifecycle</c> on the commands that read events.</summary>
public sealed class CliEventOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-cli-events-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private const string Export = "user,event,time\nu1,login,31/01/2026 09:30\nu1,buy,01/07/2026 09:30\n";

    [Fact]
    public void Events_MappedColumnsLocalTimesInAmsterdam()
    {
        // Amsterdam is UTC+1 in January and UTC+2 (daylight time) in July: 09:30 local is 08:30Z and 07:30Z.
        string path = File("export.csv", Export);

        CliRun run = CliRunner.Run("events", path, "--columns", "customer_id=user,touchpoint=event,timestamp=time",
            "--timestamp-format", "dd/MM/yyyy HH:mm", "--time-zone", "Europe/Amsterdam", "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(2, json.RootElement.GetProperty("events").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 8, 30, 0, TimeSpan.Zero), DateTimeOffset.Parse(json.RootElement.GetProperty("first").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 7, 30, 0, TimeSpan.Zero), DateTimeOffset.Parse(json.RootElement.GetProperty("last").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Events_UnmappedExport_SaysWhichColumnsToMap()
    {
        string path = File("export.csv", Export);

        CliRun run = CliRunner.Run("events", path);

        Assert.Equal(1, run.Exit);
        Assert.Equal(path + ":1: missing required columns 'customer_id', 'touchpoint', 'timestamp'; the header has user,event,time — map them with --columns customer_id=user,touchpoint=event,timestamp=time (EventReaderOptions.Columns)\n", run.Err);
    }

    [Fact]
    public void Events_LocalTimesWithoutZone_SaysAddTimeZone()
    {
        string path = File("export.csv", Export);

        CliRun run = CliRunner.Run("events", path, "--columns", "customer_id=user,touchpoint=event,timestamp=time", "--timestamp-format", "dd/MM/yyyy HH:mm");

        Assert.Equal(2, run.Exit);
        Assert.Contains("--timestamp-format 'dd/MM/yyyy HH:mm' has no UTC offset, so the times are local; add --time-zone", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--time-zone", "Europe/Amstrdam", "--time-zone 'Europe/Amstrdam' is not a time zone known here; use an IANA name such as Europe/Amsterdam")]
    [InlineData("--columns", "user=customer_id", "--columns: 'user' is not a field; the fields are customer_id, touchpoint, timestamp, channel, event_id, value")]
    [InlineData("--timestamp-format", "HH:mm", "--timestamp-format: the timestamp format 'HH:mm' must contain the year (yyyy), the month (MM) and the day (dd)")]
    [InlineData("--lifecycle", "start", "--lifecycle 'start': use ignore, complete or append")]
    public void Events_BadOptionValue_IsAUsageErrorSayingHowToWriteIt(string option, string value, string message)
    {
        string path = File("events.csv", "customer_id,touchpoint,timestamp\nc1,a,2026-01-01T00:00:00Z\n");

        CliRun run = CliRunner.Run("events", path, option, value);

        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_UnixMilliseconds()
    {
        string path = File("ms.csv", "customer_id,touchpoint,timestamp\nc1,a,1769851800250\n");

        CliRun run = CliRunner.Run("events", path, "--timestamp-format", "unix-ms", "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 9, 30, 0, 250, TimeSpan.Zero), DateTimeOffset.Parse(json.RootElement.GetProperty("first").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Events_XesLifecycleComplete()
    {
        // 4,281 of the excerpt's 6,929 events are COMPLETE (Bpic2012ExcerptTests).
        CliRun run = CliRunner.Run("events", TestPaths.Data("bpic2012-excerpt.xes.gz"), "--lifecycle", "complete", "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(4281, json.RootElement.GetProperty("events").GetInt32());
    }

    [Theory]
    [InlineData("events")]
    [InlineData("funnel")]
    [InlineData("match")]
    [InlineData("score")]
    [InlineData("analyze")]
    [InlineData("report")]
    [InlineData("customers")]
    public void EveryCommandThatReadsEvents_HasTheReadingOptions(string command)
    {
        CliRun run = CliRunner.Run(command, "--help");

        Assert.Equal(0, run.Exit);
        foreach (string option in new[] { "--skip-bad-rows", "--columns", "--timestamp-format", "--time-zone", "--lifecycle", ".xes" })
        {
            Assert.Contains(option, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Score_WithMappedColumns()
    {
        string journey = File("j.json", """
            { "id": "j", "touchpoints": [ { "id": "login", "channel": "web" }, { "id": "buy", "channel": "web" } ],
              "stages": [ { "id": "a", "touchpoints": ["login"], "standardTime": "1d" }, { "id": "b", "touchpoints": ["buy"], "isGoal": true } ] }
            """);
        string events = File("export.csv", Export);

        CliRun run = CliRunner.Run("score", "--journey", journey, "--events", events, "--columns", "customer_id=user,touchpoint=event,timestamp=time",
            "--timestamp-format", "dd/MM/yyyy HH:mm", "--time-zone", "UTC", "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("converted").GetInt32());
    }
}
