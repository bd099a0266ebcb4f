namespace JourneyKit.Analytics.Prediction;

/// <summary>One model's metrics for one target over every cut-off: the rolling-origin mean and spread.</summary>
/// <param name="Target">The target.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Auc">The AUC.</param>
/// <param name="Brier">The Brier score.</param>
/// <param name="LogLoss">The log loss.</param>
/// <param name="ExpectedCalibrationError">The expected calibration error.</param>
/// <param name="FlaggedGap">The flagged runs' mean prediction minus their observed rate.</param>
public sealed record BacktestSummary(RiskTarget Target, string Model, MetricSummary Auc, MetricSummary Brier, MetricSummary LogLoss, MetricSummary ExpectedCalibrationError, MetricSummary FlaggedGap);
