using JourneyKit.Internal;

namespace JourneyKit.Events.Internal;

/// <summary>
/// Cuts a read into batches of whole customers (<see cref="EventFile.ReadByCustomer(string, EventReaderOptions?, int, Action{EventBatch})"/>):
/// remembers a 64-bit hash of every customer of the batches handed over, so a customer coming back after its batch was cut
/// (input not grouped by customer) is caught. A hash collision can only report a grouped file as not grouped, never the
/// other way round. Sorting a file by customer on disk (<see cref="CustomerSortedEvents"/>) cuts runs the same way
/// without the check (<paramref name="checksGrouping"/> false): a customer may come back in a later run.
/// </summary>
internal sealed class CustomerBatchSplitter(int batchEvents, Action<EventBatch> hand, bool checksGrouping = true)
{
    /// <summary>Gets or sets the order of a batch's customer runs (<see cref="EventBatchBuilder.BuildRanked"/>), from its
    /// customer table; null for id order.</summary>
    public Func<SymbolTable, int[]>? Rank { get; init; }

    private readonly HashSet<ulong> _earlier = [];

    /// <summary>Gets the number of events at or above which a batch is cut before the next new customer.</summary>
    public int BatchEvents { get; } = batchEvents;

    /// <summary>Gets the number of batches handed over.</summary>
    public int Batches { get; private set; }

    /// <summary>Throws <see cref="EventsNotGroupedException"/> when <paramref name="customerId"/> was in a batch handed over.</summary>
    public void CheckNew(ReadOnlySpan<char> customerId)
    {
        if (checksGrouping && _earlier.Count > 0 && _earlier.Contains(CustomerHash.Of(customerId)))
        {
            throw new EventsNotGroupedException(customerId.ToString());
        }
    }

    /// <summary>Remembers every customer of a batch about to be handed over.</summary>
    public void Remember(SymbolTable customers)
    {
        if (!checksGrouping)
        {
            return;
        }

        // No EnsureCapacity(Count + batch) here: it resizes to exactly that (the next prime), so every batch copied the
        // whole set again — quadratic; 19.4 M customers in batches of 50,000 took 83 s of CPU instead of 2.6 s.
        // Add's own growth doubles.
        for (int c = 0; c < customers.Count; c++)
        {
            _earlier.Add(CustomerHash.Of(customers[c]));
        }
    }

    /// <summary>Hands a batch over.</summary>
    public void Hand(EventBatch batch)
    {
        Batches++;
        hand(batch);
    }
}
