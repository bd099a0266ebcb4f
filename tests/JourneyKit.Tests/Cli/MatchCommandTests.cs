using System.Text.Json;

namespace JourneyKit.Tests.Cli;

public sealed class MatchCommandTests
{
    private static string WriteEvents(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), "jk-match-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Match_Json_MatchesContract()
    {
        // c1: a b a b → 2 matches of "a b"; c2: a x b → 0 (not consecutive); c3: b → 0.
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc1,a,0\nc1,b,1\nc1,a,2\nc1,b,3\nc2,a,0\nc2,x,1\nc2,b,2\nc3,b,0\n");
        CliRun run = CliRunner.Run("match", "--events", file, "--pattern", "a b", "--format", "json");

        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal("a b", doc.RootElement.GetProperty("pattern").GetString());
        JsonElement customers = doc.RootElement.GetProperty("customers");
        Assert.True(customers.GetProperty("c1").GetProperty("matched").GetBoolean());
        Assert.Equal(2, customers.GetProperty("c1").GetProperty("count").GetInt32());
        Assert.False(customers.GetProperty("c2").GetProperty("matched").GetBoolean());
        Assert.Equal(0, customers.GetProperty("c3").GetProperty("count").GetInt32());
    }

    [Fact]
    public void Match_BadPattern_ExitOneWithColumn()
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        CliRun run = CliRunner.Run("match", "--events", file, "--pattern", "a (b");
        Assert.Equal(1, run.Exit);
        Assert.Contains("column 3", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a{channel=|}", "column 11")]
    [InlineData(".?{1000} order.placed", "PatternOptions.MaxEdges")]
    public void Match_HostilePattern_ExitOneLocated_Issue21(string pattern, string expected)
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        CliRun run = CliRunner.Run("match", "--events", file, "--pattern", pattern);
        Assert.Equal(1, run.Exit);
        Assert.Contains(expected, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_MissingPattern_ExitTwo()
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        Assert.Equal(2, CliRunner.Run("match", "--events", file).Exit);
    }
}
