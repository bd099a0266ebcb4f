using JourneyKit.Events;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using Orleans;
using Orleans.Runtime;

namespace JourneyKit.Orleans;

/// <summary>
/// The grain of one (journey, customer): the same driver as <see cref="JourneyEngine"/> for one customer — read the
/// state with its ETag and the log, run the step, save with the ETag, dispatch the outbox, record the outcomes — and a
/// reminder at the state's due time, so stuck and absence timers fire with no new event, on whichever silo holds the
/// grain then. Nothing lives only in the activation: the activation keeps the state it last read or saved with its
/// ETag (one store round trip fewer per call), but every save is checked against that ETag, so a state another writer
/// saved meanwhile (an activation on a silo thought dead, an erasure) is a conflict that drops the copy and reads again;
/// a grain that moves (a silo died) reads its state again.
/// </summary>
internal sealed class JourneyCustomerGrain(JourneyGrainRuntime runtime) : Grain, IJourneyCustomerGrain, IRemindable
{
    private const string ReminderName = "journeykit-due";
    private DateTimeOffset? _reminderDue;
    private bool _reminderKnown;

    /// <summary>The state as last read or saved by this activation, with its ETag and due time; null: read it from the store.</summary>
    private StoredCopy? _copy;

    public async Task<CustomerStepSummary> ProcessAsync(long? earliestEventTicks)
    {
        (string journeyId, string customerId) = JourneyGrainKey.Parse(this.GetPrimaryKeyString());
        JourneyStep step = runtime.GetStep(journeyId);
        JourneyStore store = runtime.Store;
        DateTimeOffset now = runtime.TimeProvider.GetUtcNow();
        int conflicts = 0;
        for (int attempt = 1; ; attempt++)
        {
            StoredCopy? copy = _copy;
            bool fromCopy = copy is not null;
            if (copy is null)
            {
                StoredState? read = await store.Instances.GetAsync(customerId, journeyId).ConfigureAwait(true);
                copy = read is null ? null : new StoredCopy(CustomerState.Deserialize(read.State.Span), read.ETag, read.DueAt);
            }

            CustomerState state = copy?.State ?? step.CreateState(customerId);
            StepResult? result = null;
            if (earliestEventTicks is { } first && state.ResumeFrom is { } from && first >= from.UtcTicks && state.JourneyVersion == step.Journey.Journey.Version)
            {
                result = step.Run(state, StepInput.LogFrom(await store.Events.ReadAsync(customerId, from).ConfigureAwait(true)), now);
            }

            if (result is null || result.Status == StepStatus.WholeLogRequired)
            {
                IReadOnlyList<JourneyEvent> log = await store.Events.ReadAsync(customerId).ConfigureAwait(true);
                result = step.Run(state, StepInput.WholeLog(log), now);
            }

            if (result.Status != StepStatus.Completed)
            {
                _copy = copy;
                return new CustomerStepSummary(0, 0, conflicts);
            }

            bool save = result.StateChanged || (copy is not null && copy.DueAt != result.DueAt);
            if (!save && fromCopy && result.State.Outbox.Count > 0)
            {
                // about to dispatch from the kept copy without a save to prove it current: read the store's state first
                // (an erased customer must not be contacted from a copy)
                _copy = null;
                continue;
            }

            string? etag = copy?.ETag;
            if (save)
            {
                try
                {
                    _copy = null; // until the save answers: a failed save leaves the store's state unknown
                    etag = await store.Instances.SaveAsync(customerId, journeyId, result.State.JourneyVersion, result.State.Serialize(), result.DueAt, etag).ConfigureAwait(true);
                }
                catch (JourneyConcurrencyException) when (attempt < runtime.Options.MaxConflictRetries)
                {
                    conflicts++;
                    continue; // another writer (an activation on a silo thought dead, an erasure) saved in between
                }
            }

            _copy = etag is null ? null : new StoredCopy(result.State, etag, result.DueAt);
            (int dispatched, DateTimeOffset? due, int more) = await DispatchAsync(step, customerId, journeyId, result.State, etag, result.DueAt, now).ConfigureAwait(true);
            await SetReminderAsync(due, now).ConfigureAwait(true);
            return new CustomerStepSummary(result.Interventions.Count, dispatched, conflicts + more);
        }
    }

    public async Task<byte[]?> GetStateAsync()
    {
        (string journeyId, string customerId) = JourneyGrainKey.Parse(this.GetPrimaryKeyString());
        StoredState? stored = await runtime.Store.Instances.GetAsync(customerId, journeyId).ConfigureAwait(true);
        return stored?.State.ToArray();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderKnown = false; // it fired: its next due time is what the step says now
        return ProcessAsync(null);
    }

    /// <summary>Dispatches the saved state's due outbox entries and records the outcomes (re-reading on a conflict).</summary>
    private async Task<(int Dispatched, DateTimeOffset? Due, int Conflicts)> DispatchAsync(JourneyStep step, string customerId, string journeyId, CustomerState state, string? etag, DateTimeOffset? due, DateTimeOffset now)
    {
        if (state.Outbox.Count == 0 || etag is null)
        {
            return (0, due, 0);
        }

        using OutboxDispatch dispatch = await runtime.Outbox.DispatchDueAsync(state, now).ConfigureAwait(true);
        if (dispatch.Outcomes.Count == 0)
        {
            return (0, due, 0);
        }

        for (int attempt = 1; ; attempt++)
        {
            StepResult recorded = step.RecordDispatch(state, dispatch.Outcomes, now);
            try
            {
                _copy = null;
                string saved = await runtime.Store.Instances.SaveAsync(customerId, journeyId, recorded.State.JourneyVersion, recorded.State.Serialize(), recorded.DueAt, etag).ConfigureAwait(true);
                _copy = new StoredCopy(recorded.State, saved, recorded.DueAt);
                return (dispatch.Acknowledged, recorded.DueAt, attempt - 1);
            }
            catch (JourneyConcurrencyException) when (attempt < runtime.Options.MaxConflictRetries)
            {
                StoredState? fresh = await runtime.Store.Instances.GetAsync(customerId, journeyId).ConfigureAwait(true);
                if (fresh is null)
                {
                    return (dispatch.Acknowledged, null, attempt);
                }

                state = CustomerState.Deserialize(fresh.State.Span);
                etag = fresh.ETag;
            }
        }
    }

    private async Task SetReminderAsync(DateTimeOffset? due, DateTimeOffset now)
    {
        if (_reminderKnown && _reminderDue == due)
        {
            return;
        }

        if (due is { } at)
        {
            TimeSpan dueIn = at - now;
            await this.RegisterOrUpdateReminder(ReminderName, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.FromMilliseconds(1), runtime.Options.ReminderPeriod).ConfigureAwait(true);
        }
        else if (await this.GetReminder(ReminderName).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }

        _reminderDue = due;
        _reminderKnown = true;
    }

    /// <summary>A state as the store holds it: decoded, with its ETag and due time.</summary>
    private sealed record StoredCopy(CustomerState State, string ETag, DateTimeOffset? DueAt);
}
