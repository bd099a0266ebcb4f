namespace JourneyKit.Orchestration;

/// <summary>What an ingest call did.</summary>
/// <param name="Appended">Events newly stored.</param>
/// <param name="Duplicates">Events already stored (same event id); they are not applied twice.</param>
/// <param name="Customers">Customers whose state was evaluated.</param>
/// <param name="InterventionsFired">Interventions recorded in outboxes.</param>
/// <param name="InterventionsDispatched">Interventions dispatched and acknowledged (including earlier pending ones).</param>
/// <param name="Conflicts">Optimistic-concurrency conflicts retried.</param>
public readonly record struct IngestResult(int Appended, int Duplicates, int Customers, int InterventionsFired, int InterventionsDispatched, int Conflicts);

/// <summary>What a scheduler tick did.</summary>
/// <param name="Customers">Due customers evaluated.</param>
/// <param name="InterventionsFired">Interventions recorded in outboxes.</param>
/// <param name="InterventionsDispatched">Interventions dispatched and acknowledged.</param>
/// <param name="Conflicts">Optimistic-concurrency conflicts retried.</param>
/// <param name="Failed">Due customers that could not be processed (logged; retried at the next tick).</param>
public readonly record struct TickResult(int Customers, int InterventionsFired, int InterventionsDispatched, int Conflicts, int Failed);
