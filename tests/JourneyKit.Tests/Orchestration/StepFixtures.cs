using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Orchestration;

/// <summary>
/// The onboarding journey of the step tests — apply (2 days) → verify (1 day) → active (goal) / declined (failure), two
/// moments of truth — its rules, and the golden state fixtures.
/// </summary>
internal static class StepFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static CompiledJourney Onboarding { get; } = new JourneyBuilder("onboarding")
        .Touchpoint("form.start", Channel.Web)
        .Touchpoint("form.submit", Channel.Web)
        .Touchpoint("id.upload", Channel.Mobile)
        .Touchpoint("id.check", Channel.Web)
        .Touchpoint("first.login", Channel.Mobile)
        .Touchpoint("rejected", Channel.Email)
        .Touchpoint("help.call", Channel.Voice)
        .Stage("apply", s => s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)))
        .Stage("verify", s => s.Touchpoints("id.upload", "id.check").StandardTime(TimeSpan.FromDays(1)))
        .Stage("active", s => s.Touchpoints("first.login").Goal())
        .Stage("declined", s => s.Touchpoints("rejected").Failure())
        .MomentOfTruth("upload-retry", "id.upload id.upload", MomentOfTruthOutcome.Negative)
        .MomentOfTruth("activated", "first.login", MomentOfTruthOutcome.Positive)
        .Build()
        .Compile();

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

    public static JourneyEvent Event(string customer, string touchpoint, DateTimeOffset at, string? id = null) =>
        new(customer, touchpoint, at) { EventId = id ?? $"{customer}/{touchpoint}/{at.UtcTicks}" };

    /// <summary>Reads a golden CustomerState fixture of Orchestration/Fixtures (see <see cref="GoldenBytes"/>).</summary>
    public static byte[] ReadHex(string name) => GoldenBytes.Read(Path.Combine("Orchestration", "Fixtures", name));

    public static string Hours(DateTimeOffset t) => (t - T0).TotalHours.ToString(CultureInfo.InvariantCulture);
}
