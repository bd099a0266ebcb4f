using System.Text.Json;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class FunnelCommandTests
{
    private static string WriteEvents(string content)
    {
        string path = Path.Combine(TestTemp.Root, "jk-funnel-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Funnel_Json_MatchesContract()
    {
        // c1: a@0 b@1800 c@3600 → 3 (c at exactly start + 1h counts). c2: a@0, c@60 → 1 (b missing). c3: only b → 0.
        string file = WriteEvents("""
            customer_id,touchpoint,timestamp
            c1,a,2026-01-01T00:00:00Z
            c1,b,2026-01-01T00:30:00Z
            c1,c,2026-01-01T01:00:00Z
            c2,a,2026-01-01T00:00:00Z
            c2,c,2026-01-01T00:01:00Z
            c3,b,1767225600
            """);
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b,c", "--window", "1h", "--format", "json");

        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal(["a", "b", "c"], root.GetProperty("steps").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3600, root.GetProperty("window_seconds").GetInt64());
        Assert.Equal(0, root.GetProperty("modes").GetArrayLength());
        JsonElement customers = root.GetProperty("customers");
        Assert.Equal(3, customers.GetProperty("c1").GetInt32());
        Assert.Equal(1, customers.GetProperty("c2").GetInt32());
        Assert.Equal(0, customers.GetProperty("c3").GetInt32());
        Assert.Equal([2, 1, 1], root.GetProperty("reached").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Funnel_Modes_AreEchoedAndApplied()
    {
        // a@0 x@1 b@2 with strict_order: x stops the search after step 1 → 1.
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\nc,x,1\nc,b,2\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b", "--window", "90", "--mode", "strict_order", "--format", "json");

        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal(["strict_order"], doc.RootElement.GetProperty("modes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(90, doc.RootElement.GetProperty("window_seconds").GetInt64());
        Assert.Equal(1, doc.RootElement.GetProperty("customers").GetProperty("c").GetInt32());
    }

    [Theory]
    [InlineData("--mode", "allow_reentry")]
    [InlineData("--mode", "sideways")]
    [InlineData("--window", "soon")]
    public void Funnel_BadArguments_ExitTwo(string option, string value)
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b", "--window", "1h", option, value);
        Assert.Equal(2, run.Exit);
        Assert.NotEmpty(run.Err);
    }

    [Fact]
    public void Funnel_BadRow_ExitOneWithLine()
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\nc,b,yesterday\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b", "--window", "1h");
        Assert.Equal(1, run.Exit);
        Assert.Contains(":3", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Funnel_Table_ShowsSteps()
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\nc,b,5\nd,a,0\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b", "--window", "1m");
        Assert.Equal(0, run.Exit);
        Assert.Contains("2 customers", run.Out, StringComparison.Ordinal);
        Assert.Contains("50.0", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Funnel_ClickHouseNoLimitWindow_IsUnbounded_Issue16()
    {
        // ClickHouse's windowFunnel test writes "no limit" as 6048000000000000 UInt64 seconds (beyond TimeSpan):
        // a@0, b 100 days later, c 3 years later → all three steps within an unbounded window.
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,2020-01-01T00:00:00Z\nc,b,2020-04-10T00:00:00Z\nc,c,2023-01-01T00:00:00Z\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b,c", "--window", "6048000000000000", "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("customers").GetProperty("c").GetInt32());
    }

    [Fact]
    public void Funnel_WindowBeyondUInt64_SaysTooLarge_Issue16()
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b", "--window", "99999999999999999999999");
        Assert.Equal(2, run.Exit);
        Assert.Contains("too large", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("not a duration", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Funnel_StepConstraints_AreAppliedAndEchoed_Issue16()
    {
        // Steps s1,s2,s3, window 30d, s1→s2 within 1d, s2→s3 at least 7d.
        // u1: s1@0 s2@+30h → s1→s2 too slow → 1. u2: s1@0 s2@+2h s3@+2h+9.2d → 3. u3: s1@0 s2@+1h s3@+3d → s3 too soon → 2.
        string file = WriteEvents("""
            customer_id,touchpoint,timestamp
            u1,s1,2026-01-01T00:00:00Z
            u1,s2,2026-01-02T06:00:00Z
            u2,s1,2026-01-01T00:00:00Z
            u2,s2,2026-01-01T02:00:00Z
            u2,s3,2026-01-10T06:48:00Z
            u3,s1,2026-01-01T00:00:00Z
            u3,s2,2026-01-01T01:00:00Z
            u3,s3,2026-01-04T01:00:00Z
            """);
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "s1,s2,s3", "--window", "30d", "--step-within", "1-2:1d", "--step-after", "2-3:7d", "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement customers = doc.RootElement.GetProperty("customers");
        Assert.Equal(1, customers.GetProperty("u1").GetInt32());
        Assert.Equal(3, customers.GetProperty("u2").GetInt32());
        Assert.Equal(2, customers.GetProperty("u3").GetInt32());
        JsonElement[] constraints = [.. doc.RootElement.GetProperty("step_constraints").EnumerateArray()];
        Assert.Equal(2, constraints.Length);
        Assert.Equal(86400, constraints[0].GetProperty("max_seconds").GetInt64());
        Assert.Equal(7 * 86400, constraints[1].GetProperty("min_seconds").GetInt64());
        Assert.Equal(JsonValueKind.Null, constraints[1].GetProperty("max_seconds").ValueKind);

        CliRun table = CliRunner.Run("funnel", "--events", file, "--steps", "s1,s2,s3", "--window", "30d", "--step-within", "1-2:1d", "--step-after", "2-3:7d");
        Assert.Contains("steps 1-2 within 1d, 2-3 after 7d", table.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--step-within", "1-3:1d", "consecutive")]
    [InlineData("--step-within", "2:1d", "I-J:DURATION")]
    [InlineData("--step-after", "1-2:soon", "not a duration")]
    [InlineData("--step-after", "1-2:99999999999999999999999", "too large")]
    public void Funnel_BadStepConstraint_ExitTwoWithReason(string option, string value, string expected)
    {
        string file = WriteEvents("customer_id,touchpoint,timestamp\nc,a,0\n");
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "a,b,c", "--window", "1h", option, value);
        Assert.Equal(2, run.Exit);
        Assert.Contains(expected, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Funnel_Explain_WritesTheChainAndTheStop_Issue16()
    {
        // view@09:00 cart.add@09:01 cart.add@09:02:10 checkout@09:03, strict_deduplication: the repeat stops at level 2.
        string file = WriteEvents("""
            customer_id,touchpoint,timestamp,event_id
            c42,view,2026-05-01T09:00:00Z,e1
            c42,cart.add,2026-05-01T09:01:00Z,e2
            c42,cart.add,2026-05-01T09:02:10Z,e3
            c42,checkout,2026-05-01T09:03:00Z,e4
            """);
        CliRun run = CliRunner.Run("funnel", "--events", file, "--steps", "view,cart.add,checkout", "--window", "1h", "--mode", "strict_deduplication", "--explain", "c42");

        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("level").GetInt32());
        Assert.Equal(["e1", "e2"], root.GetProperty("chain").EnumerateArray().Select(s => s.GetProperty("event_id").GetString()));
        Assert.Equal("2026-05-01T09:01:00Z", root.GetProperty("chain")[1].GetProperty("timestamp").GetString());
        Assert.Equal(60, root.GetProperty("chain")[1].GetProperty("since_previous_seconds").GetDouble());
        Assert.Equal("strict_deduplication: a repeated 'cart.add' at 2026-05-01T09:02:10Z stopped the chain at level 2", root.GetProperty("stopped").GetProperty("message").GetString());

        CliRun missing = CliRunner.Run("funnel", "--events", file, "--steps", "view,cart.add", "--window", "1h", "--explain", "nobody");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("nobody", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Funnel_Hold_KeepsTheOrderConstant_Issue16()
    {
        // u1 carts order A and pays order B → 1 of 2 steps when holding order_id (2 without). u2 carts and pays A → 2.
        string path = Path.Combine(TestTemp.Root, "jk-hold-" + Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllText(path, """
            {"customer_id":"u1","touchpoint":"cart","timestamp":"2026-01-01T00:00:00Z","attributes":{"order_id":"A"}}
            {"customer_id":"u1","touchpoint":"pay","timestamp":"2026-01-01T00:05:00Z","attributes":{"order_id":"B"}}
            {"customer_id":"u2","touchpoint":"cart","timestamp":"2026-01-01T00:00:00Z","attributes":{"order_id":"A"}}
            {"customer_id":"u2","touchpoint":"pay","timestamp":"2026-01-01T00:05:00Z","attributes":{"order_id":"A"}}
            """);
        CliRun run = CliRunner.Run("funnel", "--events", path, "--steps", "cart,pay", "--window", "1h", "--hold", "order_id", "--format", "json");
        Assert.True(run.Exit == 0, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal("order_id", doc.RootElement.GetProperty("hold").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("customers").GetProperty("u1").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("customers").GetProperty("u2").GetInt32());

        CliRun capped = CliRunner.Run("funnel", "--events", path, "--steps", "cart,pay", "--window", "1h", "--hold", "order_id", "--max-held-values", "1");
        Assert.Equal(1, capped.Exit);
        Assert.Contains("more than 1 distinct 'order_id' values", capped.Err, StringComparison.Ordinal);
    }
}
