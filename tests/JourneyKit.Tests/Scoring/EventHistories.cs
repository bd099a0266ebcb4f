using FsCheck;
using FsCheck.Fluent;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// A shared FsCheck generator of customer histories: (customer, touchpoint index, time unit) triples. Arrays shrink towards
/// fewer events and each triple towards customer 0, the first touchpoint and time 0, so a counterexample ends small.
/// </summary>
internal static class EventHistories
{
    public static Arbitrary<(int Customer, int Touchpoint, int Time)[]> Of(int customers, int touchpoints, int maxTime) =>
        (from customer in Gen.Choose(0, customers - 1)
         from touchpoint in Gen.Choose(0, touchpoints - 1)
         from time in Gen.Choose(0, maxTime)
         select (customer, touchpoint, time))
            .ArrayOf()
            .ToArbitrary();
}
