using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

/// <summary>
/// Issue 20 item 5: every command writes counts, shares, durations and instants one way (DisplayFormat), and its JSON
/// one way (snake_case names and enum values, durations in <c>…_seconds</c>, instants as UTC ISO-8601).
/// </summary>
/// <remarks>
/// The data: 1,200 customers; each does <c>a</c> at 2026-03-10T01:45:53Z (stage s1, standard 3d) and <c>b</c> 2d 3h later
/// at 2026-03-12T04:45:53Z (stage s2, standard 1d); the first 300 also do <c>c</c> (the goal) 1h after that, at
/// 2026-03-12T05:45:53Z, the latest event and so the default as-of. So: 2,700 events; 300 converted (25.0% of 1,200);
/// 900 in progress in s2 for 1h (under its 1d standard); s1's time is 2d 3h = 51 h = 183,600 s for all 1,200.
/// </remarks>
public sealed class OutputStyleTests : IDisposable
{
    private const string JourneyJson = """
        {
          "id": "style",
          "touchpoints": [ { "id": "a", "channel": "web" }, { "id": "b", "channel": "web" }, { "id": "c", "channel": "email" } ],
          "stages": [
            { "id": "s1", "touchpoints": ["a"], "standardTime": "3d" },
            { "id": "s2", "touchpoints": ["b"], "standardTime": "1d" },
            { "id": "goal", "touchpoints": ["c"], "isGoal": true }
          ],
          "kpis": [ { "id": "conv", "name": "Converted", "kind": "conversion", "target": 0.5 }, { "id": "hours", "name": "Hours to goal", "kind": "timeToComplete", "target": 72 } ]
        }
        """;

    private readonly string _dir = Path.Combine(TestTemp.Root, "jk-style-" + Guid.NewGuid().ToString("N"));

    public OutputStyleTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Journey, JourneyJson);
        using var events = new StreamWriter(Events) { NewLine = "\n" };
        events.WriteLine("customer_id,touchpoint,timestamp,channel");
        for (int i = 1; i <= 1200; i++)
        {
            string c = "c" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
            events.WriteLine(c + ",a,2026-03-10T01:45:53Z,web");
            events.WriteLine(c + ",b,2026-03-12T04:45:53Z,web");
            if (i <= 300)
            {
                events.WriteLine(c + ",c,2026-03-12T05:45:53Z,email");
            }
        }
    }

    private string Journey => Path.Combine(_dir, "journey.json");

    private string Events => Path.Combine(_dir, "events.csv");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Ok(params string[] args)
    {
        CliRun run = CliRunner.Run(args);
        Assert.True(run.Exit == 0, string.Join(' ', args) + ": " + run.Err);
        return run.Out;
    }

    private static JsonDocument Json(params string[] args)
    {
        JsonDocument doc = JsonDocument.Parse(Ok([.. args, "--format", "json"]));
        AssertJsonStyle(doc.RootElement, "$");
        return doc;
    }

    /// <summary>Names snake_case; a <c>…_seconds</c> value is a number; no .NET-style instant or duration text.</summary>
    private static void AssertJsonStyle(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    Assert.True(Regex.IsMatch(p.Name, "^[a-z0-9_.]+$"), $"{path}.{p.Name}: not snake_case");
                    if (p.Name.EndsWith("_seconds", StringComparison.Ordinal))
                    {
                        Assert.True(p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null, $"{path}.{p.Name}: seconds are a number");
                    }

                    AssertJsonStyle(p.Value, path + "." + p.Name);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in e.EnumerateArray())
                {
                    AssertJsonStyle(item, $"{path}[{i++}]");
                }

                break;
            case JsonValueKind.String:
                string s = e.GetString()!;
                Assert.False(Regex.IsMatch(s, @"^\d{4}-\d\d-\d\dT.*(\+00:00|\.0+Z)$"), $"{path}: '{s}' is not UTC ISO-8601 without a zero fraction");
                Assert.False(Regex.IsMatch(s, @"^\d+\.\d\d:\d\d:\d\d$"), $"{path}: '{s}' is a .NET TimeSpan");
                break;
        }
    }

    [Fact]
    public void Events_TableAndJson_UseTheOneStyle()
    {
        string table = Ok("events", Events);
        Assert.Matches(@"\ncustomers\s+1,200\n", table);
        Assert.Matches(@"\nevents\s+2,700\n", table);
        Assert.Matches(@"\nfirst\s+2026-03-10T01:45:53Z\n", table);
        Assert.Matches(@"\nlast\s+2026-03-12T05:45:53Z\n", table);

        using JsonDocument doc = Json("events", Events);
        JsonElement root = doc.RootElement;
        Assert.Equal(2700, root.GetProperty("events").GetInt32());
        Assert.Equal("2026-03-10T01:45:53Z", root.GetProperty("first").GetString());
        Assert.Equal(["web", "email"], root.GetProperty("channels").EnumerateArray().Select(c => c.GetString())); // names, like the table
    }

    [Fact]
    public void Funnel_TableAndJson_UseTheOneStyle()
    {
        // Step 3 (c) is reached by 300 of 1,200: 25.0%.
        string table = Ok("funnel", "-e", Events, "--steps", "a,b,c", "--window", "3d");
        Assert.StartsWith("1,200 customers; window 3d;", table, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+1\s+a\s+1,200\s+100\.0%\n", table);
        Assert.Matches(@"\n\s+3\s+c\s+300\s+25\.0%\n", table);

        using JsonDocument doc = Json("funnel", "-e", Events, "--steps", "a,b,c", "--window", "3d");
        Assert.Equal(3 * 86400, doc.RootElement.GetProperty("window_seconds").GetInt64());
    }

    [Fact]
    public void Match_TableAndJson_UseTheOneStyle()
    {
        // "b c" matches the 300 who did c after b: 300 of 1,200 = 25.0%, one match each.
        string table = Ok("match", "-e", Events, "-p", "b c");
        Assert.Matches(@"\n\s*1,200\s+300\s+25\.0%\s+300\n", table);

        using JsonDocument doc = Json("match", "-e", Events, "-p", "b c", "--explain", "c0001");
        Assert.Equal("c0001", doc.RootElement.GetProperty("customer_id").GetString());
    }

    [Fact]
    public void Score_TableAndJson_UseTheOneStyle()
    {
        string table = Ok("score", "-j", Journey, "-e", Events);
        Assert.Contains("\n1,200 customers as of 2026-03-12T05:45:53Z: 900 in progress, 0 stuck, 0 dormant, 300 converted, 0 failed;", table, StringComparison.Ordinal);

        using JsonDocument doc = Json("score", "-j", Journey, "-e", Events, "--customer", "c0301");
        JsonElement root = doc.RootElement;
        Assert.Equal("style", root.GetProperty("journey_id").GetString());
        Assert.Equal("2026-03-12T05:45:53Z", root.GetProperty("as_of").GetString());
        JsonElement c = root.GetProperty("customers")[0];
        Assert.Equal(("c0301", "s2", "in_progress"), (c.GetProperty("customer_id").GetString(), c.GetProperty("stage_id").GetString(), c.GetProperty("state").GetString()));
        Assert.Equal(3600, c.GetProperty("time_in_stage_seconds").GetDouble()); // b at 04:45:53, as of 05:45:53
    }

    [Fact]
    public void Customers_TableAndJson_UseTheOneStyle()
    {
        string table = Ok("customers", "-j", Journey, "-e", Events, "--state", "in_progress");
        Assert.Matches(@"\nc0301\s+in_progress\s+s2\s+1h\s+-\s", table);
        Assert.EndsWith("\n900 customers as of 2026-03-12T05:45:53Z\n", table, StringComparison.Ordinal);
        string all = Ok("customers", "-j", Journey, "-e", Events);
        Assert.EndsWith("\n1,200 customers as of 2026-03-12T05:45:53Z\n", all, StringComparison.Ordinal);

        using JsonDocument doc = Json("customers", "-j", Journey, "-e", Events, "--state", "in_progress");
        JsonElement root = doc.RootElement;
        Assert.Equal(("style", "2026-03-12T05:45:53Z", 900), (root.GetProperty("journey_id").GetString(), root.GetProperty("as_of").GetString(), root.GetProperty("count").GetInt32()));
        JsonElement first = root.GetProperty("customers")[0];
        Assert.Equal(("s2", 3600d, 0d), (first.GetProperty("stage_id").GetString(), first.GetProperty("time_in_stage_seconds").GetDouble(), first.GetProperty("overdue_by_seconds").GetDouble()));
    }

    [Fact]
    public void Analyze_TableAndJson_UseTheOneStyle()
    {
        string table = Ok("analyze", "-j", Journey, "-e", Events, "--funnel", "a,b,c", "--window", "3d");
        Assert.StartsWith("Journey 'style' as of 2026-03-12T05:45:53Z: 1,200 customers, 2,700 events, 300 reached the goal.", table, StringComparison.Ordinal);
        Assert.Matches(@"\ns1\s+1,200\s+1,200\s+1,200\s+0\s+100\.0%\n", table);
        Assert.Matches(@"\ns1\s+3d\s+1,200\s+2d 3h\s+2d 3h\s+2d 3h\s", table);
        Assert.Contains("Product funnel (ordered, window 3d, 1,200 customers, as of 2026-03-12T05:45:53Z)", table, StringComparison.Ordinal);

        using JsonDocument doc = Json("analyze", "-j", Journey, "-e", Events, "--funnel", "a,b,c", "--window", "3d");
        JsonElement a = doc.RootElement.GetProperty("analysis");
        Assert.Equal("2026-03-12T05:45:53Z", a.GetProperty("as_of").GetString());
        Assert.Equal(["conversion", "time_to_complete"], a.GetProperty("kpis").EnumerateArray().Select(k => k.GetProperty("kind").GetString()));
        JsonElement s1 = a.GetProperty("time_in_stage")[0];
        Assert.Equal((3 * 86400d, 183600d), (s1.GetProperty("standard_time_seconds").GetDouble(), s1.GetProperty("p50_seconds").GetDouble()));
        JsonElement product = doc.RootElement.GetProperty("product_funnel");
        Assert.Equal(("ordered", 3 * 86400d), (product.GetProperty("type").GetString(), product.GetProperty("window_seconds").GetDouble()));
    }

    [Fact]
    public void ValidateAndGenerate_Json_UseSnakeCaseNames()
    {
        using JsonDocument valid = Json("validate", Journey);
        Assert.Equal("style", valid.RootElement.GetProperty("journey_id").GetString());

        string output = Path.Combine(_dir, "generated.csv");
        string table = Ok("generate", "--journey", Journey, "--customers", "1200", "--seed", "1", "--out", output);
        Assert.Matches(@"\ncustomers\s+1,200\n", table);
        Assert.Matches(@"\nout_of_order\s+\d", table);
        using JsonDocument doc = Json("generate", "--journey", Journey, "--customers", "10", "--seed", "1", "--out", output);
        Assert.Equal(10, doc.RootElement.GetProperty("customers").GetInt32());
        Assert.True(doc.RootElement.TryGetProperty("channel_switches", out _));
    }

    [Fact]
    public void Report_UsesTheOneStyle()
    {
        string html = Path.Combine(_dir, "report.html");
        string wrote = Ok("report", "-j", Journey, "-e", Events, "--out", html);
        Assert.Contains(": 1,200 customers, ", wrote, StringComparison.Ordinal); // the "Wrote …" line: counts and instant in the one style
        Assert.EndsWith("(as of 2026-03-12T05:45:53Z).\n", wrote.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        string text = File.ReadAllText(html);
        Assert.Contains("1,200 customers as of 2026-03-12T05:45:53Z", text, StringComparison.Ordinal);
        Assert.Contains("Journey report as of 2026-03-12T05:45:53Z &#183; journey", text, StringComparison.Ordinal); // the header, HTML-encoded
    }

    [Fact]
    public void Help_ShowsDefaultsAsTheToolWritesThem()
    {
        // [default: table] (what --format accepts), [default: 14d] (the duration syntax), ISO-8601 instants.
        RootCommand root = JourneyKitCli.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, false, () => Stream.Null));
        foreach (Command command in root.Subcommands)
        {
            CliRun run = CliRunner.Run(command.Name, "--help");
            foreach (Match m in Regex.Matches(run.Out, @"\[default: ([^\]]*)\]"))
            {
                string value = m.Groups[1].Value;
                Assert.False(Regex.IsMatch(value, "^[A-Z]"), $"{command.Name}: [default: {value}] is a .NET enum name");
                Assert.False(Regex.IsMatch(value, @"^(\d+\.)?\d\d:\d\d:\d\d$|/|\+00:00"), $"{command.Name}: [default: {value}] is a .NET TimeSpan or date");
            }
        }

        Assert.Contains("[default: table]", CliRunner.Run("score", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("[default: 14d]", CliRunner.Run("score", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("[default: ordered]", CliRunner.Run("analyze", "--help").Out, StringComparison.Ordinal);
    }
}
