using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using static JourneyKit.Tests.Orchestration.StepFixtures;

namespace JourneyKit.Tests.Orchestration;

/// <summary>An intervention fired by a risk rule records the probability that fired it and the model's version, and the stored state keeps both.</summary>
public sealed class RiskInterventionTests
{
    /// <summary>0.8 from 6 hours in the stage on, 0 before; version "test-model/7".</summary>
    private sealed class StepRisk : RiskEstimator
    {
        public override double Estimate(CompiledJourney journey, JourneyInstance instance, TimeSpan timeInStage) => timeInStage >= TimeSpan.FromHours(6) ? 0.8 : 0;

        public override string? ModelVersion => "test-model/7";
    }

    [Fact]
    public void RiskRule_RecordsTheProbabilityAndTheModelVersion_AndTheStoredStateKeepsThem()
    {
        // verify entered at T0 + 1h; at T0 + 8h the run is 7 h in the stage: the estimate is 0.8 ≥ 0.5, the risk rule fires
        // (occurrence at the instant it was found due) with 0.8 and the estimator's version; the entered rule carries none.
        JourneyRule[] rules =
        [
            JourneyRule.Create("risky").WhenRiskAtLeast(0.5, "verify").Then("assist", Channel.Chat).Build(),
            JourneyRule.Create("welcome").WhenEntered("verify").Then("guide", Channel.Email).Build(),
        ];
        JourneyStep step = JourneyStep.Create(Onboarding, rules, new OrchestrationOptions { RiskEstimator = new StepRisk() });
        JourneyKit.Events.JourneyEvent[] events = [Event("ada", "form.start", T0, "e1"), Event("ada", "id.upload", T0.AddHours(1), "e2")];
        StepResult r = step.Run(step.CreateState("ada"), StepInput.WholeLog(events), T0.AddHours(8));

        Intervention risky = Assert.Single(r.Interventions, i => i.Rule == "risky");
        Assert.Equal((0.8, "test-model/7"), (risky.Risk, risky.RiskModel));
        Intervention welcome = Assert.Single(r.Interventions, i => i.Rule == "welcome");
        Assert.Equal((null, null), (welcome.Risk, welcome.RiskModel));

        CustomerState stored = CustomerState.Deserialize(r.State.Serialize());
        Assert.Equal(
            r.State.Outbox.Select(p => (p.Intervention.Rule, p.Intervention.Risk, p.Intervention.RiskModel)).OrderBy(x => x.Rule, StringComparer.Ordinal),
            stored.Outbox.Select(p => (p.Intervention.Rule, p.Intervention.Risk, p.Intervention.RiskModel)).OrderBy(x => x.Rule, StringComparer.Ordinal));
        Assert.Contains(stored.Outbox, p => p.Intervention.Risk == 0.8 && p.Intervention.RiskModel == "test-model/7");
    }
}
