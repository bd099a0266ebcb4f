namespace JourneyKit.Analytics.Prediction;

/// <summary>How one model did at one cut-off of <see cref="NextStepBacktest.Run"/>.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="NextKnown">The runs with an event after the cut-off: the next-touchpoint accuracies are over these.</param>
/// <param name="Top1">The share whose next touchpoint was the model's first guess (null when <paramref name="NextKnown"/> is 0).</param>
/// <param name="Top3">The share whose next touchpoint was among the model's first three guesses.</param>
/// <param name="Goal">The probability of reaching the goal against what happened (the event: reached; censored runs left out).</param>
/// <param name="RemainingKnown">The runs that reached the goal and got a remaining-time estimate: the error is over these.</param>
/// <param name="RemainingMaeHours">The mean absolute error of the median remaining time, in hours (null when <paramref name="RemainingKnown"/> is 0).</param>
/// <param name="CoverageKnown">The runs the interval is judged on: those that reached the goal, and those still open at the
/// end of the data that were already followed past the interval's upper end (misses); other censored runs and runs that
/// ended without the goal are left out, the interval being conditional on reaching it.</param>
/// <param name="Coverage">The share of <paramref name="CoverageKnown"/> inside the interval, ends included.</param>
public sealed record NextStepEvaluation(
    string Model,
    int NextKnown,
    double? Top1,
    double? Top3,
    PredictionMetrics Goal,
    int RemainingKnown,
    double? RemainingMaeHours,
    int CoverageKnown,
    double? Coverage);
