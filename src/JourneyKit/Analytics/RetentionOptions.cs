namespace JourneyKit.Analytics;

/// <summary>Options of <see cref="JourneyAnalyzer.Retention(Events.EventBatch, RetentionOptions, DateTimeOffset)"/>.</summary>
public sealed class RetentionOptions
{
    /// <summary>Gets the period length and cohort grouping.</summary>
    /// <value>The default value is <see cref="RetentionPeriod.Week"/>.</value>
    public RetentionPeriod Period { get; init; } = RetentionPeriod.Week;

    /// <summary>Gets the number of periods after the start (0, 1, …, n − 1).</summary>
    /// <value>1 to 1,000. The default value is 8.</value>
    public int Periods { get; init; } = 8;

    /// <summary>Gets the stage whose first entry starts a run's clock, or null for the run's first event.</summary>
    /// <value>The default value is null.</value>
    public string? StartStage { get; init; }

    /// <summary>
    /// Gets the stage that counts as retained, or null: with null a run is active in period k when it has an event in
    /// that period; with a stage, when it has entered that stage by the end of period k (cumulative).
    /// </summary>
    /// <value>The default value is null.</value>
    public string? ActiveStage { get; init; }

    internal void Validate()
    {
        if (!Enum.IsDefined(Period))
        {
            throw new ArgumentOutOfRangeException(nameof(Period), Period, "Unknown retention period.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Periods, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Periods, 1000);
    }
}
