using System.Diagnostics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyKit.Orchestration;

/// <summary>
/// Runs a journey's orchestration: ingests customer events into the <see cref="JourneyStore"/>, advances each
/// customer's <see cref="JourneyInstance"/>, evaluates <see cref="JourneyRule"/>s and delivers the resulting
/// <see cref="Intervention"/>s through an <see cref="InterventionDispatcher"/> exactly once in effect.
/// </summary>
/// <remarks>
/// <para><b>Ingest.</b> Events are appended to the event log (idempotent by (customer, event id)) first; the call returns after the
/// customer's state is saved, so an acknowledged event is durable. The customer's state (instance, rule bookkeeping and
/// an <em>outbox</em>) is then caught up with the customer's log — whatever it holds, so an event appended before a crash
/// is applied by the next call — and saved with the ETag it was read with. A lost race re-reads and retries (at most
/// <see cref="OrchestrationOptions.MaxConflictRetries"/> times). Late events (older than the last applied one) make the
/// instance re-evaluate from the log; occurrences keep their identity, so nothing fires twice.</para>
/// <para><b>Outbox.</b> Interventions are recorded in the same save as the state that produced them, then dispatched;
/// acknowledged ones are removed with a second save. An intervention whose dispatch failed, or whose process stopped
/// before it was acknowledged, stays in the outbox and is retried by the next ingest or tick for the customer (the
/// stored due time makes the scheduler find it, also after a restart), with exponential backoff. A retry carries the
/// same <see cref="Intervention.IdempotencyKey"/>.</para>
/// <para><b>Timers.</b> Stuck and risk rules are due at instants derived from the stored state and stored as the
/// state's due time; <see cref="TickAsync"/> evaluates the customers due at <see cref="TimeProvider"/>'s now. Nothing
/// is kept only in memory, so a restart resumes every timer.</para>
/// <para><b>Priorities.</b> Occurrences found in one evaluation are considered by rule priority (highest first), then
/// occurrence time (earliest first), then rule order as given, then occurrence id (ordinal); caps and
/// <see cref="OrchestrationOptions.MaxInterventionsPerEvaluation"/> are applied in that order.</para>
/// <para><b>Shape.</b> The engine is a thin driver around the pure <see cref="JourneyStep"/>: read the state (with its
/// ETag) and the log → step → save with the ETag → dispatch the outbox (<see cref="OutboxDispatcher"/>) → record the
/// outcomes (a second step) and save. Everything it decides, the step decides.</para>
/// <threadsafety>Thread-safe. Evaluations and saves for the same customer are serialized in this engine; dispatching
/// happens outside that lock (a slow receiver does not stall ingestion) and an entry being dispatched is not dispatched
/// again by a concurrent call of the same engine. Several engines (processes) over one store are kept consistent by
/// the ETags.</threadsafety>
/// </remarks>
public sealed class JourneyEngine
{
    private const int LockStripes = 1024;
    private readonly JourneyStep _step;
    private readonly JourneyStore _store;
    private readonly OutboxDispatcher _outbox;
    private readonly JourneyEvaluator _evaluator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim[] _locks;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, JourneyStep> _versions = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, JourneyEvaluator> _evaluators = new();

    /// <summary>Creates an engine.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="store">The store (events and instance states).</param>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="rules">The rules; names unique, stages and moments of truth must exist in the journey.</param>
    /// <param name="options">The options, or null for defaults.</param>
    /// <param name="evaluation">The evaluation options, or null for defaults.</param>
    /// <param name="timeProvider">The clock; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger, or null.</param>
    /// <exception cref="JourneyValidationException">A rule is invalid (the same codes and paths as the journey's own rules; see <see cref="JourneyStep.Create"/>).</exception>
    public JourneyEngine(
        CompiledJourney journey,
        JourneyStore store,
        InterventionDispatcher dispatcher,
        IEnumerable<JourneyRule> rules,
        OrchestrationOptions? options = null,
        EvaluationOptions? evaluation = null,
        TimeProvider? timeProvider = null,
        ILogger<JourneyEngine>? logger = null)
        : this(JourneyStep.Create(journey, rules, options, evaluation), store, dispatcher, timeProvider, logger)
    {
    }

    /// <summary>Creates an engine that drives a step.</summary>
    /// <param name="step">The step: journey, rules and options.</param>
    /// <param name="store">The store (events and instance states).</param>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="timeProvider">The clock; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger, or null.</param>
    public JourneyEngine(JourneyStep step, JourneyStore store, InterventionDispatcher dispatcher, TimeProvider? timeProvider, ILogger<JourneyEngine>? logger)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dispatcher);
        _step = step;
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _evaluator = new JourneyEvaluator(step.Journey, step.Evaluation, _time);
        _outbox = new OutboxDispatcher(dispatcher, new RetryBackoff(step.Options.DispatchRetryDelay, step.Options.MaxDispatchRetryDelay, step.Options.DispatchRetryJitter), _logger);
        _locks = new SemaphoreSlim[LockStripes];
        for (int i = 0; i < _locks.Length; i++)
        {
            _locks[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>
    /// Raised after an ingest, tick or migration saved customers' states (new events applied, rules fired, due times
    /// moved), before their outboxes are dispatched: the hook for read models kept up to date incrementally (the web
    /// sample's <c>/stats</c>). Handlers run synchronously on the ingesting call, outside the customers' locks; keep them
    /// cheap. An exception from a handler is logged and does not fail the ingest (the states are saved).
    /// </summary>
    public event EventHandler<JourneyStatesSavedEventArgs>? StatesSaved;

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey => _step.Journey;

    /// <summary>
    /// Registers the step of an earlier version of the journey, for runs pinned to it
    /// (<see cref="OrchestrationOptions.VersionPolicy"/> <see cref="JourneyVersionPolicy.Pin"/>). A pinned run of a version
    /// without a registered step is moved to the engine's version.
    /// </summary>
    /// <param name="step">The step of the earlier version (same journey id).</param>
    /// <exception cref="ArgumentException">The step is of another journey, or not of an earlier version.</exception>
    public void AddPreviousVersion(JourneyStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Journey.Journey.Id != JourneyId || step.Journey.Journey.Version >= JourneyVersion)
        {
            throw new ArgumentException($"Expected a step of an earlier version of journey '{JourneyId}' (before {JourneyVersion}); got '{step.Journey.Journey.Id}' version {step.Journey.Journey.Version}.", nameof(step));
        }

        _versions[step.Journey.Journey.Version] = step;
        _evaluators[step.Journey.Journey.Version] = new JourneyEvaluator(step.Journey, step.Evaluation, _time);
    }

    /// <summary>Gets the step the engine drives.</summary>
    public JourneyStep Step => _step;

    /// <summary>
    /// Gets the evaluator of the engine's journey version. For a stored instance use <see cref="EvaluatorFor"/>: a run pinned
    /// to an earlier version must be judged with that version's stages and standard times.
    /// </summary>
    public JourneyEvaluator Evaluator => _evaluator;

    /// <summary>
    /// Gets the evaluator to judge a stored run with (status, stuck time, score): the evaluator of the run's own journey
    /// version — the engine's for a run of its version, that of the step registered with <see cref="AddPreviousVersion"/>
    /// for a run pinned to an earlier version (<see cref="JourneyVersionPolicy.Pin"/>). Its <see cref="JourneyEvaluator.Journey"/>
    /// holds the stages the instance's stage indexes refer to. Instances from <see cref="GetInstanceAsync"/> and
    /// <see cref="GetRunsAsync"/> always have one: a run of an unregistered earlier version is moved to the engine's
    /// version when read.
    /// </summary>
    /// <param name="instance">The instance.</param>
    /// <returns>The evaluator, using the engine's <see cref="TimeProvider"/> and the version's evaluation options.</returns>
    /// <exception cref="ArgumentException">The instance is of another journey, or of a version the engine has no step for
    /// (a newer version, or an earlier one that was not registered).</exception>
    public JourneyEvaluator EvaluatorFor(JourneyInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.JourneyId != JourneyId)
        {
            throw new ArgumentException($"The instance is of journey '{instance.JourneyId}'; this engine runs '{JourneyId}'.", nameof(instance));
        }

        if (instance.JourneyVersion == JourneyVersion)
        {
            return _evaluator;
        }

        return _evaluators.TryGetValue(instance.JourneyVersion, out JourneyEvaluator? evaluator)
            ? evaluator
            : throw new ArgumentException($"The instance is of version {instance.JourneyVersion} of journey '{JourneyId}'; this engine runs version {JourneyVersion} and has no step registered for {instance.JourneyVersion} (AddPreviousVersion).", nameof(instance));
    }

    /// <summary>Gets the rules, in the order given.</summary>
    public IReadOnlyList<JourneyRule> Rules => _step.Rules;

    /// <summary>Gets the store.</summary>
    public JourneyStore Store => _store;

    /// <summary>Gets the options.</summary>
    public OrchestrationOptions Options => _step.Options;

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider => _time;

    private string JourneyId => _step.Journey.Journey.Id;

    private int JourneyVersion => _step.Journey.Journey.Version;

    /// <summary>Ingests one event; see <see cref="IngestBatchAsync(IReadOnlyList{JourneyEvent}, CancellationToken)"/>.</summary>
    /// <param name="journeyEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the call; what was saved stays saved.</param>
    /// <returns>What happened.</returns>
    public Task<IngestResult> IngestAsync(JourneyEvent journeyEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journeyEvent);
        return IngestBatchAsync([journeyEvent], cancellationToken);
    }

    /// <summary>
    /// Ingests events of one or many customers: appends them to the event log in one atomic step, then brings each
    /// customer's state up to date, records fired interventions in the outbox in the same save, dispatches them and
    /// records the acknowledgements. Calling again with the same events (same event ids) after a failure is safe.
    /// </summary>
    /// <param name="events">The events, in any order.</param>
    /// <param name="cancellationToken">Cancels the call; what was saved stays saved.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="JourneyStoreException">The store failed; nothing acknowledged is lost, retry the call.</exception>
    public async Task<IngestResult> IngestBatchAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return default;
        }

        long started = _time.GetTimestamp();
        using Activity? activity = OrchestrationTelemetry.ActivitySource.StartActivity("JourneyKit.Ingest");
        activity?.SetTag("journeykit.journey", JourneyId);
        activity?.SetTag("journeykit.events", events.Count);
        var customers = new List<string>();
        var earliest = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < events.Count; i++)
        {
            JourneyEvent e = events[i] ?? throw new ArgumentException($"events[{i}] is null.", nameof(events));
            if (earliest.TryGetValue(e.CustomerId, out long ticks))
            {
                earliest[e.CustomerId] = Math.Min(ticks, e.TimestampTicks);
            }
            else
            {
                earliest[e.CustomerId] = e.TimestampTicks;
                customers.Add(e.CustomerId);
            }
        }

        AppendResult appended = await _store.Events.AppendAsync(events, cancellationToken).ConfigureAwait(false);
        OrchestrationTelemetry.EventsIngested.Add(appended.Appended, OrchestrationTelemetry.Journey(JourneyId));
        if (appended.Duplicates > 0)
        {
            OrchestrationTelemetry.EventsDuplicate.Add(appended.Duplicates, OrchestrationTelemetry.Journey(JourneyId));
        }

        (int fired, int dispatched, int conflicts) = await ProcessManyAsync(customers, earliest, cancellationToken).ConfigureAwait(false);
        if (customers.Count == 1)
        {
            Log.EventsIngested(_logger, appended.Appended, appended.Duplicates, customers[0]);
        }

        OrchestrationTelemetry.IngestDuration.Record(_time.GetElapsedTime(started).TotalSeconds, OrchestrationTelemetry.Journey(JourneyId));
        return new IngestResult(appended.Appended, appended.Duplicates, customers.Count, fired, dispatched, conflicts);
    }

    /// <summary>
    /// Evaluates every customer due now (a stuck or risk rule's due time passed, or an outbox entry waits for a retry):
    /// fires time-based rules without a new event and dispatches pending interventions. Also catches states up with
    /// events appended before a crash. Call it periodically (JourneyKit.Hosting does) and once at start-up. A customer
    /// that cannot be processed (e.g. an unreadable state) is logged and counted in <see cref="TickResult.Failed"/>; the
    /// others are processed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the tick; what was saved stays saved.</param>
    /// <returns>What happened.</returns>
    public async Task<TickResult> TickAsync(CancellationToken cancellationToken = default)
    {
        using Activity? activity = OrchestrationTelemetry.ActivitySource.StartActivity("JourneyKit.Tick");
        DateTimeOffset now = _time.GetUtcNow();
        var processed = new HashSet<string>(StringComparer.Ordinal);
        int fired = 0, dispatched = 0, conflicts = 0, failed = 0;
        while (true)
        {
            IReadOnlyList<StoredState> due = await _store.Instances.GetDueAsync(JourneyId, now, Options.DueBatchSize, cancellationToken).ConfigureAwait(false);
            var batch = new List<string>(due.Count);
            foreach (StoredState state in due)
            {
                if (processed.Add(state.CustomerId))
                {
                    batch.Add(state.CustomerId);
                }
            }

            bool progress = batch.Count > 0;
            if (progress)
            {
                try
                {
                    (int f, int d, int c) = await ProcessManyAsync(batch, null, cancellationToken).ConfigureAwait(false);
                    fired += f;
                    dispatched += d;
                    conflicts += c;
                }
                catch (Exception e) when (e is not OperationCanceledException && batch.Count > 1)
                {
                    // one customer's failure (e.g. an unreadable state) must not stop the others: one by one
                    foreach (string customer in batch)
                    {
                        try
                        {
                            (int f, int d, int c) = await ProcessManyAsync([customer], null, cancellationToken).ConfigureAwait(false);
                            fired += f;
                            dispatched += d;
                            conflicts += c;
                        }
                        catch (Exception inner) when (inner is not OperationCanceledException)
                        {
                            failed++;
                            Log.IngestFailed(_logger, inner, customer);
                        }
                    }
                }
            }

            if (!progress || due.Count < Options.DueBatchSize)
            {
                break;
            }
        }

        Log.TickCompleted(_logger, processed.Count, fired, dispatched);
        activity?.SetTag("journeykit.customers", processed.Count);
        return new TickResult(processed.Count, fired, dispatched, conflicts, failed);
    }

    /// <summary>
    /// Processes every customer of the event log now, in batches of <see cref="OrchestrationOptions.DueBatchSize"/>: after
    /// publishing a new journey version, this moves every stored run (<see cref="JourneyVersionPolicy.Move"/>) and saves it
    /// with the new version's due time, instead of waiting for each customer's next event or stored due time. It reads the
    /// whole event log once (<see cref="EventStore.ScanAsync"/>) and each customer's log again: run it once per publish.
    /// </summary>
    /// <param name="cancellationToken">Cancels between batches; what was saved stays saved.</param>
    /// <returns>What happened (like a tick).</returns>
    public async Task<TickResult> MigrateStoredRunsAsync(CancellationToken cancellationToken = default)
    {
        int customers = 0, fired = 0, dispatched = 0, conflicts = 0;
        var batch = new List<string>(Options.DueBatchSize);
        string? last = null;
        async Task FlushAsync()
        {
            (int f, int d, int c) = await ProcessManyAsync(batch, null, cancellationToken).ConfigureAwait(false);
            customers += batch.Count;
            fired += f;
            dispatched += d;
            conflicts += c;
            batch.Clear();
        }

        await foreach (JourneyEvent e in _store.Events.ScanAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.CustomerId == last)
            {
                continue;
            }

            last = e.CustomerId;
            batch.Add(e.CustomerId);
            if (batch.Count == Options.DueBatchSize)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        if (batch.Count > 0)
        {
            await FlushAsync().ConfigureAwait(false);
        }

        return new TickResult(customers, fired, dispatched, conflicts, 0);
    }

    /// <summary>
    /// Erases a customer (the right to be forgotten): removes the customer's events and instance states, with its rule
    /// bookkeeping and outbox, from the store (<see cref="JourneyStore.EraseCustomerAsync"/>), while holding the customer's
    /// lock, so no evaluation of this engine is half-way through the customer. Events acknowledged before the call are
    /// erased; an event ingested after it starts a new, empty history. Interventions already dispatched are at their
    /// receivers and are not recalled; an intervention being dispatched while the customer is erased is delivered, and
    /// its acknowledgement finds no state and records nothing. The customer id is not logged.
    /// </summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels before anything is removed.</param>
    /// <returns>What was removed (zero counts for an unknown customer).</returns>
    /// <exception cref="JourneyStoreException">The store failed; erase again.</exception>
    public async Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        SemaphoreSlim gate = _locks[StripeOf(customerId)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _store.EraseCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Gets a customer's journey instance as last saved, or null when the customer has no state.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The instance, or null.</returns>
    public async Task<JourneyInstance?> GetInstanceAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        StoredState? stored = await _store.Instances.GetAsync(customerId, JourneyId, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : (await ViewAsync(stored, cancellationToken).ConfigureAwait(false)).Instance;
    }

    /// <summary>
    /// Gets a customer's runs as last saved: the finished ones kept (<see cref="OrchestrationOptions.FinishedRunCapacity"/>)
    /// then the current one; empty when the customer has no state. More than one only for journeys with re-entry.
    /// </summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs, oldest first.</returns>
    public async Task<IReadOnlyList<JourneyInstance>> GetRunsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        StoredState? stored = await _store.Instances.GetAsync(customerId, JourneyId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return [];
        }

        CustomerState state = await ViewAsync(stored, cancellationToken).ConfigureAwait(false);
        return [.. state.FinishedRuns, state.Instance];
    }

    /// <summary>Gets a customer's interventions recorded but not yet acknowledged by the dispatcher.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending interventions, oldest first.</returns>
    public async Task<IReadOnlyList<Intervention>> GetPendingInterventionsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        StoredState? stored = await _store.Instances.GetAsync(customerId, JourneyId, cancellationToken).ConfigureAwait(false);
        return stored is null ? [] : [.. Decode(stored).Outbox.Select(e => e.Intervention)];
    }

    /// <summary>A stored state as the engine would continue it: a run of another version it moves is migrated (in memory, not saved).</summary>
    private async Task<CustomerState> ViewAsync(StoredState stored, CancellationToken cancellationToken)
    {
        CustomerState state = Decode(stored);
        if (state.JourneyVersion == JourneyVersion || state.JourneyVersion > JourneyVersion || (Options.VersionPolicy == JourneyVersionPolicy.Pin && _versions.ContainsKey(state.JourneyVersion)))
        {
            return state;
        }

        IReadOnlyList<JourneyEvent> log = await _store.Events.ReadAsync(stored.CustomerId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return _step.RunOwned(state, StepInput.WholeLog(log), _time.GetUtcNow().UtcTicks, forceMove: true).State;
    }

    private CustomerState Decode(StoredState stored)
    {
        CustomerState state = CustomerState.Deserialize(stored.State.Span);
        return state.CustomerId != stored.CustomerId
            ? throw new FormatException(OrchestrationMessages.WrongCustomer(stored.CustomerId, state.CustomerId))
            : state;
    }

    private StateWrite Write(Work work) => new(work.CustomerId, JourneyId, work.State.JourneyVersion, work.State.Serialize(), work.Due, work.ETag);

    private int StripeOf(string customerId) => (int)((uint)StringComparer.Ordinal.GetHashCode(customerId) % LockStripes);

    /// <summary>
    /// Brings customers up to date, fires rules, saves all states in one <see cref="InstanceStateStore.SaveManyAsync"/>
    /// (conflicted ones are re-read and retried), dispatches their outboxes and records the acknowledgements.
    /// </summary>
    /// <param name="customers">The customers.</param>
    /// <param name="earliest">Per customer, the earliest event time of the call; null (a tick) reads whole logs.</param>
    /// <param name="cancellationToken">Cancels.</param>
    private async Task<(int Fired, int Dispatched, int Conflicts)> ProcessManyAsync(List<string> customers, Dictionary<string, long>? earliest, CancellationToken cancellationToken)
    {
        var stripes = new SortedSet<int>();
        foreach (string customer in customers)
        {
            stripes.Add(StripeOf(customer));
        }

        var held = new List<SemaphoreSlim>(stripes.Count);
        long now;
        var done = new List<Work>(customers.Count);
        var savedStates = new List<CustomerState>();
        int conflicts = 0, fired = 0;
        try
        {
            foreach (int stripe in stripes)
            {
                await _locks[stripe].WaitAsync(cancellationToken).ConfigureAwait(false);
                held.Add(_locks[stripe]);
            }

            now = _time.GetUtcNow().UtcTicks;
            List<string> pending = customers;
            for (int attempt = 1; pending.Count > 0; attempt++)
            {
                var writes = new List<StateWrite>();
                var writing = new List<Work>();
                Work[] prepared = await PrepareManyAsync(pending, earliest, now, cancellationToken).ConfigureAwait(false);
                foreach (Work work in prepared)
                {
                    if (work.Save)
                    {
                        writing.Add(work);
                        writes.Add(Write(work));
                    }
                    else if (work.ETag is not null)
                    {
                        done.Add(work);
                    }
                }

                IReadOnlyList<string?> etags = writes.Count == 0 ? [] : await _store.Instances.SaveManyAsync(writes, cancellationToken).ConfigureAwait(false);
                var retry = new List<string>();
                for (int i = 0; i < writing.Count; i++)
                {
                    if (etags[i] is { } etag)
                    {
                        writing[i].ETag = etag;
                        fired += writing[i].Fired;
                        done.Add(writing[i]);
                        if (StatesSaved is not null)
                        {
                            savedStates.Add(writing[i].State);
                        }
                    }
                    else
                    {
                        retry.Add(writing[i].CustomerId);
                        conflicts++;
                        OrchestrationTelemetry.Conflicts.Add(1, OrchestrationTelemetry.Journey(JourneyId));
                        Log.StateConflict(_logger, writing[i].CustomerId, attempt);
                    }
                }

                if (retry.Count > 0 && attempt >= Options.MaxConflictRetries)
                {
                    throw new JourneyConcurrencyException(OrchestrationMessages.GaveUp(retry[0], attempt));
                }

                pending = retry;
            }
        }
        finally
        {
            foreach (SemaphoreSlim gate in held)
            {
                gate.Release();
            }
        }

        if (fired > 0)
        {
            OrchestrationTelemetry.InterventionsFired.Add(fired, OrchestrationTelemetry.Journey(JourneyId));
        }

        if (StatesSaved is { } saved && savedStates.Count > 0)
        {
            try
            {
                saved(this, new JourneyStatesSavedEventArgs(savedStates));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.BackgroundFailure(_logger, e, "a StatesSaved handler");
            }
        }

        // Dispatch outside the customer locks: a slow receiver must not stall ingestion. Entries being dispatched by
        // this engine are skipped by concurrent calls; acknowledgements are recorded with ETag checks.
        (int dispatched, int ackConflicts) = await DispatchManyAsync(done, now, cancellationToken).ConfigureAwait(false);
        return (fired, dispatched, conflicts + ackConflicts);
    }

    /// <summary>Prepares customers, up to <see cref="OrchestrationOptions.MaxDegreeOfParallelism"/> at a time; results in input order.</summary>
    private async Task<Work[]> PrepareManyAsync(List<string> customers, Dictionary<string, long>? earliest, long now, CancellationToken cancellationToken)
    {
        var works = new Work[customers.Count];
        long? First(string customer) => earliest is not null && earliest.TryGetValue(customer, out long first) ? first : null;

        // one bulk read of the states and one of the logs (one round trip each on stores that override them)
        IReadOnlyList<StoredState?> stored = customers.Count == 1
            ? [await _store.Instances.GetAsync(customers[0], JourneyId, cancellationToken).ConfigureAwait(false)]
            : await _store.Instances.GetManyAsync(JourneyId, customers, cancellationToken).ConfigureAwait(false);
        if (stored.Count != customers.Count)
        {
            throw new JourneyStoreException($"{_store.Instances.GetType().Name}.GetManyAsync returned {stored.Count} states for {customers.Count} customers; it must return one per customer, in order.");
        }

        var plans = new Plan[customers.Count];
        var reads = new CustomerLogRead[customers.Count];
        for (int i = 0; i < plans.Length; i++)
        {
            plans[i] = MakePlan(customers[i], stored[i], First(customers[i]));
            reads[i] = new CustomerLogRead(customers[i], plans[i].TailFrom);
        }

        IReadOnlyList<IReadOnlyList<JourneyEvent>> logs = customers.Count == 1
            ? [await _store.Events.ReadAsync(customers[0], reads[0].From, cancellationToken: cancellationToken).ConfigureAwait(false)]
            : await _store.Events.ReadManyAsync(reads, cancellationToken).ConfigureAwait(false);
        if (logs.Count != customers.Count)
        {
            throw new JourneyStoreException($"{_store.Events.GetType().Name}.ReadManyAsync returned {logs.Count} logs for {customers.Count} reads; it must return one per read, in order.");
        }
        if (customers.Count == 1 || Options.MaxDegreeOfParallelism == 1)
        {
            for (int i = 0; i < works.Length; i++)
            {
                works[i] = await PrepareAsync(customers[i], stored[i], plans[i], logs[i], now, cancellationToken).ConfigureAwait(false);
            }

            return works;
        }

        int next = -1;
        var workers = new Task[Math.Min(Options.MaxDegreeOfParallelism, customers.Count)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < works.Length)
                    {
                        works[i] = await PrepareAsync(customers[i], stored[i], plans[i], logs[i], now, cancellationToken).ConfigureAwait(false);
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        return works;
    }

    /// <summary>What a customer's evaluation starts from: its state, the step that runs it, and which log it reads.</summary>
    /// <param name="State">The decoded (or new) state.</param>
    /// <param name="Step">The step (the engine's, or a pinned earlier version's).</param>
    /// <param name="ForceMove">Move the run to the engine's version.</param>
    /// <param name="TailFrom">Read the log from here (the call's events are not older than the state's resume instant); null: the whole log.</param>
    private readonly record struct Plan(CustomerState State, JourneyStep Step, bool ForceMove, DateTimeOffset? TailFrom);

    private Plan MakePlan(string customerId, StoredState? stored, long? earliestIncoming)
    {
        CustomerState state = stored is null ? _step.CreateState(customerId) : Decode(stored);
        JourneyStep step = _step;
        bool forceMove = false;
        if (state.JourneyVersion != JourneyVersion && Options.VersionPolicy == JourneyVersionPolicy.Pin)
        {
            forceMove = !_versions.TryGetValue(state.JourneyVersion, out JourneyStep? pinned);
            step = pinned ?? _step;
        }

        DateTimeOffset? tail = earliestIncoming is { } first && state.ResumeFrom is { } from && first >= from.UtcTicks && state.JourneyVersion == step.Journey.Journey.Version ? from : null;
        return new Plan(state, step, forceMove, tail);
    }

    /// <summary>
    /// Runs the step over the log read in bulk (the tail from the state's resume instant, or the whole log; see
    /// <see cref="MakePlan"/>); reads the whole log after all when the step asks for it. Says whether the state must be saved.
    /// </summary>
    private async Task<Work> PrepareAsync(string customerId, StoredState? stored, Plan plan, IReadOnlyList<JourneyEvent> log, long now, CancellationToken cancellationToken)
    {
        (CustomerState state, JourneyStep step, bool forceMove, DateTimeOffset? tail) = plan;
        StepResult result = tail is not null ? step.RunOwned(state, StepInput.LogFrom(log), now) : step.RunOwned(state, StepInput.WholeLog(log), now, forceMove);
        if (tail is not null && result.Status == StepStatus.WholeLogRequired)
        {
            IReadOnlyList<JourneyEvent> whole = await _store.Events.ReadAsync(customerId, cancellationToken: cancellationToken).ConfigureAwait(false);
            result = step.RunOwned(state, StepInput.WholeLog(whole), now, forceMove);
        }

        if (result.Status == StepStatus.OtherVersion)
        {
            // a run of a newer version than this engine's (another process was upgraded first): leave it alone
            return new Work(customerId, state, stored?.ETag, stored?.DueAt, false, 0);
        }

        LogDecisions(customerId, result);
        bool save = stored is null ? result.StateChanged : result.StateChanged || stored.DueAt != result.DueAt;
        return new Work(customerId, result.State, stored?.ETag, result.DueAt, save, result.Interventions.Count);
    }

    private void LogDecisions(string customerId, StepResult result)
    {
        foreach (Intervention i in result.Interventions)
        {
            Log.InterventionFired(_logger, i.Rule, i.Name, customerId, i.Occurrence, i.IdempotencyKey);
        }

        foreach (OccurrenceDecision d in result.Decisions)
        {
            if (d.Outcome is not OccurrenceOutcome.Fired and not OccurrenceOutcome.History)
            {
                OrchestrationTelemetry.InterventionsDropped.Add(1, OrchestrationTelemetry.Dropped(JourneyId, d.Rule, d.Outcome));
                Log.InterventionDropped(_logger, d.Rule, customerId, d.Occurrence, Reason(d.Outcome));
            }
        }
    }

    private static string Reason(OccurrenceOutcome outcome) => outcome switch
    {
        OccurrenceOutcome.Suppressed => "the customer already progressed",
        OccurrenceOutcome.Cooldown => "cooldown",
        OccurrenceOutcome.RuleFrequencyCap => "rule frequency cap",
        OccurrenceOutcome.CustomerFrequencyCap => "customer frequency cap",
        _ => "evaluation limit",
    };

    /// <summary>Dispatches the outbox entries due now of saved states, then records acknowledgements and failures.</summary>
    private async Task<(int Dispatched, int Conflicts)> DispatchManyAsync(List<Work> works, long now, CancellationToken cancellationToken)
    {
        var batches = new List<OutboxDispatch>();
        try
        {
            var recorded = new List<(Work Work, IReadOnlyList<DispatchOutcome> Outcomes)>();
            var at = new DateTimeOffset(now, TimeSpan.Zero);
            int dispatched = 0;
            foreach (Work work in works)
            {
                if (work.State.OutboxList.Count == 0)
                {
                    continue;
                }

                OutboxDispatch batch = await _outbox.DispatchDueAsync(work.State, at, cancellationToken).ConfigureAwait(false);
                batches.Add(batch);
                if (batch.Outcomes.Count > 0)
                {
                    StepResult result = _step.RecordDispatchOwned(work.State, batch.Outcomes, now);
                    work.Due = result.DueAt;
                    recorded.Add((work, batch.Outcomes));
                    dispatched += batch.Acknowledged;
                }
            }

            if (recorded.Count == 0)
            {
                return (0, 0);
            }

            var writes = new List<StateWrite>(recorded.Count);
            foreach ((Work work, _) in recorded)
            {
                writes.Add(Write(work));
            }

            IReadOnlyList<string?> etags = await _store.Instances.SaveManyAsync(writes, cancellationToken).ConfigureAwait(false);
            int conflicts = 0;
            for (int i = 0; i < recorded.Count; i++)
            {
                if (etags[i] is null)
                {
                    // someone saved in between: record the outcomes on the fresh state
                    conflicts += await RecordOutcomesAsync(recorded[i].Work.CustomerId, recorded[i].Outcomes, now, cancellationToken).ConfigureAwait(false);
                }
            }

            return (dispatched, conflicts);
        }
        finally
        {
            foreach (OutboxDispatch batch in batches)
            {
                batch.Dispose();
            }
        }
    }

    /// <summary>Re-reads a state and records dispatch outcomes on it, retrying conflicts.</summary>
    private async Task<int> RecordOutcomesAsync(string customerId, IReadOnlyList<DispatchOutcome> outcomes, long now, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            StoredState? fresh = await _store.Instances.GetAsync(customerId, JourneyId, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                return attempt;
            }

            StepResult result = _step.RecordDispatchOwned(Decode(fresh), outcomes, now);
            try
            {
                await _store.Instances.SaveAsync(customerId, JourneyId, result.State.JourneyVersion, result.State.Serialize(), result.DueAt, fresh.ETag, cancellationToken).ConfigureAwait(false);
                return attempt;
            }
            catch (JourneyConcurrencyException e)
            {
                OrchestrationTelemetry.Conflicts.Add(1, OrchestrationTelemetry.Journey(JourneyId));
                Log.StateConflict(_logger, customerId, attempt);
                if (attempt >= Options.MaxConflictRetries)
                {
                    throw new JourneyConcurrencyException(OrchestrationMessages.GaveUp(customerId, attempt), e);
                }
            }
        }
    }

    /// <summary>One customer's evaluation in a batch.</summary>
    private sealed class Work(string customerId, CustomerState state, string? etag, DateTimeOffset? due, bool save, int fired)
    {
        public string CustomerId { get; } = customerId;

        public CustomerState State { get; } = state;

        public string? ETag { get; set; } = etag;

        public DateTimeOffset? Due { get; set; } = due;

        public bool Save { get; } = save;

        public int Fired { get; } = fired;
    }
}
