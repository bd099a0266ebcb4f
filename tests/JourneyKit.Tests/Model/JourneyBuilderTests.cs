using JourneyKit.Model;

namespace JourneyKit.Tests.Model;

public sealed class JourneyBuilderTests
{
    [Fact]
    public void Build_ValidJourney_DeclaresReferencedTouchpoints()
    {
        Journey journey = new JourneyBuilder("onboarding")
            .Touchpoint("form.start", Channel.Web)
            .Stage("apply", s => s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)))
            .Stage("active", s => s.Touchpoints("first.login").Goal())
            .Build();

        Assert.Equal(["form.start", "form.submit", "first.login"], journey.Touchpoints.Select(t => t.Id));
        Assert.Equal(Channel.Web, journey.Touchpoints[0].Channel);
        Assert.True(journey.Touchpoints[1].Channel.IsNone);
        Assert.Equal(TimeSpan.FromDays(2), journey.Stages[0].StandardTime);
        Assert.True(journey.Stages[1].IsGoal);
        Assert.Empty(journey.Validate());
    }

    [Fact]
    public void Build_Invalid_ThrowsWithEveryProblem()
    {
        var builder = new JourneyBuilder("j")
            .Stage("a", s => s.Touchpoints("x"))              // no standard time
            .Stage("a", s => s.Touchpoints("y").StandardTime(TimeSpan.FromHours(1)).Next("zz")); // duplicate id, unknown next, no goal

        var ex = Assert.Throws<JourneyValidationException>(() => builder.Build());

        Assert.Contains(ex.Problems, p => p.Path == "stages[0].standardTime" && p.Code == "JK0110");
        Assert.Contains(ex.Problems, p => p.Path == "stages[1].id" && p.Code == "JK0102");
        Assert.Contains(ex.Problems, p => p.Path == "stages[1].next[0]" && p.Code == "JK0105");
        Assert.Contains(ex.Problems, p => p.Path == "stages" && p.Code == "JK0107");
        Assert.Throws<InvalidOperationException>(() => builder.Stage("late"));
    }

    [Fact]
    public void Persona_Rule_EvaluatesOperators()
    {
        var rule = new PersonaRule(new[]
        {
            new AttributeRule("age", RuleOperator.Lt, new[] { "35" }),
            new AttributeRule("segment", RuleOperator.In, new[] { "switcher", "premium" }),
        });

        Assert.True(rule.Matches(new Dictionary<string, string> { ["age"] = "34.5", ["segment"] = "premium" }));
        Assert.False(rule.Matches(new Dictionary<string, string> { ["age"] = "35", ["segment"] = "premium" }));
        Assert.False(rule.Matches(new Dictionary<string, string> { ["age"] = "young", ["segment"] = "premium" }));
        Assert.False(rule.Matches(new Dictionary<string, string> { ["segment"] = "premium" }));
        Assert.True(PersonaRule.Always.Matches(new Dictionary<string, string>()));
    }
}
