namespace JourneyKit.Scoring;

/// <summary>Options of a <see cref="JourneyEvaluator"/>.</summary>
public sealed class EvaluationOptions
{
    /// <summary>The default <see cref="InactivityPeriod"/>: 14 days.</summary>
    public static readonly TimeSpan DefaultInactivityPeriod = TimeSpan.FromDays(14);

    /// <summary>
    /// Gets how long without events makes a journey that has neither reached its goal nor failed a <em>dead end</em>.
    /// The bound is inclusive: exactly this long counts.
    /// </summary>
    /// <value>Positive. The default value is 14 days.</value>
    public TimeSpan InactivityPeriod { get; init; } = DefaultInactivityPeriod;

    internal void Validate()
    {
        if (InactivityPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InactivityPeriod), InactivityPeriod, "The inactivity period must be positive.");
        }
    }
}
