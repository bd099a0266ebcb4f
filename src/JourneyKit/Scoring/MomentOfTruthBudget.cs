using System.Globalization;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// The compile budget of a journey's moments of truth together (docs/limits.md): every event is stepped through every
/// moment's automaton and every customer keeps every moment's state, so work per event and memory per customer grow
/// with the sum over the moments. 5,000 moments made <c>score</c> take 28 s and 7.95 GB on 10,000 events.
/// </summary>
internal static class MomentOfTruthBudget
{
    /// <summary>The most moments of truth in one journey.</summary>
    public const int MaxMoments = 256;

    /// <summary>The most automaton states of all moments together (per-customer state: 12 bytes each).</summary>
    public const int MaxTotalStates = 4_096;

    /// <summary>The most automaton edges of all moments together (the work per event).</summary>
    public const int MaxTotalEdges = 16_384;

    /// <summary>Refuses more than <see cref="MaxMoments"/> moments, before any is compiled.</summary>
    public static void CheckCount(Journey journey)
    {
        if (journey.MomentsOfTruth.Count > MaxMoments)
        {
            throw Problem(MaxMoments, string.Create(CultureInfo.InvariantCulture, $"a journey has at most {MaxMoments:N0} moments of truth; this one has {journey.MomentsOfTruth.Count:N0}"));
        }
    }

    /// <summary>Refuses moments whose automata together pass <see cref="MaxTotalStates"/> or <see cref="MaxTotalEdges"/>,
    /// naming the first moment past the budget.</summary>
    public static void CheckTotals(CompiledPattern[] moments)
    {
        long states = 0, edges = 0;
        for (int m = 0; m < moments.Length; m++)
        {
            states += moments[m].StateCount;
            edges += moments[m].EdgeCount;
            if (states > MaxTotalStates || edges > MaxTotalEdges)
            {
                throw Problem(m, string.Create(CultureInfo.InvariantCulture,
                    $"the moments of truth up to this one need {states:N0} automaton states and {edges:N0} edges in all; the budget of a journey is {MaxTotalStates:N0} states and {MaxTotalEdges:N0} edges (the work per event and the state per customer)"));
            }
        }
    }

    private static JourneyValidationException Problem(int moment, string message) =>
        new([new JourneyProblem(JourneyProblemCodes.MomentsOverBudget, string.Create(CultureInfo.InvariantCulture, $"momentsOfTruth[{moment}]"), message)]);
}
