namespace JourneyKit.Prediction;

/// <summary>One reason for a prediction: a feature (or group of features) and how much it moved the risk.</summary>
/// <param name="Feature">The feature's name, for example <c>hours_overdue</c> or <c>moment=branch-verification</c>.</param>
/// <param name="Contribution">Its contribution to the model's score, in log-odds before calibration: positive raises the risk, negative lowers it.</param>
/// <param name="Description">The feature's value in plain words, for example <c>3d 4h over the standard time in 'Verify identity'</c>.</param>
public sealed record RiskFactor(string Feature, double Contribution, string Description);
