using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>One open run's prediction from <see cref="NextStepModel.PredictOpenRuns"/>.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="RunNumber">The run (1 unless the journey allows re-entry).</param>
/// <param name="Stage">The stage the run is in, or null when none (only out-of-path events so far).</param>
/// <param name="State">The run's lifecycle state at the model's instant: in progress or stuck.</param>
/// <param name="LastTouchpoint">The run's latest touchpoint.</param>
/// <param name="SinceLastEvent">The time from the run's latest event to the model's instant.</param>
/// <param name="Prediction">The prediction.</param>
public sealed record RunNextStep(string CustomerId, int RunNumber, string? Stage, LifecycleState State, string LastTouchpoint, TimeSpan SinceLastEvent, NextStepPrediction Prediction);
