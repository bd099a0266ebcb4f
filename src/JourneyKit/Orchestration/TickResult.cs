namespace JourneyKit.Orchestration;

/// <summary>What a scheduler tick did.</summary>
/// <param name="Customers">Due customers evaluated.</param>
/// <param name="InterventionsFired">Interventions recorded in outboxes.</param>
/// <param name="InterventionsDispatched">Interventions dispatched and acknowledged.</param>
/// <param name="Conflicts">Optimistic-concurrency conflicts retried.</param>
/// <param name="Failed">Due customers that could not be processed (logged; retried at the next tick).</param>
public readonly record struct TickResult(int Customers, int InterventionsFired, int InterventionsDispatched, int Conflicts, int Failed);
