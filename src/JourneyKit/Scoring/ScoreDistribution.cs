namespace JourneyKit.Scoring;

/// <summary>The distribution of scores in a group: count, mean, and a histogram of ten 10-point buckets.</summary>
/// <param name="Group">The group key (a stage name, a persona, a channel, or "all").</param>
/// <param name="Count">The number of customers.</param>
/// <param name="Mean">The mean score; 0 when empty.</param>
/// <param name="Histogram">Customers per bucket [0,10), [10,20), …, [90,100] (100 falls in the last bucket).</param>
public sealed record ScoreDistribution(string Group, int Count, double Mean, IReadOnlyList<int> Histogram);
