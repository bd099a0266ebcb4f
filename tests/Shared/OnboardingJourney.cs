using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Shared;

/// <summary>
/// The onboarding journey the orchestration tests share (linked into JourneyKit.Tests, JourneyKit.Hosting.Tests,
/// JourneyKit.Storage.PostgreSql.Tests and JourneyKit.Orleans.Tests; public API only): apply (2 days) → verify (1 day) →
/// active (goal) / declined (failure), a negative moment of truth on a repeated upload and a positive one on the first
/// login. The golden CustomerState and JourneyInstance fixtures (JourneyKit.Tests/Orchestration/Fixtures,
/// Scoring/Fixtures) were written with it: change it only together with them.
/// </summary>
internal static class OnboardingJourney
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static CompiledJourney Compiled { get; } = new JourneyBuilder("onboarding")
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

    /// <summary>An event with a deterministic id (customer/touchpoint/ticks) unless one is given.</summary>
    public static JourneyEvent Event(string customer, string touchpoint, DateTimeOffset at, string? id = null) =>
        new(customer, touchpoint, at) { EventId = id ?? $"{customer}/{touchpoint}/{at.UtcTicks}" };
}
