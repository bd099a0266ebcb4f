namespace JourneyKit.Scoring;

/// <summary>
/// Where one customer run stands as of an instant: exactly one state, for every run and every instant. The states are
/// exclusive and exhaustive; <see cref="JourneyEvaluator.GetStatus(JourneyInstance, DateTimeOffset)"/> decides them in
/// the order listed in the remarks.
/// </summary>
/// <remarks>
/// <para>With <c>T</c> the as-of instant (only events at or before <c>T</c> are part of the run), <c>last</c> the run's
/// latest event, <c>entered</c> when it entered its current stage, <c>standard</c> that stage's standard time and
/// <c>inactivity</c> <see cref="EvaluationOptions.InactivityPeriod"/>, the first row that applies wins:</para>
/// <list type="number">
/// <item><see cref="NotStarted"/>: the run has no event at or before <c>T</c>.</item>
/// <item><see cref="Converted"/>: the run entered a goal stage (at or before <c>T</c>) before any failure stage.</item>
/// <item><see cref="Failed"/>: the run entered a failure stage before any goal stage.</item>
/// <item><see cref="Dormant"/>: <c>T − last ≥ inactivity</c> (inclusive: exactly the inactivity period is dormant).</item>
/// <item><see cref="Stuck"/>: the current stage has a standard time and <c>T − entered &gt; standard</c> (exclusive:
/// exactly the standard time is still in progress).</item>
/// <item><see cref="InProgress"/>: everything else — in a non-terminal stage within its standard time (or a stage without
/// one, or before any stage) and active.</item>
/// </list>
/// <para>The first terminal stage a run enters ends it: later events still count (activity, effort counters, moments of
/// truth) but never change its stage or state. A terminal run is therefore never stuck or dormant.</para>
/// <para><see cref="InProgress"/> and <see cref="Stuck"/> are the <em>open</em> states: aggregates treat those runs as
/// censored (their outcome is not known yet), never as dropped.</para>
/// </remarks>
public enum LifecycleState
{
    /// <summary>No event at or before the instant.</summary>
    NotStarted = 0,

    /// <summary>In a non-terminal stage, within its standard time (or before any stage), and active. Open.</summary>
    InProgress = 1,

    /// <summary>In a non-terminal stage strictly past its standard time, and still active (an event within the inactivity period). Open.</summary>
    Stuck = 2,

    /// <summary>No event for at least the inactivity period before reaching a terminal stage: the dead end, "dropped". Decided.</summary>
    Dormant = 3,

    /// <summary>Reached a goal stage. Decided.</summary>
    Converted = 4,

    /// <summary>Reached a failure stage. Decided.</summary>
    Failed = 5,
}
