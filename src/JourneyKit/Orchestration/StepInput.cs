using JourneyKit.Events;

namespace JourneyKit.Orchestration;

/// <summary>
/// The events one <see cref="JourneyStep.Run"/> brings to a customer's state: none (the clock moved), the customer's
/// whole log, the log from <see cref="CustomerState.ResumeFrom"/>, or events the state has not seen.
/// </summary>
/// <remarks>
/// A log is in log order: by timestamp, ties in append order (what <see cref="Storage.EventStore.ReadAsync"/> returns).
/// The list is read during the call only and never kept.
/// <threadsafety>Immutable (the list given must not change during the call).</threadsafety>
/// </remarks>
public sealed class StepInput
{
    private StepInput(StepInputKind kind, IReadOnlyList<JourneyEvent>? events)
    {
        Kind = kind;
        Events = events ?? [];
    }

    /// <summary>Gets the input with no events: fire what is due at the step's instant and retry nothing else.</summary>
    public static StepInput None { get; } = new(StepInputKind.None, null);

    /// <summary>Gets what the input holds.</summary>
    public StepInputKind Kind { get; }

    /// <summary>Gets the events (empty for <see cref="None"/>).</summary>
    public IReadOnlyList<JourneyEvent> Events { get; }

    /// <summary>
    /// The customer's whole log, in log order. The step applies the events after those already applied; when the log
    /// differs before that point (a late event arrived), the instance is re-evaluated from the log and occurrences keep
    /// their identity, so nothing fires twice.
    /// </summary>
    /// <param name="log">The log.</param>
    /// <returns>The input.</returns>
    public static StepInput WholeLog(IReadOnlyList<JourneyEvent> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return new StepInput(StepInputKind.WholeLog, log);
    }

    /// <summary>
    /// The customer's log from <see cref="CustomerState.ResumeFrom"/> (inclusive), in log order: the cheap read when no
    /// new event is older than that instant (otherwise read the whole log). When the events do not start with the ones
    /// the state applied at that instant, the step answers <see cref="StepStatus.WholeLogRequired"/>.
    /// </summary>
    /// <param name="events">The log from the state's resume instant.</param>
    /// <returns>The input.</returns>
    public static StepInput LogFrom(IReadOnlyList<JourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return new StepInput(StepInputKind.LogFrom, events);
    }

    /// <summary>
    /// Events the state has not applied (de-duplicated by the caller), in any order; they are applied in timestamp order
    /// (ties in the order given). When one is older than the state's last applied event, the step answers
    /// <see cref="StepStatus.WholeLogRequired"/>.
    /// </summary>
    /// <param name="events">The new events.</param>
    /// <returns>The input.</returns>
    public static StepInput NewEvents(IReadOnlyList<JourneyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return new StepInput(StepInputKind.NewEvents, events);
    }
}
