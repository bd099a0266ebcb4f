namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// What a <see cref="NextStepModel"/> expects of one run: its next touchpoint, and whether and when it reaches the goal.
/// </summary>
/// <remarks>
/// The remaining times are measured from the prediction instant and are <em>conditional on reaching the goal</em>: a run
/// that may never reach it has <see cref="GoalProbability"/> below 1, and the times say how long it takes if it does.
/// They are null when nothing similar was ever seen reaching the goal after this long (then <see cref="GoalProbability"/> is 0).
/// </remarks>
/// <param name="Next">The most likely next touchpoints, most likely first (ties by name, ordinal), given that another event comes.</param>
/// <param name="GoalProbability">The probability that the run reaches the goal at all.</param>
/// <param name="RemainingMedian">The median time still to go to the goal, if reached: the point estimate.</param>
/// <param name="RemainingLower">The lower end of the interval (<see cref="NextStepOptions.LowerQuantile"/>).</param>
/// <param name="RemainingUpper">The upper end of the interval (<see cref="NextStepOptions.UpperQuantile"/>).</param>
public sealed record NextStepPrediction(
    IReadOnlyList<TouchpointProbability> Next,
    double GoalProbability,
    TimeSpan? RemainingMedian,
    TimeSpan? RemainingLower,
    TimeSpan? RemainingUpper);
