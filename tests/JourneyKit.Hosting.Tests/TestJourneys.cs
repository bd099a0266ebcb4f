using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using JourneyKit.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Hosting.Tests;

/// <summary>A small onboarding journey: apply (2 days) → verify (1 day) → active (goal) / declined (failure).</summary>
internal static class TestJourneys
{
    public static readonly DateTimeOffset T0 = OnboardingJourney.T0;

    /// <summary>The shared onboarding journey (tests/Shared/OnboardingJourney.cs).</summary>
    public static CompiledJourney Onboarding => OnboardingJourney.Compiled;

    public static JourneyEvent Event(string customer, string touchpoint, DateTimeOffset at, string? id = null) => OnboardingJourney.Event(customer, touchpoint, at, id);

    public static JourneyEngine Engine(JourneyStore store, InterventionDispatcher dispatcher, TimeProvider time, OrchestrationOptions? options = null, params JourneyRule[] rules) =>
        new(Onboarding, store, dispatcher, rules, options, timeProvider: time);

    public static FakeTimeProvider Clock() => new(T0);
}
