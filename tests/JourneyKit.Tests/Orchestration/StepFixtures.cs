using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Tests.Shared;

namespace JourneyKit.Tests.Orchestration;

/// <summary>
/// The onboarding journey of the step tests — apply (2 days) → verify (1 day) → active (goal) / declined (failure), two
/// moments of truth — its rules, and the golden state fixtures.
/// </summary>
internal static class StepFixtures
{
    public static readonly DateTimeOffset T0 = OnboardingJourney.T0;

    /// <summary>The shared onboarding journey (tests/Shared/OnboardingJourney.cs).</summary>
    public static CompiledJourney Onboarding => OnboardingJourney.Compiled;

    /// <summary>The rules of the golden fixtures (the same as those that wrote the format-2 fixture).</summary>
    public static JourneyRule[] FixtureRules { get; } =
    [
        JourneyRule.Create("verify-entered").WhenEntered("verify").Then("verify-guide", Channel.Email, templateId: "tpl-guide").WithParameter("link", "app://verify").WithPriority(2).Build(),
        JourneyRule.Create("apply-stuck").WhenStuck("apply", 0.5).Then("apply-reminder", Channel.Sms).Build(),
        JourneyRule.Create("retry-upload").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("upload-help", Channel.Chat).WithCooldown(TimeSpan.FromHours(6)).WithFrequencyCap(2, TimeSpan.FromDays(7)).Build(),
        JourneyRule.Create("called").WhenPattern("help.call").Then("follow-up", Channel.Email).Build(),
    ];

    /// <summary>The events of the golden fixtures: apply, two uploads (a negative moment of truth), a help call.</summary>
    public static JourneyEvent[] FixtureEvents { get; } =
    [
        new("ada", "form.start", T0, Channel.Web) { EventId = "e1" },
        new("ada", "id.upload", T0.AddHours(1), Channel.Mobile) { EventId = "e2" },
        new("ada", "id.upload", T0.AddHours(2), Channel.Mobile) { EventId = "e3" },
        new("ada", "help.call", T0.AddHours(2), Channel.Voice) { EventId = "e4" },
    ];

    public static JourneyEvent Event(string customer, string touchpoint, DateTimeOffset at, string? id = null) => OnboardingJourney.Event(customer, touchpoint, at, id);

    /// <summary>Reads a golden CustomerState fixture of Orchestration/Fixtures (see <see cref="GoldenBytes"/>).</summary>
    public static byte[] ReadHex(string name) => GoldenBytes.Read(Path.Combine("Orchestration", "Fixtures", name));

    public static string Hours(DateTimeOffset t) => (t - T0).TotalHours.ToString(CultureInfo.InvariantCulture);
}
