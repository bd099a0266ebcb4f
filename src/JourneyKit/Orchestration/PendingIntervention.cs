namespace JourneyKit.Orchestration;

/// <summary>An intervention in a customer's outbox: recorded, not yet acknowledged by the dispatcher.</summary>
/// <param name="Intervention">The intervention.</param>
/// <param name="Attempts">Dispatch attempts that failed so far.</param>
/// <param name="NextAttemptAt">When it may be dispatched (again): its recording time, or a failed attempt's time plus the backoff.</param>
public readonly record struct PendingIntervention(Intervention Intervention, int Attempts, DateTimeOffset NextAttemptAt);
