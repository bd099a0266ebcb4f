using System.Text.Json;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class MatchCommandTests
{
    private static string WriteEvents(string content)
    {
        string path = Path.Combine(TestTemp.Root, "jk-match-" + Guid.NewGuid().ToString("N") + ".csv");
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

    [Fact]
    public void Match_TimeGapBetweenMatchedSteps()
    {
        // c1: a@0, x@100, b@7200 → a→b 2h ≥ 1h: match; c2: a@0 b@600 → 10 minutes: no match.
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc1,a,0\nc1,x,100\nc1,b,7200\nc2,a,0\nc2,b,600\n");
        CliRun run = CliRunner.Run("match", "--events", file, "--pattern", "a ~~(1h..) b", "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement customers = doc.RootElement.GetProperty("customers");
        Assert.True(customers.GetProperty("c1").GetProperty("matched").GetBoolean());
        Assert.False(customers.GetProperty("c2").GetProperty("matched").GetBoolean());
    }

    [Fact]
    public void Match_ClickHouse_SequenceMatchAndCount()
    {
        // (?1).*(?t>3600)(?2): ClickHouse measures from the event after the a (.* sets the base there).
        // c1: a@0 x@100 b@4000 → 4000 − 100 > 3600: match; c2: a@0 x@3000 b@4000 → 1000: none; x satisfies (?3).
        // c3: a@0 x@1 b@5000 a@6000 x@6001 b@11000 → bases x@1 and x@6001, 4999 s and 4999 s: sequenceCount 2.
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc1,a,0\nc1,x,100\nc1,b,4000\nc2,a,0\nc2,x,3000\nc2,b,4000\n"
            + "c3,a,0\nc3,x,1\nc3,b,5000\nc3,a,6000\nc3,x,6001\nc3,b,11000\n");
        CliRun run = CliRunner.Run("match", "--events", file, "--clickhouse", "(?1).*(?t>3600)(?2)", "--cond", "a", "--cond", "b", "--cond", "x", "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement customers = doc.RootElement.GetProperty("customers");
        Assert.Equal(1, customers.GetProperty("c1").GetProperty("count").GetInt32());
        Assert.Equal(0, customers.GetProperty("c2").GetProperty("count").GetInt32());
        Assert.Equal(2, customers.GetProperty("c3").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData(new[] { "--clickhouse", "(?1)(?2)" }, 2, "--cond")]
    [InlineData(new[] { "--clickhouse", "(?3)", "--cond", "a" }, 1, "out of range")]
    [InlineData(new[] { "--clickhouse", "(?1)", "--cond", "a b" }, 1, "--cond")]
    [InlineData(new[] { "--pattern", "a", "--clickhouse", "(?1)", "--cond", "a" }, 2, "either")]
    public void Match_ClickHouse_Errors(string[] args, int exit, string expected)
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        CliRun run = CliRunner.Run(["match", "--events", file, .. args]);
        Assert.Equal(exit, run.Exit);
        Assert.Contains(expected, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_Explain_NamesTheEventThatCompletedThePattern_Issue16()
    {
        // "cart.add .* checkout within 1h". c42: cart.add@09:05 (e2) → checkout@10:30 (e3) is 85 min, too late; cart.add@10:40
        // (e4) → checkout@11:00 (e5) is 20 min: first completed at e5, the 5th event (index 4). Greedy by earliest end, the
        // search restarts after e5 and e6 has no cart.add before it → 1 match. c9 only adds to the cart → not matched.
        string file = WriteEvents("""
            customer_id,touchpoint,timestamp,event_id
            c42,view,2026-05-01T09:00:00Z,e1
            c42,cart.add,2026-05-01T09:05:00Z,e2
            c42,checkout,2026-05-01T10:30:00Z,e3
            c42,cart.add,2026-05-01T10:40:00Z,e4
            c42,checkout,2026-05-01T11:00:00Z,e5
            c42,checkout,2026-05-01T11:10:00Z,e6
            c9,cart.add,2026-05-01T09:00:00Z,e7
            """);
        string[] common = ["match", "--events", file, "--pattern", "cart.add .* checkout within 1h", "--explain"];
        CliRun run = CliRunner.Run([.. common, "c42"]);

        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.True(root.GetProperty("matched").GetBoolean());
        Assert.Equal(1, root.GetProperty("count").GetInt32());
        JsonElement at = root.GetProperty("completed_at");
        Assert.Equal(4, at.GetProperty("index").GetInt32());
        Assert.Equal("e5", at.GetProperty("event_id").GetString());
        Assert.Equal("2026-05-01T11:00:00Z", at.GetProperty("timestamp").GetString());
        Assert.Equal("checkout", at.GetProperty("touchpoint").GetString());

        // The chain: cart.add e4 (index 3) then checkout e5 (index 4), 20 minutes = 1,200 s later; all 3 items
        // (cart.add, .*, checkout) matched; the '.*' skipped no event and is not a step.
        Assert.Equal(3, root.GetProperty("items_matched").GetInt32());
        Assert.Equal(
            ["cart.add|3|e4|0", "checkout|4|e5|1200"],
            root.GetProperty("chain").EnumerateArray().Select(s => $"{s.GetProperty("item").GetString()}|{s.GetProperty("index").GetInt32()}|{s.GetProperty("event_id").GetString()}|{s.GetProperty("since_previous_seconds").GetDouble()}"));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("stopped_because").ValueKind);

        using JsonDocument none = JsonDocument.Parse(CliRunner.Run([.. common, "c9"]).Out);
        Assert.False(none.RootElement.GetProperty("matched").GetBoolean());
        Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("completed_at").ValueKind);

        // c9: cart.add (e7) and the '.*' after it are the 2 leading items reached; no checkout came.
        Assert.Equal(2, none.RootElement.GetProperty("items_matched").GetInt32());
        Assert.Equal("e7", Assert.Single(none.RootElement.GetProperty("chain").EnumerateArray()).GetProperty("event_id").GetString());
        Assert.Equal("no event matched item 3 ('checkout') after event 0", none.RootElement.GetProperty("stopped_because").GetString());

        CliRun missing = CliRunner.Run([.. common, "nobody"]);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("nobody", missing.Err, StringComparison.Ordinal);
    }
}
