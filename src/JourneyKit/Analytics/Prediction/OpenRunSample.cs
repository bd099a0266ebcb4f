using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// One run open at a landmark instant, as <see cref="OpenRunSampler"/> finds it, with what happened after the landmark (the
/// labels of both <see cref="RiskTarget"/>s) when the data tells.
/// </summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="EventRun">The customer's run index in the sampled batch (rows <c>CustomerStarts[EventRun]</c> ..).</param>
/// <param name="EndRow">The row after the customer's last event at or before the landmark.</param>
/// <param name="Landmark">The instant.</param>
/// <param name="Stage">The stage the run was in at the landmark.</param>
/// <param name="TimeInStage">How long it had been in the stage.</param>
/// <param name="State">Its lifecycle state at the landmark: <see cref="LifecycleState.InProgress"/> or <see cref="LifecycleState.Stuck"/>.</param>
/// <param name="NotProgressed">
/// <see cref="RiskTarget.NotProgressing"/>: false when it entered a later designed stage (or the goal) in
/// (landmark, landmark + horizon]; true when it did not and was followed to landmark + horizon, or was decided (converted,
/// failed, dormant) by the end of the observation; null (censored) when still open at the end with less than the horizon
/// followed.
/// </param>
/// <param name="MissedGoal">
/// <see cref="RiskTarget.MissingGoal"/>: false when it reached the goal by the end of the observation, true when it ended
/// failed or dormant, null (censored) when still open.
/// </param>
public readonly record struct OpenRunSample(
    string CustomerId,
    int EventRun,
    int EndRow,
    DateTimeOffset Landmark,
    int Stage,
    TimeSpan TimeInStage,
    LifecycleState State,
    bool? NotProgressed,
    bool? MissedGoal)
{
    /// <summary>Gets the label of a target (null: censored).</summary>
    /// <param name="target">The target.</param>
    /// <returns>The label.</returns>
    public bool? Label(RiskTarget target) => target == RiskTarget.NotProgressing ? NotProgressed : MissedGoal;
}
