namespace JourneyKit.Orchestration;

/// <summary>Whether a <see cref="JourneyStep"/> call could advance the state.</summary>
public enum StepStatus
{
    /// <summary>The state was advanced (possibly to an equal state).</summary>
    Completed,

    /// <summary>
    /// The input cannot be applied on its own (a late event, a log that does not line up, a run to migrate to another
    /// version): nothing changed; call again with <see cref="StepInput.WholeLog"/>.
    /// </summary>
    WholeLogRequired,

    /// <summary>
    /// The run is under another journey version that this step does not move it from (<see cref="JourneyVersionPolicy.Pin"/>,
    /// or a newer version): nothing changed; run that version's step.
    /// </summary>
    OtherVersion,
}
