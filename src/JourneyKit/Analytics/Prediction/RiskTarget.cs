namespace JourneyKit.Analytics.Prediction;

/// <summary>What a risk prediction is the probability of, for a run open at the instant of the prediction.</summary>
public enum RiskTarget
{
    /// <summary>
    /// The run does not progress past its current stage within the horizon: it enters no later designed stage (nor the
    /// goal) in (instant, instant + horizon].
    /// </summary>
    NotProgressing = 0,

    /// <summary>The run never reaches the goal: it ends failed or dormant (as seen at the end of the data).</summary>
    MissingGoal = 1,
}
