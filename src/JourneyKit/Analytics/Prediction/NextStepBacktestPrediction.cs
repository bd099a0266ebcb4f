namespace JourneyKit.Analytics.Prediction;

/// <summary>One run open at a cut-off of <see cref="NextStepBacktest.Run"/>: what each model predicted and what happened.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Stage">The stage the run was in at the cut-off, or null when none.</param>
/// <param name="SinceLastEvent">The time from the run's latest event to the cut-off.</param>
/// <param name="ActualNext">The run's first touchpoint after the cut-off, or null when the run had no later event.</param>
/// <param name="ReachedGoal">True when the run reached the goal by the end of the data, false when it ended (failed or
/// dormant) without, null when it was still open at the end of the data (censored).</param>
/// <param name="ActualRemaining">The time from the cut-off to the goal, when reached.</param>
/// <param name="FollowedFor">The time from the cut-off to the end of the data.</param>
/// <param name="Predictions">Each model's prediction, in the order of <see cref="NextStepBacktestResult.Models"/>.</param>
public sealed record NextStepBacktestPrediction(
    string CustomerId,
    string? Stage,
    TimeSpan SinceLastEvent,
    string? ActualNext,
    bool? ReachedGoal,
    TimeSpan? ActualRemaining,
    TimeSpan FollowedFor,
    IReadOnlyList<NextStepPrediction> Predictions);
