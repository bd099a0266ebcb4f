using JourneyKit.Analytics.Statistics;

namespace JourneyKit.Analytics;

/// <summary>
/// Two segments of one dimension compared: conversion to the goal over decided runs (difference with a Newcombe
/// interval and a two-proportion z-test) and time to convert (log-rank, with open, failed and dormant runs censored at
/// their time), with Holm-adjusted p-values over every pair compared in the same call.
/// </summary>
/// <param name="Dimension">The dimension (<c>persona</c>, <c>channel</c>, <c>first_channel</c>, <c>cohort</c>).</param>
/// <param name="SegmentA">The first segment's value.</param>
/// <param name="SegmentB">The second segment's value.</param>
/// <param name="Conversion">The conversion difference A − B over decided runs.</param>
/// <param name="TimeToConvert">The log-rank test of time from the first event to the goal.</param>
/// <param name="ConversionPValueAdjusted">The z-test's p-value, Holm-adjusted over all pairs of the call.</param>
/// <param name="TimeToConvertPValueAdjusted">The log-rank p-value, Holm-adjusted over all pairs of the call.</param>
public sealed record SegmentComparison(
    string Dimension,
    string SegmentA,
    string SegmentB,
    ProportionDifference Conversion,
    LogRankTest TimeToConvert,
    double ConversionPValueAdjusted,
    double TimeToConvertPValueAdjusted);
