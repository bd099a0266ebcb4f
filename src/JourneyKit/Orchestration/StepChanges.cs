namespace JourneyKit.Orchestration;

/// <summary>What a <see cref="JourneyStep"/> call changed in a customer's state.</summary>
[Flags]
public enum StepChanges
{
    /// <summary>Nothing: the state is equal to the one given.</summary>
    None = 0,

    /// <summary>New events were applied to the journey instance.</summary>
    EventsApplied = 1,

    /// <summary>The instance was re-evaluated from the whole log (a late event, or another journey version).</summary>
    Reevaluated = 2,

    /// <summary>Rule occurrences were handled: fired, or dropped by the firing policy.</summary>
    OccurrencesHandled = 4,

    /// <summary>Interventions were recorded in the outbox.</summary>
    InterventionsRecorded = 8,

    /// <summary>The outbox changed by dispatch outcomes: entries acknowledged, or failures rescheduled.</summary>
    OutboxUpdated = 16,

    /// <summary>The run moved to the step's journey version.</summary>
    VersionMigrated = 32,
}
