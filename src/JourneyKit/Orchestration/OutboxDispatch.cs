using System.Collections.Concurrent;

namespace JourneyKit.Orchestration;

/// <summary>
/// The outcomes of one <see cref="OutboxDispatcher.DispatchDueAsync"/> call. Disposing it releases the claims on the
/// dispatched entries: do it after the outcomes are recorded and saved.
/// </summary>
/// <threadsafety>Not thread-safe.</threadsafety>
public sealed class OutboxDispatch : IDisposable
{
    private readonly ConcurrentDictionary<string, byte> _inFlight;
    private readonly List<string> _claimed = [];
    private readonly List<DispatchOutcome> _outcomes = [];

    internal OutboxDispatch(ConcurrentDictionary<string, byte> inFlight) => _inFlight = inFlight;

    /// <summary>Gets the outcomes, in dispatch order.</summary>
    public IReadOnlyList<DispatchOutcome> Outcomes => _outcomes;

    /// <summary>Gets the number of acknowledged dispatches.</summary>
    public int Acknowledged
    {
        get
        {
            int n = 0;
            foreach (DispatchOutcome o in _outcomes)
            {
                n += o.Acknowledged ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>Releases the claims.</summary>
    public void Dispose()
    {
        foreach (string key in _claimed)
        {
            _inFlight.TryRemove(key, out _);
        }

        _claimed.Clear();
    }

    internal bool TryClaim(string key)
    {
        if (!_inFlight.TryAdd(key, 0))
        {
            return false;
        }

        _claimed.Add(key);
        return true;
    }

    internal void Add(DispatchOutcome outcome) => _outcomes.Add(outcome);
}
