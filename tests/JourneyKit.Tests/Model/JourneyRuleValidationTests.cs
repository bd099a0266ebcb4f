using System.Text.Json.Nodes;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;

namespace JourneyKit.Tests.Model;

/// <summary>
/// One rule model, one validator (issue 20): each invalid rule is fed through a journey's JSON, the journey builder
/// (<see cref="JourneyBuilder.Rule"/>) and the orchestration engine's constructor, and all three report the same
/// problem code at the same path.
/// </summary>
public sealed class JourneyRuleValidationTests
{
    /// <summary>The journey every row adds its rules to: apply → verify → active (goal), one moment of truth, custom channel "kiosk".</summary>
    private const string JourneyJsonText = """
        {
          "id": "onboarding",
          "channels": ["kiosk"],
          "touchpoints": [
            { "id": "form.start", "channel": "web" }, { "id": "id.upload", "channel": "mobile" }, { "id": "first.login", "channel": "kiosk" }
          ],
          "stages": [
            { "id": "apply", "touchpoints": ["form.start"], "standardTime": "2d", "next": ["verify"] },
            { "id": "verify", "touchpoints": ["id.upload"], "standardTime": "1d", "next": ["active"] },
            { "id": "active", "touchpoints": ["first.login"], "isGoal": true }
          ],
          "momentsOfTruth": [ { "id": "upload-retry", "pattern": "id.upload id.upload", "outcome": "negative" } ]
        }
        """;

    /// <summary>Each invalid rule set: the JSON <c>rules</c> array, the same rules built in code, and the expected (code, path)s in order.</summary>
    private static readonly Dictionary<string, (string Json, Func<JourneyRule[]> Code, (string Code, string Path)[] Problems)> Rows = new()
    {
        ["unknown stage"] = (
            """[{ "name": "r", "when": "entered", "stage": "verfy", "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenEntered("verfy").Then("x", Channel.None).Build()],
            [("JK0105", "rules[0].stage")]),
        ["unknown stage of a stuck rule"] = (
            """[{ "name": "r", "when": "stuck", "stage": "nope", "fraction": 0.5, "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenStuck("nope", 0.5).Then("x", Channel.None).Build()],
            [("JK0105", "rules[0].stage")]),
        ["unknown moment of truth"] = (
            """[{ "name": "r", "when": "momentOfTruth", "momentOfTruth": "upload-retyr", "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenMomentOfTruth(null, "upload-retyr").Then("x", Channel.None).Build()],
            [("JK0122", "rules[0].momentOfTruth")]),
        ["duplicate name"] = (
            """[{ "name": "r", "when": "entered", "then": "x" }, { "name": "r", "when": "left", "then": "y" }]""",
            () => [JourneyRule.Create("r").WhenEntered(null).Then("x", Channel.None).Build(), JourneyRule.Create("r").WhenLeft(null).Then("y", Channel.None).Build()],
            [("JK0102", "rules[1].name")]),
        ["empty name"] = (
            """[{ "name": "", "when": "entered", "then": "x" }]""",
            () => [JourneyRule.Create("").WhenEntered(null).Then("x", Channel.None).Build()],
            [("JK0101", "rules[0].name")]),
        ["empty intervention"] = (
            """[{ "name": "r", "when": "entered", "then": " " }]""",
            () => [JourneyRule.Create("r").WhenEntered(null).Then(" ", Channel.None).Build()],
            [("JK0101", "rules[0].then")]),
        ["undeclared channel"] = (
            """[{ "name": "r", "when": "entered", "then": "x", "channel": "fax" }]""",
            () => [JourneyRule.Create("r").WhenEntered(null).Then("x", new Channel("fax")).Build()],
            [("JK0104", "rules[0].channel")]),
        ["pattern that does not parse"] = (
            """[{ "name": "r", "when": "pattern", "pattern": "form.start ((", "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenPattern("form.start ((").Then("x", Channel.None).Build()],
            [("JK0115", "rules[0].pattern")]),
        ["empty pattern"] = (
            """[{ "name": "r", "when": "pattern", "pattern": "", "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenPattern(string.Empty).Then("x", Channel.None).Build()],
            [("JK0101", "rules[0].pattern")]),
        ["risk threshold above 1"] = (
            """[{ "name": "r", "when": "risk", "threshold": 1.5, "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenRiskAtLeast(1.5).Then("x", Channel.None).Build()],
            [("JK0122", "rules[0].threshold")]),
        ["risk threshold 0"] = (
            """[{ "name": "r", "when": "risk", "threshold": 0, "stage": "verify", "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenRiskAtLeast(0, "verify").Then("x", Channel.None).Build()],
            [("JK0122", "rules[0].threshold")]),
        ["stuck fraction not positive"] = (
            """[{ "name": "r", "when": "stuck", "stage": "verify", "fraction": -1, "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenStuck("verify", -1).Then("x", Channel.None).Build()],
            [("JK0122", "rules[0].fraction")]),
        ["stuck fraction 0"] = (
            """[{ "name": "r", "when": "stuck", "fraction": 0, "then": "x" }]""",
            () => [JourneyRule.Create("r").WhenStuck(null, 0).Then("x", Channel.None).Build()],
            [("JK0122", "rules[0].fraction")]),
        ["negative cooldown"] = (
            """[{ "name": "r", "when": "entered", "then": "x", "cooldown": "-1d" }]""",
            () => [JourneyRule.Create("r").WhenEntered(null).Then("x", Channel.None).WithCooldown(TimeSpan.FromDays(-1)).Build()],
            [("JK0110", "rules[0].cooldown")]),
        ["cap without period"] = (
            """[{ "name": "r", "when": "entered", "then": "x", "maxPerPeriod": 2 }]""",
            () => [JourneyRule.Create("r").WhenEntered(null).Then("x", Channel.None).WithFrequencyCap(2, TimeSpan.Zero).Build()],
            [("JK0122", "rules[0].maxPerPeriod")]),
        ["negative cap"] = (
            """[{ "name": "r", "when": "entered", "then": "x", "maxPerPeriod": -1, "capPeriod": "1d" }]""",
            () => [JourneyRule.Create("r").WhenEntered(null).Then("x", Channel.None).WithFrequencyCap(-1, TimeSpan.FromDays(1)).Build()],
            [("JK0122", "rules[0].maxPerPeriod")]),
        ["several faults, second rule"] = (
            """[{ "name": "ok", "when": "entered", "then": "x" }, { "name": "ok", "when": "risk", "stage": "actve", "threshold": 2, "then": "", "channel": "fax" }]""",
            () =>
            [
                JourneyRule.Create("ok").WhenEntered(null).Then("x", Channel.None).Build(),
                JourneyRule.Create("ok").WhenRiskAtLeast(2, "actve").Then(string.Empty, new Channel("fax")).Build(),
            ],
            [("JK0102", "rules[1].name"), ("JK0101", "rules[1].then"), ("JK0105", "rules[1].stage"), ("JK0122", "rules[1].threshold"), ("JK0104", "rules[1].channel")]),
    };

    public static TheoryData<string> RowNames => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(RowNames))]
    public void InvalidRule_JsonBuilderAndEngine_SameCodeAndPath(string row)
    {
        (string json, Func<JourneyRule[]> code, (string Code, string Path)[] expected) = Rows[row];

        var fromJson = Assert.Throws<JourneyValidationException>(() => JourneyJson.Load(WithRules(json)));
        Assert.Equal(expected, fromJson.Problems.Select(p => (p.Code, p.Path)));

        var fromBuilder = Assert.Throws<JourneyValidationException>(() => WithBuilderRules(code()).Build());
        Assert.Equal(expected, fromBuilder.Problems.Select(p => (p.Code, p.Path)));

        CompiledJourney compiled = JourneyJson.Load(JourneyJsonText).Compile();
        var fromEngine = Assert.Throws<JourneyValidationException>(() =>
        {
            _ = new JourneyEngine(compiled, new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), code());
        });
        Assert.Equal(expected, fromEngine.Problems.Select(p => (p.Code, p.Path)));

        // The builder and the engine run the same validator on the same rules: the messages match too.
        Assert.Equal(fromBuilder.Problems, fromEngine.Problems);
    }

    [Fact]
    public void ValidRules_JsonBuilderAndCode_AreTheSameRules()
    {
        const string json = """
            [{ "name": "nudge", "when": "stuck", "stage": "verify", "fraction": 0.8, "then": "verify-reminder", "channel": "sms",
               "template": "tpl", "parameters": { "link": "app://verify", "a": "1" }, "priority": 3, "cooldown": "1d", "maxPerPeriod": 2, "capPeriod": "7d" },
             { "name": "risky", "when": "risk", "threshold": 0.7, "then": "assist", "channel": "kiosk", "suppressWhenProgressed": false },
             { "name": "retry", "when": "pattern", "pattern": "id.upload id.upload", "then": "help" }]
            """;
        JourneyRule[] code =
        [
            JourneyRule.Create("nudge").WhenStuck("verify", 0.8).Then("verify-reminder", Channel.Sms, "tpl")
                .WithParameter("link", "app://verify").WithParameter("a", "1").WithPriority(3)
                .WithCooldown(TimeSpan.FromDays(1)).WithFrequencyCap(2, TimeSpan.FromDays(7)).Build(),
            JourneyRule.Create("risky").WhenRiskAtLeast(0.7).Then("assist", new Channel("kiosk")).SuppressWhenProgressed(false).Build(),
            JourneyRule.Create("retry").WhenPattern("id.upload id.upload").Then("help", Channel.None).Build(),
        ];

        Journey loaded = JourneyJson.Load(WithRules(json));
        Journey built = WithBuilderRules(code).Build();
        Assert.Equal(code, loaded.Rules);
        Assert.Equal(loaded, built);
        Assert.Equal(loaded, JourneyJson.Load(JourneyJson.Save(loaded))); // saved and loaded again: the same rules
        Assert.Equal(["a", "link"], loaded.Rules[0].Then.Parameters.Keys); // ordinal key order

        // The engine runs the journey's own rules as they are.
        var engine = new JourneyEngine(loaded.Compile(), new InMemoryJourneyStore(), new RecordingInterventionDispatcher(), loaded.Rules);
        Assert.Equal(code, engine.Rules);
    }

    [Fact]
    public void Build_WithoutTriggerOrIntervention_ThrowsInvalidOperation()
    {
        var noTrigger = Assert.Throws<InvalidOperationException>(() => JourneyRule.Create("r").Then("x", Channel.Email).Build());
        Assert.Contains("'r'", noTrigger.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => JourneyRule.Create("r").WhenEntered(null).Build());
    }

    [Fact]
    public void Journey_Test_BuilderEqualsJson()
    {
        Assert.Equal(JourneyJson.Load(JourneyJsonText), WithBuilderRules([]).Build());
    }

    /// <summary>The journey's JSON with <paramref name="rulesJson"/> as its <c>rules</c>.</summary>
    private static string WithRules(string rulesJson)
    {
        JsonObject journey = JsonNode.Parse(JourneyJsonText)!.AsObject();
        journey["rules"] = JsonNode.Parse(rulesJson);
        return journey.ToJsonString();
    }

    /// <summary>The same journey as <see cref="JourneyJsonText"/>, built in code, with <paramref name="rules"/>.</summary>
    private static JourneyBuilder WithBuilderRules(JourneyRule[] rules)
    {
        JourneyBuilder builder = new JourneyBuilder("onboarding")
            .Channel(new Channel("kiosk"))
            .Touchpoint("form.start", Channel.Web)
            .Touchpoint("id.upload", Channel.Mobile)
            .Touchpoint("first.login", new Channel("kiosk"))
            .Stage("apply", s => s.Touchpoints("form.start").StandardTime(TimeSpan.FromDays(2)).Next("verify"))
            .Stage("verify", s => s.Touchpoints("id.upload").StandardTime(TimeSpan.FromDays(1)).Next("active"))
            .Stage("active", s => s.Touchpoints("first.login").Goal())
            .MomentOfTruth("upload-retry", "id.upload id.upload", MomentOfTruthOutcome.Negative);
        foreach (JourneyRule rule in rules)
        {
            builder.Rule(rule);
        }

        return builder;
    }
}
