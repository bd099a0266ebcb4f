using JourneyKit.Orchestration.Internal;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>The default values of <see cref="OrchestrationOptions"/>.</summary>
public static class OrchestrationDefaults
{
    /// <summary>The default <see cref="OrchestrationOptions.MaxConflictRetries"/>: 16.</summary>
    public const int MaxConflictRetries = 16;

    /// <summary>The default <see cref="OrchestrationOptions.DueBatchSize"/>: 256.</summary>
    public const int DueBatchSize = 256;

    /// <summary>The default <see cref="OrchestrationOptions.MaxDegreeOfParallelism"/>: 4.</summary>
    public const int MaxDegreeOfParallelism = 4;

    /// <summary>The default <see cref="OrchestrationOptions.HandledOccurrenceCapacity"/>: 256.</summary>
    public const int HandledOccurrenceCapacity = 256;

    /// <summary>The default <see cref="OrchestrationOptions.FinishedRunCapacity"/>: 16.</summary>
    public const int FinishedRunCapacity = 16;

    /// <summary>The default <see cref="OrchestrationOptions.DispatchRetryDelay"/>: 1 second.</summary>
    public static readonly TimeSpan DispatchRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default <see cref="OrchestrationOptions.MaxDispatchRetryDelay"/>: 5 minutes.</summary>
    public static readonly TimeSpan MaxDispatchRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>The default <see cref="OrchestrationOptions.FrequencyCapPeriod"/>: 1 day.</summary>
    public static readonly TimeSpan FrequencyCapPeriod = TimeSpan.FromDays(1);

    /// <summary>The default <see cref="OrchestrationOptions.RiskRecheckInterval"/>: 1 hour.</summary>
    public static readonly TimeSpan RiskRecheckInterval = TimeSpan.FromHours(1);
}
