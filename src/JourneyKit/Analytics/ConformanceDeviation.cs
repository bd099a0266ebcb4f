namespace JourneyKit.Analytics;

/// <summary>One deviation of a run from the designed journey (<see cref="CustomerConformance.Deviations"/>).</summary>
/// <param name="Kind">The kind of deviation.</param>
/// <param name="Subject">The stage skipped, the stage entered by the disallowed move, or the out-of-path touchpoint.</param>
/// <param name="From">The stage the run was in before (the previous stage visit), or null at the start of the run; null
/// for out-of-path touchpoints.</param>
/// <param name="At">When: the entry into the stage visit after the skip, the entry into the disallowed stage visit, or the
/// first event on the out-of-path touchpoint.</param>
/// <param name="Count">1 for a skipped stage or a disallowed transition; the number of events on an out-of-path
/// touchpoint.</param>
public sealed record ConformanceDeviation(ConformanceDeviationKind Kind, string Subject, string? From, DateTimeOffset At, int Count);
