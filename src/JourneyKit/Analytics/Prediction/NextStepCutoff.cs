namespace JourneyKit.Analytics.Prediction;

/// <summary>One cut-off of <see cref="NextStepBacktest.Run"/>.</summary>
/// <param name="Cutoff">The cut-off.</param>
/// <param name="TrainingEvents">The events at or before it: all the models learned from.</param>
/// <param name="OpenRuns">The runs open (in progress or stuck) at it: all were predicted for.</param>
/// <param name="WithNextEvent">The open runs with an event after the cut-off.</param>
/// <param name="ReachedGoal">The open runs that reached the goal by the end of the data.</param>
/// <param name="NeverReached">The open runs that ended (failed or dormant) without reaching it.</param>
/// <param name="Censored">The open runs still open at the end of the data.</param>
/// <param name="Models">Each model's evaluation, in the order of <see cref="NextStepBacktestResult.Models"/>.</param>
/// <param name="Predictions">Every open run's predictions and outcome.</param>
public sealed record NextStepCutoff(
    DateTimeOffset Cutoff,
    int TrainingEvents,
    int OpenRuns,
    int WithNextEvent,
    int ReachedGoal,
    int NeverReached,
    int Censored,
    IReadOnlyList<NextStepEvaluation> Models,
    IReadOnlyList<NextStepBacktestPrediction> Predictions);
