namespace JourneyKit.Analytics;

/// <summary>
/// Which results of a <see cref="JourneyAnalysis"/> come from a sketch rather than exact samples: a distribution with more
/// than <see cref="AnalyticsOptions.ExactSamples"/> samples (durations, follow-up times, scores) is summarised by a
/// log-bucket histogram, whose percentiles are within <see cref="RelativeAccuracy"/> of the exact ones and whose
/// Kaplan–Meier and cumulative-incidence estimates are the exact estimates of the times moved by at most that much
/// (docs/analytics.md, "Big inputs"). Counts are always exact.
/// </summary>
/// <param name="RelativeAccuracy">The relative accuracy α of a sketched time (0.005: within ±0.5 %).</param>
/// <param name="ExactSamples">The cap on exact samples per distribution the analysis was built with.</param>
/// <param name="Sections">The approximate results by their JSON names, e.g. <c>time_in_stage</c>, <c>conversion</c>, <c>scores</c>.</param>
public sealed record AnalysisApproximation(double RelativeAccuracy, int ExactSamples, IReadOnlyList<string> Sections);
