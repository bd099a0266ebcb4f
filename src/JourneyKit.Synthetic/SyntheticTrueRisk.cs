namespace JourneyKit.Synthetic;

/// <summary>
/// A generated customer's true risks at an instant, from the process that generated its events
/// (<see cref="SyntheticEventGenerator.TrueRisks"/>): what a perfect model would predict.
/// </summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="StageId">The stage it is in at the instant.</param>
/// <param name="NotProgressing">The probability that it enters no later designed stage (nor the goal) within the horizon.</param>
/// <param name="MissingGoal">The probability that it never reaches the goal.</param>
public sealed record SyntheticTrueRisk(string CustomerId, string StageId, double NotProgressing, double MissingGoal);
