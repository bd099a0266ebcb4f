namespace JourneyKit.Analytics;

/// <summary>
/// How one run fits the designed journey (<see cref="ConformanceChecker"/>): its alignment-based fitness and the
/// deviations of an optimal alignment, in time order.
/// </summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Run">The run number (1 unless the journey allows re-entry).</param>
/// <param name="StageVisits">The length n of the run's stage trace (consecutive events in one stage are one visit).</param>
/// <param name="AlignmentCost">The cost of an optimal alignment of the stage trace with the design: skipped stages plus
/// disallowed visits, each costing 1.</param>
/// <param name="Fitness">1 − <paramref name="AlignmentCost"/> / n, in [0, 1]; 1 when the stage path is one the design
/// allows; null when the run has no stage visit.</param>
/// <param name="OutOfPathEvents">Events on touchpoints that belong to no stage (not part of the fitness).</param>
/// <param name="Deviations">Skipped stages and disallowed transitions of the alignment, then out-of-path touchpoints
/// (listed only when the run's events were given), each group in time order.</param>
public sealed record CustomerConformance(
    string CustomerId,
    int Run,
    int StageVisits,
    int AlignmentCost,
    double? Fitness,
    int OutOfPathEvents,
    IReadOnlyList<ConformanceDeviation> Deviations);
