namespace JourneyKit.Analytics.Prediction.Internal;

/// <summary>What became of a run after one of its events, for the remaining-time curves.</summary>
internal enum RemainingOutcome
{
    /// <summary>The run reached the goal.</summary>
    Reached,

    /// <summary>The run was still open when the data ended: followed for a while, not reached.</summary>
    Censored,

    /// <summary>The run ended (failed or dormant) without reaching the goal.</summary>
    Never,
}
