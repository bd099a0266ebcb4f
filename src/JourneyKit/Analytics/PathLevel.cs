namespace JourneyKit.Analytics;

/// <summary>What one step of a queried path is (<see cref="PathQuery.Level"/>).</summary>
public enum PathLevel
{
    /// <summary>Each event of the run is a step, named by its touchpoint (touchpoints in no stage included), in batch order: by time, equal timestamps in input order.</summary>
    Touchpoint = 0,

    /// <summary>Each stage visit of the run is a step, named by the stage id, timed at its entry (consecutive events in one stage are one visit, as in <see cref="PathVariant"/>).</summary>
    Stage = 1,
}
