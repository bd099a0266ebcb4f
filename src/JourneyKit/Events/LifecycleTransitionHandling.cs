namespace JourneyKit.Events;

/// <summary>
/// What <see cref="XesEventReader"/> does with an event's <c>lifecycle:transition</c> (XES lifecycle extension:
/// <c>schedule</c>, <c>start</c>, <c>complete</c>, …); see <see cref="EventReaderOptions.LifecycleTransitions"/>.
/// </summary>
/// <remarks>In every mode the transition is also kept as the event attribute <c>lifecycle:transition</c>, as written.</remarks>
public enum LifecycleTransitionHandling
{
    /// <summary>Every event is read; the touchpoint is the event's <c>concept:name</c> alone (what pm4py does by default).</summary>
    Ignore = 0,

    /// <summary>
    /// Only events whose transition is <c>complete</c> (compared case-insensitively) are read, and events without a
    /// transition; the others are left out and not counted in <see cref="EventReadSummary.Rows"/>.
    /// </summary>
    CompleteOnly = 1,

    /// <summary>
    /// Every event is read; the touchpoint is <c>concept:name</c>, <c>+</c> and the transition in lower case
    /// (<c>A_SUBMITTED+complete</c>, ProM's activity classifier). An event without a transition keeps its name alone.
    /// </summary>
    AppendToTouchpoint = 2,
}
