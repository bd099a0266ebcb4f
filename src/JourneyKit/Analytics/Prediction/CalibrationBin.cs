namespace JourneyKit.Analytics.Prediction;

/// <summary>One bin of a calibration table (a reliability diagram): predictions grouped by rank, their mean against how often the event happened.</summary>
/// <param name="Count">The predictions in the bin.</param>
/// <param name="MinPredicted">The smallest prediction in the bin.</param>
/// <param name="MaxPredicted">The largest prediction in the bin.</param>
/// <param name="MeanPredicted">The mean prediction.</param>
/// <param name="Observed">The share of the bin's runs where the event happened (the label was true).</param>
public sealed record CalibrationBin(int Count, double MinPredicted, double MaxPredicted, double MeanPredicted, double Observed);
