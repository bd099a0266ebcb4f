using FsCheck;
using FsCheck.Fluent;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// Customer histories as plain (customer, touchpoint index, time unit) triples, for tests that map them onto their own
/// journey's touchpoints and time scale (<see cref="History"/> is the richer one: duplicates, shuffles, channels). The
/// arrays shrink by FsCheck's array shrinker — fewer events, then each triple towards customer 0, the first touchpoint and
/// time 0 — so a counterexample ends small.
/// </summary>
internal static class EventHistories
{
    public static Arbitrary<(int Customer, int Touchpoint, int Time)[]> Of(int customers, int touchpoints, int maxTime) =>
        Arb.From(
            (from customer in Gen.Choose(0, customers - 1)
             from touchpoint in Gen.Choose(0, touchpoints - 1)
             from time in Gen.Choose(0, maxTime)
             select (customer, touchpoint, time)).ArrayOf(),
            ArbMap.Default.ArbFor<(int Customer, int Touchpoint, int Time)[]>().Shrinker);
}
