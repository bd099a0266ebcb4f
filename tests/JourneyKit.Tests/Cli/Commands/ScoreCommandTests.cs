using System.Text.Json;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class ScoreCommandTests
{
    private static string Temp(string name, string content)
    {
        string path = Path.Combine(TestTemp.Root, "jk-score-" + Guid.NewGuid().ToString("N") + "-" + name);
        File.WriteAllText(path, content);
        return path;
    }

    private const string Journey = """
        {
          "id": "j",
          "touchpoints": [ { "id": "form", "channel": "web" }, { "id": "upload", "channel": "mobile" }, { "id": "active", "channel": "mobile" } ],
          "stages": [
            { "id": "apply", "name": "Apply", "touchpoints": ["form"], "standardTime": "2d" },
            { "id": "verify", "name": "Verify", "touchpoints": ["upload"], "standardTime": "1d" },
            { "id": "done", "touchpoints": ["active"], "isGoal": true }
          ],
          "momentsOfTruth": [ { "id": "fast", "pattern": "form .* active", "outcome": "positive" } ]
        }
        """;

    [Fact]
    public void Score_Explain_GivesEachOpenCustomerTheModelsRiskAndReasons()
    {
        // The bank sample at 2026-02-01 with --explain --horizon 7d: the boosted trees are fitted on the events up to the
        // instant; every in-progress or stuck customer gets the library's own prediction and 1–3 reasons, the others none.
        string journey = TestPaths.BankJourney, events = TestPaths.Sample("retail-bank-account-opening.events.csv");
        CliRun run = CliRunner.Run("score", "--journey", journey, "--events", events, "--as-of", "2026-02-01T00:00:00Z", "--explain", "--horizon", "7d", "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement model = doc.RootElement.GetProperty("model");
        Assert.StartsWith("boosted-trees/2:", model.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Equal(7 * 86400, model.GetProperty("horizon_seconds").GetInt64());

        var compiled = JourneyKit.Model.Json.JourneyJson.LoadFile(journey).Compile();
        var evaluator = new JourneyKit.Scoring.JourneyEvaluator(compiled);
        var asOf = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        JourneyKit.Events.EventBatch batch = JourneyKit.Events.EventFile.Read(events).Batch.Until(asOf);
        var fitted = new JourneyKit.Prediction.BoostedTreeRiskTrainer().FitModel(new JourneyKit.Analytics.Prediction.RiskTrainingSet(evaluator, batch, asOf, TimeSpan.FromDays(7), 1));
        Assert.Equal(fitted.Fingerprint, model.GetProperty("version").GetString());
        var runs = new Dictionary<string, JourneyKit.Scoring.JourneyInstance>();
        foreach (JourneyKit.Scoring.JourneyInstance i in evaluator.Evaluate(batch))
        {
            runs[i.CustomerId] = i;
        }

        int open = 0;
        foreach (JsonElement c in doc.RootElement.GetProperty("customers").EnumerateArray())
        {
            string state = c.GetProperty("state").GetString()!;
            bool isOpen = state is "in_progress" or "stuck";
            Assert.Equal(isOpen, c.TryGetProperty("prediction", out JsonElement p));
            if (!isOpen)
            {
                continue;
            }

            open++;
            JourneyKit.Analytics.Prediction.RunRisk risk = fitted.Predict(evaluator, runs[c.GetProperty("customer_id").GetString()!], asOf);
            Assert.Equal(Math.Round(risk.NotProgressing, 4), p.GetProperty("not_progressing").GetDouble());
            Assert.Equal(Math.Round(risk.MissingGoal, 4), p.GetProperty("missing_goal").GetDouble());
            JsonElement reasons = p.GetProperty("reasons");
            Assert.InRange(reasons.GetArrayLength(), 1, 3);
            foreach (JsonElement r in reasons.EnumerateArray())
            {
                Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("description").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("feature").GetString()));
            }
        }

        Assert.True(open > 100, $"{open} open customers");
    }

    [Fact]
    public void Score_Json_ReportsStuckGoalAndSummary()
    {
        // a: form@day0, upload@day1 → in verify since day 1; as of day 4 → 3d in stage, 2d over the 1d standard.
        // b: form, active → goal, moment of truth 'fast' (form then active).
        string journey = Temp("j.json", Journey);
        string events = Temp("e.csv", """
            customer_id,touchpoint,timestamp,channel
            a,form,2026-01-01T00:00:00Z,web
            a,upload,2026-01-02T00:00:00Z,mobile
            b,form,2026-01-01T00:00:00Z,web
            b,active,2026-01-01T05:00:00Z,mobile
            """);
        CliRun run = CliRunner.Run("score", "--journey", journey, "--events", events, "--as-of", "2026-01-05T00:00:00Z", "--format", "json");

        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement summary = doc.RootElement.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("customers").GetInt32());
        Assert.Equal(1, summary.GetProperty("converted").GetInt32());
        Assert.Equal(1, summary.GetProperty("stuck").GetInt32());
        Assert.Equal((0, 0, 0), (summary.GetProperty("in_progress").GetInt32(), summary.GetProperty("dormant").GetInt32(), summary.GetProperty("failed").GetInt32()));
        JsonElement a = doc.RootElement.GetProperty("customers")[0];
        Assert.Equal("a", a.GetProperty("customer_id").GetString());
        Assert.Equal("verify", a.GetProperty("stage_id").GetString());
        Assert.Equal("stuck", a.GetProperty("state").GetString());
        Assert.Equal(2 * 86400, a.GetProperty("overdue_by_seconds").GetInt64());
        JsonElement b = doc.RootElement.GetProperty("customers")[1];
        Assert.Equal("converted", b.GetProperty("state").GetString());
        Assert.Equal("fast", b.GetProperty("moments_of_truth")[0].GetProperty("moment_id").GetString());
        // Component ids are snake_case like every JSON name (issue 20; the default model's five, in order).
        Assert.Equal(["progress", "velocity", "effort", "moments_of_truth", "goal"], b.GetProperty("breakdown").EnumerateArray().Select(c => c.GetProperty("component").GetString()));
        double score = b.GetProperty("score").GetDouble();
        Assert.InRange(score, 0, 100);
    }

    [Fact]
    public void Score_Json_HasPerCustomerConformance()
    {
        // apply allows only verify next. b: apply → done skips verify: aligning needs one model move (verify) or one log
        // move (done); the synchronous path is taken → cost 1 of 2 visits, fitness 0.5, "skipped_stage verify". c: apply,
        // an out-of-path "chat", verify → fitness 1, the chat listed once.
        string journey = Temp("j.json", Journey.Replace("\"standardTime\": \"2d\" }", "\"standardTime\": \"2d\", \"next\": [\"verify\"] }", StringComparison.Ordinal));
        string events = Temp("e.csv", """
            customer_id,touchpoint,timestamp,channel
            b,form,2026-01-01T00:00:00Z,web
            b,active,2026-01-01T05:00:00Z,mobile
            c,form,2026-01-01T00:00:00Z,web
            c,chat,2026-01-01T01:00:00Z,web
            c,upload,2026-01-01T02:00:00Z,mobile
            """);
        CliRun run = CliRunner.Run("score", "--journey", journey, "--events", events, "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement b = doc.RootElement.GetProperty("customers")[0].GetProperty("conformance");
        Assert.Equal(0.5, b.GetProperty("fitness").GetDouble());
        Assert.Equal(2, b.GetProperty("stage_visits").GetInt32());
        JsonElement skip = Assert.Single(b.GetProperty("deviations").EnumerateArray());
        Assert.Equal(("skipped_stage", "verify", "apply", "2026-01-01T05:00:00Z"), (skip.GetProperty("kind").GetString(), skip.GetProperty("stage").GetString(), skip.GetProperty("from").GetString(), skip.GetProperty("at").GetString()));
        JsonElement c = doc.RootElement.GetProperty("customers")[1].GetProperty("conformance");
        Assert.Equal(1.0, c.GetProperty("fitness").GetDouble());
        Assert.Equal(1, c.GetProperty("out_of_path_events").GetInt32());
        JsonElement chat = Assert.Single(c.GetProperty("deviations").EnumerateArray());
        Assert.Equal(("out_of_path_touchpoint", "chat", 1), (chat.GetProperty("kind").GetString(), chat.GetProperty("touchpoint").GetString(), chat.GetProperty("count").GetInt32()));
    }

    [Fact]
    public void Score_AsOf_IgnoresLaterEvents_AndUsesTheEventTimestampParser()
    {
        // b reaches the goal at 05:00; as of 04:00 b is in progress and its later event is ignored (issue 14: never "goal"
        // before the event that makes it so). A culture-dependent instant is refused with the event files' message.
        string journey = Temp("j.json", Journey);
        string events = Temp("e.csv", "customer_id,touchpoint,timestamp\nb,form,2026-01-01T00:00:00Z\nb,active,2026-01-01T05:00:00Z\n");
        CliRun run = CliRunner.Run("score", "-j", journey, "-e", events, "--as-of", "2026-01-01T04:00:00Z", "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal("in_progress", doc.RootElement.GetProperty("customers")[0].GetProperty("state").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("summary").GetProperty("converted").GetInt32());

        CliRun ambiguous = CliRunner.Run("score", "-j", journey, "-e", events, "--as-of", "01/02/2026 10:00");
        Assert.Equal(2, ambiguous.Exit);
        Assert.Contains("--as-of: '01/02/2026 10:00' is not an ISO-8601 timestamp", ambiguous.Err, StringComparison.Ordinal);
        CliRun local = CliRunner.Run("score", "-j", journey, "-e", events, "--as-of", "2026-01-01T04:00:00");
        Assert.Equal(2, local.Exit);
        Assert.Contains("has no UTC offset", local.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_Table_OneCustomer()
    {
        string journey = Temp("j.json", Journey);
        string events = Temp("e.csv", "customer_id,touchpoint,timestamp\na,form,0\nb,form,0\n");
        CliRun run = CliRunner.Run("score", "-j", journey, "-e", events, "--customer", "b");
        Assert.Equal(0, run.Exit);
        Assert.Contains("1 customers as of", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\na ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_InvalidJourney_ExitOneWithPaths()
    {
        string journey = Temp("j.json", Journey.Replace("\"touchpoints\": [\"upload\"]", "\"touchpoints\": [\"uplod\"]", StringComparison.Ordinal));
        string events = Temp("e.csv", "customer_id,touchpoint,timestamp\na,form,0\n");
        CliRun run = CliRunner.Run("score", "-j", journey, "-e", events);
        Assert.Equal(1, run.Exit);
        Assert.Contains("stages[1].touchpoints[0]: unknown touchpoint 'uplod' (did you mean 'upload'?)", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_BadAsOf_ExitTwo()
    {
        string journey = Temp("j.json", Journey);
        string events = Temp("e.csv", "customer_id,touchpoint,timestamp\na,form,0\n");
        Assert.Equal(2, CliRunner.Run("score", "-j", journey, "-e", events, "--as-of", "tomorrow").Exit);
    }

    [Fact]
    public void Score_BundledSample_Works()
    {
        CliRun run = CliRunner.Run("score", "-j", TestPaths.BankJourney, "-e", TestPaths.Sample("retail-bank-account-opening.events.csv"), "--format", "json");
        Assert.Equal(0, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.True(doc.RootElement.GetProperty("summary").GetProperty("customers").GetInt32() > 100);
    }
}
