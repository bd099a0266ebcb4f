namespace JourneyKit.Scoring;

/// <summary>
/// Where a customer stands as of an instant: stuck (in a stage longer than its standard time) and by how much, and
/// dead end (no events for the inactivity period without reaching the goal or failing).
/// </summary>
/// <param name="AsOfTicks">The instant, UTC ticks.</param>
/// <param name="Stage">The current stage index, or -1.</param>
/// <param name="TimeInStage">Time since entering the current stage.</param>
/// <param name="IsStuck">In a non-terminal stage strictly longer than its standard time.</param>
/// <param name="OverdueBy">How long past the standard time; zero when not stuck.</param>
/// <param name="IsDeadEnd">No event for at least the inactivity period, goal not reached, not failed.</param>
public readonly record struct JourneyStatus(long AsOfTicks, int Stage, TimeSpan TimeInStage, bool IsStuck, TimeSpan OverdueBy, bool IsDeadEnd);
