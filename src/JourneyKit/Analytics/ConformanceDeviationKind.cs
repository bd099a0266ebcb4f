namespace JourneyKit.Analytics;

/// <summary>The kinds of deviation from the designed journey that <see cref="ConformanceChecker"/> reports.</summary>
public enum ConformanceDeviationKind
{
    /// <summary>
    /// A stage the design requires between two stage visits (or before the first one) that the run never visited: a model
    /// move of the optimal alignment.
    /// </summary>
    SkippedStage = 0,

    /// <summary>
    /// A stage visit the design does not allow at that point — entered by a move the stages' <c>next</c> lists do not allow
    /// (or a first stage other than the journey's first stage): a log move of the optimal alignment.
    /// </summary>
    DisallowedTransition = 1,

    /// <summary>Events on a touchpoint that belongs to no stage (not in the catalog, or in no stage's touchpoints).</summary>
    OutOfPathTouchpoint = 2,
}
