using Orleans;

namespace JourneyKit.Orleans;

/// <summary>
/// The grain of one (journey, customer): runs <see cref="Orchestration.JourneyStep"/> for the customer over JourneyKit's
/// stores and dispatches the outbox. Its key is <see cref="JourneyGrainKey.Of"/>.
/// </summary>
public interface IJourneyCustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Catches the customer's state up with the event log (events appended before the call), fires what is due, saves
    /// with the ETag read, dispatches the outbox and sets the reminder for the next due time.
    /// </summary>
    /// <param name="earliestEventTicks">The earliest timestamp (UTC ticks) of the events just appended for the customer, or
    /// null to read the whole log (a reminder, a recovery).</param>
    /// <returns>What the call did.</returns>
    Task<CustomerStepSummary> ProcessAsync(long? earliestEventTicks);

    /// <summary>Gets the customer's stored state bytes (<see cref="Orchestration.CustomerState.Deserialize"/>), or null.</summary>
    /// <returns>The bytes, or null.</returns>
    Task<byte[]?> GetStateAsync();
}
