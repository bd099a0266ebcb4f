namespace JourneyKit.Analytics.Prediction;

/// <summary>One model's metrics over the cut-offs of <see cref="NextStepBacktest.Run"/> (mean and spread over the cut-offs where each is defined).</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Top1">The top-1 next-touchpoint accuracy.</param>
/// <param name="Top3">The top-3 next-touchpoint accuracy.</param>
/// <param name="GoalAuc">The AUC of the probability of reaching the goal.</param>
/// <param name="GoalBrier">The Brier score of the probability of reaching the goal.</param>
/// <param name="RemainingMaeHours">The mean absolute error of the median remaining time, in hours.</param>
/// <param name="Coverage">The remaining-time interval's coverage.</param>
public sealed record NextStepSummary(string Model, MetricSummary Top1, MetricSummary Top3, MetricSummary GoalAuc, MetricSummary GoalBrier, MetricSummary RemainingMaeHours, MetricSummary Coverage);
