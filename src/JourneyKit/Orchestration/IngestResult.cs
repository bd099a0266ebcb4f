namespace JourneyKit.Orchestration;

/// <summary>What an ingest call did.</summary>
/// <param name="Appended">Events newly stored.</param>
/// <param name="Duplicates">Events already stored (same event id); they are not applied twice.</param>
/// <param name="Customers">Customers whose state was evaluated.</param>
/// <param name="InterventionsFired">Interventions recorded in outboxes.</param>
/// <param name="InterventionsDispatched">Interventions dispatched and acknowledged (including earlier pending ones).</param>
/// <param name="Conflicts">Optimistic-concurrency conflicts retried.</param>
public readonly record struct IngestResult(int Appended, int Duplicates, int Customers, int InterventionsFired, int InterventionsDispatched, int Conflicts);
