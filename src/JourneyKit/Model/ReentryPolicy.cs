namespace JourneyKit.Model;

/// <summary>
/// Whether a customer who has been through a journey can start it again: a new <em>run</em>, numbered, evaluated, scored
/// and stored apart from the previous one. A new run always starts at an event on a touchpoint of the journey's first
/// stage (in designed order). Not to be confused with the ClickHouse <c>allow_reentry</c> funnel mode.
/// </summary>
public enum ReentryPolicy
{
    /// <summary>One run per customer: later events, however late, belong to it. The default.</summary>
    Never = 0,

    /// <summary>
    /// A new run starts when the current run has ended — converted or failed at or before the event — or is dormant at the
    /// event (no event for the inactivity period), and at least <see cref="Journey.ReentryMinimumGap"/> has passed since
    /// the current run's last event.
    /// </summary>
    AfterEnd = 1,

    /// <summary>
    /// A new run starts whenever at least <see cref="Journey.ReentryMinimumGap"/> (positive) has passed since the current
    /// run's first event, whatever its state.
    /// </summary>
    Always = 2,
}
