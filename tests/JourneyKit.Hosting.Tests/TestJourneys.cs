using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Hosting.Tests;

/// <summary>A small onboarding journey: apply (2 days) → verify (1 day) → active (goal) / declined (failure).</summary>
internal static class TestJourneys
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

    public static JourneyEvent Event(string customer, string touchpoint, DateTimeOffset at, string? id = null) =>
        new(customer, touchpoint, at) { EventId = id ?? $"{customer}/{touchpoint}/{at.UtcTicks}" };

    public static JourneyEngine Engine(JourneyStore store, InterventionDispatcher dispatcher, TimeProvider time, OrchestrationOptions? options = null, params JourneyRule[] rules) =>
        new(Onboarding, store, dispatcher, rules, options, timeProvider: time);

    public static FakeTimeProvider Clock() => new(T0);
}
