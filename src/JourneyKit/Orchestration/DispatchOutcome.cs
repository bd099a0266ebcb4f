namespace JourneyKit.Orchestration;

/// <summary>The outcome of one dispatch attempt of an outbox entry, to record with <see cref="JourneyStep.RecordDispatch"/>.</summary>
/// <param name="IdempotencyKey">The intervention's key.</param>
/// <param name="Acknowledged">True when the dispatcher returned (the entry leaves the outbox).</param>
/// <param name="Attempts">Failed attempts so far, including this one (unused when acknowledged).</param>
/// <param name="NextAttemptAt">When to try again (unused when acknowledged).</param>
public readonly record struct DispatchOutcome(string IdempotencyKey, bool Acknowledged, int Attempts, DateTimeOffset NextAttemptAt);
