using Microsoft.Extensions.Logging;

namespace JourneyKit.Orchestration.Internal;

/// <summary>The orchestration logs, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = JourneyKitEventId.EventsIngested, Level = LogLevel.Debug, Message = "Ingested {Appended} events ({Duplicates} duplicates) for customer {CustomerId}")]
    public static partial void EventsIngested(ILogger logger, int appended, int duplicates, string customerId);

    [LoggerMessage(EventId = JourneyKitEventId.IngestFailed, Level = LogLevel.Error, Message = "Ingestion failed for customer {CustomerId}")]
    public static partial void IngestFailed(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(EventId = JourneyKitEventId.InterventionFired, Level = LogLevel.Information, Message = "Rule {Rule} fired {Intervention} for customer {CustomerId} ({Occurrence}, key {IdempotencyKey})")]
    public static partial void InterventionFired(ILogger logger, string rule, string intervention, string customerId, string occurrence, string idempotencyKey);

    [LoggerMessage(EventId = JourneyKitEventId.InterventionDropped, Level = LogLevel.Debug, Message = "Rule {Rule} did not fire for customer {CustomerId} ({Occurrence}): {Reason}")]
    public static partial void InterventionDropped(ILogger logger, string rule, string customerId, string occurrence, string reason);

    [LoggerMessage(EventId = JourneyKitEventId.InterventionSent, Level = LogLevel.Information, Message = "Intervention {Intervention} to customer {CustomerId} via {Channel} (rule {Rule}, key {IdempotencyKey})")]
    public static partial void InterventionSent(ILogger logger, string intervention, string customerId, string channel, string rule, string idempotencyKey);

    [LoggerMessage(EventId = JourneyKitEventId.InterventionDispatched, Level = LogLevel.Debug, Message = "Dispatched {Intervention} for customer {CustomerId} (key {IdempotencyKey})")]
    public static partial void InterventionDispatched(ILogger logger, string intervention, string customerId, string idempotencyKey);

    [LoggerMessage(EventId = JourneyKitEventId.DispatchFailed, Level = LogLevel.Warning, Message = "Dispatch of {Intervention} for customer {CustomerId} failed (attempt {Attempt}); retrying at {RetryAt}")]
    public static partial void DispatchFailed(ILogger logger, Exception exception, string intervention, string customerId, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(EventId = JourneyKitEventId.StateConflict, Level = LogLevel.Debug, Message = "State of customer {CustomerId} changed concurrently (attempt {Attempt}); retrying from fresh state")]
    public static partial void StateConflict(ILogger logger, string customerId, int attempt);

    [LoggerMessage(EventId = JourneyKitEventId.TickCompleted, Level = LogLevel.Debug, Message = "Tick processed {Customers} due customers, fired {Fired}, dispatched {Dispatched}")]
    public static partial void TickCompleted(ILogger logger, int customers, int fired, int dispatched);

    [LoggerMessage(EventId = JourneyKitEventId.BackgroundFailure, Level = LogLevel.Error, Message = "Orchestration background work failed: {Operation}")]
    public static partial void BackgroundFailure(ILogger logger, Exception exception, string operation);
}
