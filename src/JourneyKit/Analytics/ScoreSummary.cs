using JourneyKit.Model;

namespace JourneyKit.Analytics;

/// <summary>The journey score distribution.</summary>
/// <param name="Mean">The mean score (0 without customers).</param>
/// <param name="Histogram">Customers per 10-point bin: [0,10), [10,20), …, [90,100].</param>
/// <param name="CorrelationWithGoal">Pearson correlation between score and reaching the goal, or null when undefined.</param>
public sealed record ScoreSummary(double Mean, IReadOnlyList<int> Histogram, double? CorrelationWithGoal);
