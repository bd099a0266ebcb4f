using JourneyKit.Events;
using JourneyKit.Orchestration;
using JourneyKit.Storage;

namespace JourneyKit.Hosting.Tests;

/// <summary>A simulated crash at one step.</summary>
internal sealed class InjectedFaultException(string step) : Exception($"injected fault at {step}");

/// <summary>
/// Counts every store and dispatcher operation; the operation numbered <see cref="FailAt"/> fails — before it takes
/// effect, or (<see cref="AfterEffect"/>) after it took effect, like a crash before the caller heard back.
/// </summary>
internal sealed class FaultPlan
{
    private int _step;

    public int FailAt { get; init; } = -1;

    public bool AfterEffect { get; init; }

    public int Steps => _step;

    public List<string> Log { get; } = [];

    public async Task<T> Run<T>(string name, Func<Task<T>> operation)
    {
        int step;
        lock (Log)
        {
            step = ++_step;
            Log.Add(name); // Log[step - 1] names step `step` (the engine may prepare customers concurrently)
        }

        if (step == FailAt && !AfterEffect)
        {
            throw new InjectedFaultException($"{name} #{step} (before)");
        }

        T result = await operation();
        if (step == FailAt && AfterEffect)
        {
            throw new InjectedFaultException($"{name} #{step} (after)");
        }

        return result;
    }
}

internal sealed class FaultyStore(JourneyStore inner, FaultPlan plan) : JourneyStore
{
    public override EventStore Events { get; } = new FaultyEvents(inner.Events, plan);

    public override JourneyDefinitionStore Definitions => inner.Definitions;

    public override InstanceStateStore Instances { get; } = new FaultyInstances(inner.Instances, plan);

    public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) => inner.EraseCustomerAsync(customerId, cancellationToken);

    private sealed class FaultyEvents(EventStore inner, FaultPlan plan) : EventStore
    {
        public override Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default) =>
            plan.Run("append", () => inner.AppendAsync(events, cancellationToken));

        public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default) =>
            plan.Run("read", () => inner.ReadAsync(customerId, from, to, cancellationToken));

        public override IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, CancellationToken cancellationToken = default) => inner.ScanAsync(touchpoints, cancellationToken);

        public override Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);
    }

    private sealed class FaultyInstances(InstanceStateStore inner, FaultPlan plan) : InstanceStateStore
    {
        public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default) =>
            plan.Run("get", () => inner.GetAsync(customerId, journeyId, cancellationToken));

        public override Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default) =>
            plan.Run("save", () => inner.SaveAsync(customerId, journeyId, journeyVersion, state, dueAt, expectedETag, cancellationToken));

        public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default) =>
            plan.Run("due", () => inner.GetDueAsync(journeyId, asOf, limit, cancellationToken));
    }
}

/// <summary>A dispatcher whose calls are steps of the plan; "after" means the receiver got it but the caller did not hear back.</summary>
internal sealed class FaultyDispatcher(InterventionDispatcher inner, FaultPlan plan) : InterventionDispatcher
{
    public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default) =>
        plan.Run("dispatch", async () =>
        {
            await inner.DispatchAsync(intervention, cancellationToken);
            return true;
        });
}
