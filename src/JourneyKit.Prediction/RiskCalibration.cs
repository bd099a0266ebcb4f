namespace JourneyKit.Prediction;

/// <summary>How <see cref="BoostedTreeRiskTrainer"/> turns tree scores into probabilities, fitted on the validation split.</summary>
public enum RiskCalibration
{
    /// <summary>Isotonic regression (pool adjacent violators): a non-decreasing step function of the score; needs a few hundred validation runs.</summary>
    Isotonic = 0,

    /// <summary>Platt scaling: a logistic function of the score; two parameters, steadier on small data.</summary>
    Platt = 1,
}
