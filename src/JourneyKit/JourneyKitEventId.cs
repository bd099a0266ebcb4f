namespace JourneyKit;

/// <summary>
/// Event ids of JourneyKit's logs: 1000s ingestion, 2000s matching, 3000s orchestration, 4000s storage.
/// </summary>
public static class JourneyKitEventId
{
    /// <summary>Events were ingested for a customer (Debug).</summary>
    public const int EventsIngested = 1001;

    /// <summary>Ingestion failed for a customer (Error).</summary>
    public const int IngestFailed = 1002;

    /// <summary>A rule fired and an intervention was recorded in the outbox (Information).</summary>
    public const int InterventionFired = 3001;

    /// <summary>An occurrence was dropped: suppressed, in cooldown or capped (Debug).</summary>
    public const int InterventionDropped = 3002;

    /// <summary>The logging dispatcher sent an intervention (Information).</summary>
    public const int InterventionSent = 3003;

    /// <summary>An intervention was dispatched and acknowledged (Debug).</summary>
    public const int InterventionDispatched = 3004;

    /// <summary>A dispatch failed and will be retried (Warning).</summary>
    public const int DispatchFailed = 3005;

    /// <summary>A state save lost an optimistic-concurrency race and is retried (Debug).</summary>
    public const int StateConflict = 3006;

    /// <summary>A scheduler tick processed due customers (Debug).</summary>
    public const int TickCompleted = 3007;

    /// <summary>A scheduler tick or background loop failed (Error).</summary>
    public const int BackgroundFailure = 3008;
}
