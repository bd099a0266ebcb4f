namespace JourneyKit.Orchestration;

/// <summary>What one <see cref="JourneyStep"/> call returns: the new state and the effects to carry out.</summary>
/// <remarks>
/// A driver saves <see cref="State"/> when <see cref="StateChanged"/> (or when the stored due time differs from
/// <see cref="DueAt"/>), with the ETag it read; then dispatches the outbox. <see cref="Interventions"/> are in the new
/// state's outbox already: recording them is part of the same save.
/// <threadsafety>Immutable.</threadsafety>
/// </remarks>
public sealed class StepResult
{
    internal StepResult(StepStatus status, CustomerState state, StepChanges changes, int eventsApplied, IReadOnlyList<Intervention> interventions, IReadOnlyList<OccurrenceDecision> decisions, DateTimeOffset? dueAt)
    {
        Status = status;
        State = state;
        Changes = changes;
        EventsApplied = eventsApplied;
        Interventions = interventions;
        Decisions = decisions;
        DueAt = dueAt;
    }

    /// <summary>Gets whether the step could advance the state; on <see cref="StepStatus.WholeLogRequired"/> nothing changed.</summary>
    public StepStatus Status { get; }

    /// <summary>Gets the new state (the one given, unchanged, when <see cref="Changes"/> is <see cref="StepChanges.None"/>).</summary>
    public CustomerState State { get; }

    /// <summary>Gets what changed.</summary>
    public StepChanges Changes { get; }

    /// <summary>Gets a value indicating whether the state changed and must be saved.</summary>
    public bool StateChanged => Changes != StepChanges.None;

    /// <summary>Gets the number of events applied to the instance (all of them when it was re-evaluated).</summary>
    public int EventsApplied { get; }

    /// <summary>Gets the interventions recorded in the outbox by this step, in decision order.</summary>
    public IReadOnlyList<Intervention> Interventions { get; }

    /// <summary>Gets every new occurrence the step handled and its outcome, in decision order (for logs and metrics).</summary>
    public IReadOnlyList<OccurrenceDecision> Decisions { get; }

    /// <summary>
    /// Gets when the state must be looked at next without a new event: the earliest pending stuck or risk timer, or
    /// outbox retry; null when nothing is pending. A driver stores it as the state's due time (or sets a reminder).
    /// </summary>
    public DateTimeOffset? DueAt { get; }
}
