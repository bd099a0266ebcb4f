namespace JourneyKit.Events;

/// <summary>
/// The exception thrown by <see cref="EventFile.ReadByCustomer(string, EventReaderOptions?, int, Action{EventBatch})"/>
/// when the events are not grouped by customer: a customer's events come back after other customers' events and after
/// the batch holding its earlier events was handed over. Read such a file whole (<see cref="EventFile.Read(string, EventReaderOptions?)"/>),
/// or sort it by customer first.
/// </summary>
public sealed class EventsNotGroupedException : InvalidOperationException
{
    /// <summary>Creates the exception for a customer whose events are not together.</summary>
    /// <param name="customerId">The customer.</param>
    public EventsNotGroupedException(string customerId)
        : base($"The events are not grouped by customer: customer '{customerId}' has events after other customers' events and after a batch holding its earlier events was handed over.")
    {
        CustomerId = customerId;
    }

    /// <summary>Gets the first customer found whose events are not together.</summary>
    public string CustomerId { get; }
}
