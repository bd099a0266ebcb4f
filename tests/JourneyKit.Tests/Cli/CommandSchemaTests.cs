using System.CommandLine;
using System.Text.Json;
using Json.Schema;
using JourneyKit.Cli;
using JourneyKit.Events;
using JourneyKit.Storage.Sqlite;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli;

/// <summary>
/// Issue 20 item 5: each command's <c>--format json</c> output, run on the bundled samples, is valid against its
/// documented schema (docs/schemas/&lt;command&gt;.schema.json, linked from docs/cli.md), validated by JsonSchema.Net.
/// </summary>
public sealed class CommandSchemaTests
{
    private static readonly string Bank = TestPaths.BankJourney;
    private static readonly string BankEvents = TestPaths.Sample("retail-bank-account-opening.events.csv");
    private static readonly string ShopEvents = TestPaths.Sample("ecommerce-purchase.events.csv");

    private static string SchemaPath(string command) => Path.Combine(TestPaths.RepoRoot, "docs", "schemas", command + ".schema.json");

    private static JsonSchema Schema(string command) =>
        JsonSchema.FromText(File.ReadAllText(SchemaPath(command)), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static IReadOnlyList<string> Errors(string command, string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        EvaluationResults result = Schema(command).Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        var errors = new List<string>();
        if (!result.IsValid)
        {
            foreach (EvaluationResults detail in result.Details ?? [])
            {
                foreach (KeyValuePair<string, string> e in detail.Errors ?? new Dictionary<string, string>())
                {
                    errors.Add($"{detail.InstanceLocation}: {e.Key}: {e.Value}");
                }
            }

            if (errors.Count == 0)
            {
                errors.Add("invalid");
            }
        }

        return errors;
    }

    private static void AssertValid(string command, params string[] args)
    {
        CliRun run = CliRunner.Run([command, .. args, "--format", "json"]);
        Assert.True(run.Exit == 0, command + ": " + run.Err);
        IReadOnlyList<string> errors = Errors(command, run.Out);
        Assert.True(errors.Count == 0, command + " " + string.Join(' ', args) + ":\n" + string.Join('\n', errors.Take(10)));
    }

    [Fact]
    public void Validate_MatchesItsSchema() => AssertValid("validate", Bank);

    [Fact]
    public void Generate_MatchesItsSchema()
    {
        string output = Path.Combine(TestTemp.Root, "jk-schema-" + Guid.NewGuid().ToString("N") + ".csv");
        AssertValid("generate", "--journey", Bank, "--customers", "50", "--seed", "1", "--out", output);
        File.Delete(output);
    }

    [Fact]
    public void Events_MatchesItsSchema() => AssertValid("events", BankEvents);

    [Fact]
    public void Funnel_AndItsExplanation_MatchTheSchema()
    {
        AssertValid("funnel", "-e", ShopEvents, "--steps", "web.browse,cart.add,checkout.start", "--window", "2d", "--step-within", "1-2:1d");
        AssertValid("funnel", "-e", BankEvents, "--steps", "application.start,application.submit", "--window", "3d", "--explain", "c0042");
    }

    [Fact]
    public void Match_AndItsExplanation_MatchTheSchema()
    {
        AssertValid("match", "-e", ShopEvents, "-p", "payment.failed .* chat.question within 1h");
        AssertValid("match", "-e", BankEvents, "-p", "application.start .* application.submit", "--explain", "c0042");
    }

    [Fact]
    public void Score_MatchesItsSchema() => AssertValid("score", "-j", Bank, "-e", BankEvents, "--as-of", "2026-02-01T00:00:00Z");

    [Fact]
    public void ScoreExplain_MatchesItsSchema() => AssertValid("score", "-j", Bank, "-e", BankEvents, "--as-of", "2026-02-01T00:00:00Z", "--explain", "--horizon", "7d");

    [Fact]
    public void Customers_MatchesItsSchema() => AssertValid("customers", "-j", Bank, "-e", BankEvents);

    [Fact]
    public void Paths_MatchesItsSchema()
    {
        AssertValid("paths", "-j", Bank, "-e", BankEvents, "--from", "application.submit", "--depth", "3");
        AssertValid("paths", "-j", Bank, "-e", BankEvents, "--level", "stage", "--drop-off-at", "verify", "--as-of", "2026-02-01T00:00:00Z");
        AssertValid("paths", "-j", Bank, "-e", BankEvents, "--from", "nobody.does.this");
    }

    [Fact]
    public void Analyze_MatchesItsSchema() => AssertValid("analyze", "-j", Bank, "-e", BankEvents, "--funnel", "application.start,application.submit,id.upload", "--window", "3d");

    [Fact]
    public void Backtest_MatchesItsSchema() => AssertValid("backtest", "-j", Bank, "-e", BankEvents, "--cutoff", "2026-01-20T00:00:00Z", "--horizon", "7d");

    [Fact]
    public void BacktestNext_AndEveryPrefix_MatchTheSchema()
    {
        AssertValid("backtest", "--next", "-j", Bank, "-e", BankEvents, "--cutoff", "2026-01-20T00:00:00Z");
        AssertValid("backtest", "--next", "--every-prefix", "-j", Bank, "-e", BankEvents);
    }

    [Fact]
    public async Task Erase_MatchesItsSchema()
    {
        string path = Path.Combine(TestTemp.Root, $"jk-schema-erase-{Guid.NewGuid():N}.db");
        try
        {
            var store = new SqliteJourneyStore(path);
            await store.Events.AppendAsync([new JourneyEvent("ann", "form.start", new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)) { EventId = "1" }]);
            AssertValid("erase", "--store", path, "--customer", "ann");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void EveryCommandWithJson_HasASchema_LinkedFromTheDocs()
    {
        string docs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "cli.md"));
        RootCommand root = JourneyKitCli.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, false));
        var withJson = new List<string>();
        foreach (Command command in root.Subcommands)
        {
            if (command.Options.Any(o => o.Name == "--format"))
            {
                withJson.Add(command.Name);
                Assert.True(File.Exists(SchemaPath(command.Name)), "no docs/schemas/" + command.Name + ".schema.json");
                Assert.Contains("(schemas/" + command.Name + ".schema.json)", docs, StringComparison.Ordinal);
            }
        }

        // validate, generate, events, funnel, analyze, match, score, customers, paths, backtest, erase: all but report.
        Assert.Equal(11, withJson.Count);
    }

    [Fact]
    public void Schemas_RejectTheOldStyle()
    {
        // The schemas are strict where the tool writes the document itself: the old names and forms are refused.
        Assert.NotEmpty(Errors("events", """{ "rows": 1, "events": 1, "duplicates": 0, "skipped": 0, "customers": 1, "touchpoints": 1, "channels": 1, "attributes": [], "first": "2026-01-01T00:00:00.0000000+00:00", "last": "2026-01-01T00:00:00Z" }"""));
        Assert.NotEmpty(Errors("generate", """{ "customers": 1, "events": 1, "duplicates": 0, "outOfOrder": 0, "converted": 0, "droppedOut": 0, "failed": 0, "stuckStages": 0, "backtracks": 0, "channelSwitches": 0 }"""));
        Assert.NotEmpty(Errors("erase", """{ "store": "x.db", "erased": [ { "customer": "ann", "events": 1, "states": 0 } ] }"""));
        Assert.Empty(Errors("erase", """{ "store": "x.db", "erased": [ { "customer_id": "ann", "events": 1, "states": 0 } ] }"""));
    }
}
