using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class JourneyRuleJsonTests
{
    private const string Json = """
        {
          "id": "onboarding",
          "touchpoints": [
            { "id": "form.start", "channel": "web" }, { "id": "id.upload", "channel": "mobile" }, { "id": "first.login", "channel": "mobile" }
          ],
          "stages": [
            { "id": "apply", "touchpoints": ["form.start"], "standardTime": "2d", "next": ["verify"] },
            { "id": "verify", "touchpoints": ["id.upload"], "standardTime": "1d", "next": ["active"] },
            { "id": "active", "touchpoints": ["first.login"], "isGoal": true }
          ],
          "momentsOfTruth": [ { "id": "upload-retry", "pattern": "id.upload id.upload", "outcome": "negative" } ],
          "rules": [
            { "name": "verify-nudge", "when": "stuck", "stage": "verify", "fraction": 0.5, "then": "verify-reminder", "channel": "sms",
              "template": "tpl-verify", "parameters": { "link": "app://verify" }, "priority": 3, "cooldown": "1d", "maxPerPeriod": 2, "capPeriod": "7d" },
            { "name": "retry-help", "when": "momentOfTruth", "outcome": "negative", "then": "upload-help", "channel": "chat", "suppressWhenProgressed": false }
          ]
        }
        """;

    [Fact]
    public void Load_Rules_ParsedAndRoundTrip()
    {
        Journey journey = JourneyJson.Load(Json);
        Assert.Equal(2, journey.Rules.Count);
        JourneyRule nudge = journey.Rules[0];
        Assert.Equal((RuleTriggerKind.StuckInStage, "verify", 0.5, "verify-reminder", "sms", "tpl-verify", 3), (nudge.When.Kind, nudge.When.Stage, nudge.When.StandardTimeFraction, nudge.Then.Name, nudge.Then.Channel.Name, nudge.Then.TemplateId, nudge.Priority));
        Assert.Equal((TimeSpan.FromDays(1), 2, TimeSpan.FromDays(7), true), (nudge.Cooldown, nudge.MaxPerPeriod, nudge.CapPeriod, nudge.SuppressWhenProgressed));
        Assert.Equal([new KeyValuePair<string, string>("link", "app://verify")], nudge.Then.Parameters);
        Assert.Equal((RuleTriggerKind.MomentOfTruth, (MomentOfTruthOutcome?)MomentOfTruthOutcome.Negative, false), (journey.Rules[1].When.Kind, journey.Rules[1].When.Outcome, journey.Rules[1].SuppressWhenProgressed));
        Assert.Equal(journey, JourneyJson.Load(JourneyJson.Save(journey)));
    }

    [Fact]
    public void Validate_BadRules_EveryProblemWithPath()
    {
        string json = Json.Replace("\"stage\": \"verify\", \"fraction\": 0.5", "\"stage\": \"verfy\", \"fraction\": -1", StringComparison.Ordinal)
            .Replace("\"name\": \"retry-help\", \"when\": \"momentOfTruth\", \"outcome\": \"negative\"", "\"name\": \"verify-nudge\", \"when\": \"risk\", \"momentOfTruth\": \"nope\"", StringComparison.Ordinal)
            .Replace("\"maxPerPeriod\": 2, ", string.Empty, StringComparison.Ordinal);
        var e = Assert.Throws<JourneyValidationException>(() => JourneyJson.Load(json));
        Assert.Equal(
            ["rules[0].fraction", "rules[0].maxPerPeriod", "rules[0].stage", "rules[1].momentOfTruth", "rules[1].name", "rules[1].threshold"],
            e.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Contains(e.Problems, p => p.Path == "rules[0].stage" && p.Message.Contains("did you mean 'verify'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddOrchestration_JourneyRules_FireWithCodeRules()
    {
        var sent = new RecordingInterventionDispatcher();
        var clock = Clock();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddJourneyKit().AddJourney(JourneyJson.Load(Json))
            .AddOrchestration(o => o.AddRule(JourneyRule.Create("code").WhenEntered("verify").Then("hello", Channel.Email).Build()).UseDispatcher(sent));
        using ServiceProvider sp = services.BuildServiceProvider();
        JourneyEngine engine = sp.GetRequiredService<JourneyEngine>();
        Assert.Equal(["verify-nudge", "retry-help", "code"], engine.Rules.Select(r => r.Name));

        await engine.IngestAsync(Event("ada", "form.start", T0));
        await engine.IngestAsync(Event("ada", "id.upload", T0.AddHours(1)));
        clock.SetUtcNow(T0.AddHours(13)); // verify entered at 1 h; 0.5 × 1 day = 12 h
        await engine.TickAsync();
        Assert.Equal(["code", "verify-nudge"], sent.Attempts.Select(a => a.Rule));
        Assert.Equal("tpl-verify", sent.Attempts.Last().TemplateId);
    }
}
