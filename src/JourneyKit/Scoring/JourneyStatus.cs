namespace JourneyKit.Scoring;

/// <summary>
/// Where a customer run stands as of an instant: its one <see cref="LifecycleState"/> (see that type for the exact
/// boundaries), its stage and how long it has been there.
/// </summary>
/// <param name="AsOfTicks">The instant, UTC ticks.</param>
/// <param name="State">The run's lifecycle state at the instant.</param>
/// <param name="Stage">The current stage index, or -1 before any stage.</param>
/// <param name="TimeInStage">Time since entering the current stage (zero before any stage).</param>
/// <param name="OverdueBy">How long past the stage's standard time; zero unless <paramref name="State"/> is <see cref="LifecycleState.Stuck"/>.</param>
/// <param name="SinceLastEvent">Time since the run's latest event (zero when it has none).</param>
public readonly record struct JourneyStatus(long AsOfTicks, LifecycleState State, int Stage, TimeSpan TimeInStage, TimeSpan OverdueBy, TimeSpan SinceLastEvent)
{
    /// <summary>Gets a value indicating whether the run is stuck (<see cref="LifecycleState.Stuck"/>).</summary>
    public bool IsStuck => State == LifecycleState.Stuck;

    /// <summary>Gets a value indicating whether the run is dormant — the dead end (<see cref="LifecycleState.Dormant"/>).</summary>
    public bool IsDormant => State == LifecycleState.Dormant;

    /// <summary>Gets a value indicating whether the run is open: <see cref="LifecycleState.InProgress"/> or <see cref="LifecycleState.Stuck"/> (its outcome is censored).</summary>
    public bool IsOpen => State is LifecycleState.InProgress or LifecycleState.Stuck;

    /// <summary>Gets a value indicating whether the run ended in a terminal stage (<see cref="LifecycleState.Converted"/> or <see cref="LifecycleState.Failed"/>).</summary>
    public bool IsTerminal => State is LifecycleState.Converted or LifecycleState.Failed;
}
