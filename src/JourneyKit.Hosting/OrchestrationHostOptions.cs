namespace JourneyKit.Hosting;

/// <summary>Options of the orchestration background service and its ingestion queue.</summary>
public sealed class OrchestrationHostOptions
{
    /// <summary>Gets how often the scheduler ticks (evaluates due customers).</summary>
    /// <value>Positive. The default value is 1 second.</value>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how many events the ingestion queue holds; writers wait when it is full (back-pressure).</summary>
    /// <value>Positive. The default value is 10,000.</value>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Gets the most events taken from the queue into one ingest call.</summary>
    /// <value>Positive. The default value is 512.</value>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>Gets how many times a failed ingest of queued events is retried before they are given up (and logged).</summary>
    /// <value>Zero or positive. The default value is 5.</value>
    public int MaxIngestRetries { get; init; } = 5;

    /// <summary>Gets the delay between retries of a failed ingest of queued events (retry <c>n</c> waits <see cref="RetryBackoff.GetDelay"/> of <c>n</c>).</summary>
    /// <value>The default value is 100 ms doubling up to 100 s, shortened by up to half at random (jitter 0.5).</value>
    public RetryBackoff IngestRetryBackoff { get; init; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(100), jitter: 0.5);

    internal void Validate()
    {
        var problems = new List<string>();
        if (TickInterval <= TimeSpan.Zero)
        {
            problems.Add($"TickInterval must be positive; got {TickInterval}.");
        }

        if (QueueCapacity < 1)
        {
            problems.Add($"QueueCapacity must be positive; got {QueueCapacity}.");
        }

        if (MaxBatchSize < 1)
        {
            problems.Add($"MaxBatchSize must be positive; got {MaxBatchSize}.");
        }

        if (MaxIngestRetries < 0)
        {
            problems.Add($"MaxIngestRetries must not be negative; got {MaxIngestRetries}.");
        }

        if (IngestRetryBackoff is null)
        {
            problems.Add("IngestRetryBackoff must not be null.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid orchestration host options:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }
    }
}
