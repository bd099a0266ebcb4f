using System.Text.Json;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jk-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        string path = Path.Combine(_dir, "j.journey.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Validate_Sample_ExitsZero()
    {
        CliRun run = CliRunner.Run("validate", TestPaths.BankJourney);
        Assert.Equal(0, run.Exit);
        Assert.Equal(string.Empty, run.Err);
        Assert.StartsWith("retail-bank-account-opening v1: valid (6 stages, 15 touchpoints, 3 personas", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Invalid_ListsEveryProblemOnePerLine()
    {
        string path = Write("""{ "id": "x", "touchpoints": [ { "id": "a", "name": "A", "channel": "web" } ], "stages": [ { "id": "s", "touchpoints": ["a", "nope"], "standardTime": "1d" } ] }""");
        CliRun run = CliRunner.Run("validate", path);
        Assert.Equal(1, run.Exit);
        Assert.Equal(string.Empty, run.Out);
        string[] lines = run.Err.TrimEnd('\n').Split('\n');
        Assert.Contains("stages[0].touchpoints[1]: unknown touchpoint 'nope'", lines);
        Assert.Contains(lines, l => l.StartsWith("stages: ", StringComparison.Ordinal) && l.Contains("goal", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^[^:]+: \S", l)); // "path: message"
    }

    [Fact]
    public void Validate_MalformedJson_ExitsOneWithLineAndColumn()
    {
        CliRun run = CliRunner.Run("validate", Write("{ \"id\": \"x\", "));
        Assert.Equal(1, run.Exit);
        Assert.Contains("line 1, column", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Json_ReportsProblemsWithCodes()
    {
        string path = Write("""{ "id": "x", "stages": [] }""");
        CliRun run = CliRunner.Run("validate", path, "--format", "json");
        Assert.Equal(1, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == "JK0118");
    }

    [Fact]
    public void Validate_MissingFile_ExitsTwo()
    {
        CliRun run = CliRunner.Run("validate", Path.Combine(_dir, "none.json"));
        Assert.Equal(2, run.Exit);
        Assert.Contains("file not found", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoArgument_IsUsageError()
    {
        CliRun run = CliRunner.Run("validate");
        Assert.Equal(2, run.Exit);
    }
}
