using JourneyKit.Events;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using Orleans;

namespace JourneyKit.Orleans;

/// <summary>
/// The client side of the cluster: appends events to the shared event log in one atomic, idempotent step, then routes
/// each customer's events to its grain (<see cref="IJourneyCustomerGrain"/>), many customers at once. Works from a
/// silo or from an Orleans client (<c>IClusterClient</c> is an <see cref="IGrainFactory"/>).
/// </summary>
/// <remarks>
/// An acknowledged call means the events are stored and every customer's grain has processed them. A call that
/// throws (a silo died mid-call) may be repeated with the same events: the log de-duplicates them by (customer, event
/// id), and a grain catches up with the log whatever it holds, so nothing is lost and nothing fires twice.
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
public sealed class JourneyIngestionClient
{
    private readonly IGrainFactory _grains;
    private readonly JourneyStore _store;
    private readonly string _journeyId;
    private readonly int _maxConcurrency;

    /// <summary>Creates a client.</summary>
    /// <param name="grains">The grain factory (a cluster client, or a silo's).</param>
    /// <param name="store">The store the silos use.</param>
    /// <param name="journeyId">The journey.</param>
    /// <param name="maxConcurrency">How many grains of one call are processing at once; positive.</param>
    public JourneyIngestionClient(IGrainFactory grains, JourneyStore store, string journeyId, int maxConcurrency = 64)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _grains = grains;
        _store = store;
        _journeyId = journeyId;
        _maxConcurrency = maxConcurrency;
    }

    /// <summary>Appends events and has every customer's grain process them.</summary>
    /// <param name="events">The events, of any customers, in any order.</param>
    /// <param name="cancellationToken">Cancels before the next batch of grain calls.</param>
    /// <returns>What happened (as <see cref="JourneyEngine.IngestBatchAsync"/> says it).</returns>
    public async Task<IngestResult> IngestBatchAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return default;
        }

        var earliest = new Dictionary<string, long>(StringComparer.Ordinal);
        var customers = new List<string>();
        foreach (JourneyEvent e in events)
        {
            if (earliest.TryGetValue(e.CustomerId, out long t))
            {
                earliest[e.CustomerId] = Math.Min(t, e.TimestampTicks);
            }
            else
            {
                earliest[e.CustomerId] = e.TimestampTicks;
                customers.Add(e.CustomerId);
            }
        }

        AppendResult appended = await _store.Events.AppendAsync(events, cancellationToken).ConfigureAwait(false);
        int fired = 0, dispatched = 0, conflicts = 0;
        for (int start = 0; start < customers.Count; start += _maxConcurrency)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(customers.Count, start + _maxConcurrency);
            var calls = new Task<CustomerStepSummary>[end - start];
            for (int i = start; i < end; i++)
            {
                calls[i - start] = Grain(customers[i]).ProcessAsync(earliest[customers[i]]);
            }

            foreach (CustomerStepSummary s in await Task.WhenAll(calls).ConfigureAwait(false))
            {
                fired += s.Fired;
                dispatched += s.Dispatched;
                conflicts += s.Conflicts;
            }
        }

        return new IngestResult(appended.Appended, appended.Duplicates, customers.Count, fired, dispatched, conflicts);
    }

    /// <summary>Gets a customer's state through its grain, or null.</summary>
    /// <param name="customerId">The customer.</param>
    /// <returns>The state, or null.</returns>
    public async Task<CustomerState?> GetStateAsync(string customerId)
    {
        byte[]? bytes = await Grain(customerId).GetStateAsync().ConfigureAwait(false);
        return bytes is null ? null : CustomerState.Deserialize(bytes);
    }

    /// <summary>Gets a customer's grain.</summary>
    /// <param name="customerId">The customer.</param>
    /// <returns>The grain reference.</returns>
    public IJourneyCustomerGrain Grain(string customerId) => _grains.GetGrain<IJourneyCustomerGrain>(JourneyGrainKey.Of(_journeyId, customerId));
}
