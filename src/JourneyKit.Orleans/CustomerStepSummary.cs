using Orleans;

namespace JourneyKit.Orleans;

/// <summary>What one <see cref="IJourneyCustomerGrain.ProcessAsync"/> call did.</summary>
/// <param name="Fired">Interventions recorded in the outbox.</param>
/// <param name="Dispatched">Interventions dispatched and acknowledged.</param>
/// <param name="Conflicts">Optimistic-concurrency conflicts retried.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct CustomerStepSummary([property: Id(0)] int Fired, [property: Id(1)] int Dispatched, [property: Id(2)] int Conflicts);
