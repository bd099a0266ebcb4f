using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;

namespace JourneyKit.Storage;

/// <summary>
/// A thread-safe, in-process <see cref="JourneyStore"/>: the default when nothing else is configured, and the model
/// the conformance suite compares other providers with. Nothing survives the process.
/// </summary>
/// <threadsafety>All members are thread-safe (one lock).</threadsafety>
public sealed class InMemoryJourneyStore : JourneyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(JourneyEvent Event, long Sequence)>> _events = new(StringComparer.Ordinal);
    private readonly HashSet<(string Customer, string EventId)> _eventIds = []; // event identity; ordinal string equality
    private readonly SortedDictionary<(string Id, int Version), string> _journeys = new();
    private readonly Dictionary<(string Customer, string Journey), StoredState> _states = [];
    private long _sequence;
    private long _etag;

    /// <summary>Creates an empty store.</summary>
    public InMemoryJourneyStore()
    {
        Events = new EventLog(this);
        Definitions = new DefinitionLog(this);
        Instances = new StateLog(this);
    }

    /// <inheritdoc/>
    public override EventStore Events { get; }

    /// <inheritdoc/>
    public override JourneyDefinitionStore Definitions { get; }

    /// <inheritdoc/>
    public override InstanceStateStore Instances { get; }

    /// <inheritdoc/>
    public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            int events = 0;
            if (_events.Remove(customerId, out var list))
            {
                events = list.Count;
                foreach ((JourneyEvent e, _) in list)
                {
                    if (e.EventId is { } id)
                    {
                        _eventIds.Remove((customerId, id));
                    }
                }
            }

            int states = 0;
            foreach (var key in _states.Keys.Where(k => k.Customer == customerId).ToList())
            {
                _states.Remove(key);
                states++;
            }

            return Task.FromResult(new ErasureResult(events, states));
        }
    }

    private sealed class EventLog(InMemoryJourneyStore store) : EventStore
    {
        public override Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(events);
            foreach (JourneyEvent e in events)
            {
                ArgumentNullException.ThrowIfNull(e, nameof(events));
            }

            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                int appended = 0, duplicates = 0;
                foreach (JourneyEvent e in events)
                {
                    if (e.EventId is { } id && !store._eventIds.Add((e.CustomerId, id)))
                    {
                        duplicates++;
                        continue;
                    }

                    if (!store._events.TryGetValue(e.CustomerId, out var list))
                    {
                        store._events[e.CustomerId] = list = [];
                    }

                    // Insert after every event with a timestamp <= this one: timestamp order, ties in append order.
                    int at = list.Count;
                    while (at > 0 && list[at - 1].Event.TimestampTicks > e.TimestampTicks)
                    {
                        at--;
                    }

                    list.Insert(at, (e, ++store._sequence));
                    appended++;
                }

                return Task.FromResult(new AppendResult(appended, duplicates));
            }
        }

        public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            cancellationToken.ThrowIfCancellationRequested();
            long lo = from?.UtcTicks ?? long.MinValue, hi = to?.UtcTicks ?? long.MaxValue;
            lock (store._gate)
            {
                IReadOnlyList<JourneyEvent> result = store._events.TryGetValue(customerId, out var list)
                    ? [.. list.Where(x => x.Event.TimestampTicks >= lo && x.Event.TimestampTicks < hi).Select(x => x.Event)]
                    : [];
                return Task.FromResult(result);
            }
        }

        public override async IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            List<JourneyEvent> snapshot;
            lock (store._gate)
            {
                snapshot = [.. store._events.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .SelectMany(p => p.Value)
                    .Where(x => touchpoints is null || touchpoints.Contains(x.Event.Touchpoint))
                    .Select(x => x.Event)];
            }

            foreach (JourneyEvent e in snapshot)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return e;
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }

        public override Task<long> CountAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                return Task.FromResult((long)store._events.Values.Sum(l => l.Count));
            }
        }
    }

    private sealed class DefinitionLog(InMemoryJourneyStore store) : JourneyDefinitionStore
    {
        public override Task SaveAsync(Journey journey, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(journey);
            journey.EnsureValid();
            cancellationToken.ThrowIfCancellationRequested();
            string json = JourneyJson.Save(journey);
            lock (store._gate)
            {
                if (store._journeys.TryGetValue((journey.Id, journey.Version), out string? existing))
                {
                    return existing == json
                        ? Task.CompletedTask
                        : throw JourneyConcurrencyException.VersionExists(journey.Id, journey.Version);
                }

                store._journeys[(journey.Id, journey.Version)] = json;
                return Task.CompletedTask;
            }
        }

        public override Task<Journey?> GetAsync(string journeyId, int? version = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                string? json = version is { } v
                    ? store._journeys.GetValueOrDefault((journeyId, v))
                    : store._journeys.Where(p => p.Key.Id == journeyId).Select(p => p.Value).LastOrDefault();
                return Task.FromResult(json is null ? null : JourneyJson.Load(json));
            }
        }

        public override Task<IReadOnlyList<(string Id, int Version)>> ListAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                IReadOnlyList<(string, int)> keys = [.. store._journeys.Keys];
                return Task.FromResult(keys);
            }
        }
    }

    private sealed class StateLog(InMemoryJourneyStore store) : InstanceStateStore
    {
        public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                return Task.FromResult(store._states.GetValueOrDefault((customerId, journeyId)));
            }
        }

        public override Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                store._states.TryGetValue((customerId, journeyId), out StoredState? current);
                if (current?.ETag != expectedETag)
                {
                    throw JourneyConcurrencyException.StaleETag(customerId, journeyId, expectedETag);
                }

                string etag = (++store._etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
                store._states[(customerId, journeyId)] = new StoredState(customerId, journeyId, journeyVersion, state.ToArray(), etag, dueAt?.ToUniversalTime());
                return Task.FromResult(etag);
            }
        }

        public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            cancellationToken.ThrowIfCancellationRequested();
            lock (store._gate)
            {
                IReadOnlyList<StoredState> due = [.. store._states.Values
                    .Where(s => s.JourneyId == journeyId && s.DueAt is { } d && d <= asOf)
                    .OrderBy(s => s.DueAt)
                    .ThenBy(s => s.CustomerId, StringComparer.Ordinal)
                    .Take(limit)];
                return Task.FromResult(due);
            }
        }
    }
}
