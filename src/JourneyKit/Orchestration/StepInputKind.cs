namespace JourneyKit.Orchestration;

/// <summary>What a <see cref="StepInput"/> holds.</summary>
public enum StepInputKind
{
    /// <summary>No events.</summary>
    None,

    /// <summary>The customer's whole log.</summary>
    WholeLog,

    /// <summary>The customer's log from <see cref="CustomerState.ResumeFrom"/>.</summary>
    LogFrom,

    /// <summary>Events the state has not applied.</summary>
    NewEvents,
}
