namespace JourneyKit.Orleans;

/// <summary>Options of the journey grains.</summary>
public sealed class JourneyGrainOptions
{
    /// <summary>
    /// Gets the period of a grain's reminder. A reminder first fires at the state's due time; the period only matters when
    /// processing at that time failed (it fires again a period later) — Orleans requires it to be at least its
    /// <c>ReminderOptions.MinimumReminderPeriod</c>.
    /// </summary>
    /// <value>Positive. The default value is 1 minute (Orleans' default minimum).</value>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets how many times a save that lost an optimistic-concurrency race is retried from fresh state.</summary>
    /// <value>At least 1. The default value is 16.</value>
    public int MaxConflictRetries { get; init; } = 16;

    internal void Validate()
    {
        if (ReminderPeriod <= TimeSpan.Zero || MaxConflictRetries < 1)
        {
            throw new ArgumentException($"Invalid journey grain options: ReminderPeriod must be positive (got {ReminderPeriod}), MaxConflictRetries at least 1 (got {MaxConflictRetries}).");
        }
    }
}
