namespace JourneyKit.Analytics;

/// <summary>One step of a <see cref="SurvivalCurve"/>: the share still without the event just after <paramref name="Time"/>.</summary>
/// <param name="Time">The event time.</param>
/// <param name="Survival">S(t): the estimated share without the event after <paramref name="Time"/>.</param>
/// <param name="AtRisk">Observations still at risk just before <paramref name="Time"/>.</param>
/// <param name="Events">Events at <paramref name="Time"/>.</param>
public readonly record struct SurvivalPoint(TimeSpan Time, double Survival, int AtRisk, int Events);
