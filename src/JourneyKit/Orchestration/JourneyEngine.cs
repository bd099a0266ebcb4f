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
/// <threadsafety>Thread-safe. Evaluations and saves for the same customer are serialized in this engine; dispatching
/// happens outside that lock (a slow receiver does not stall ingestion) and an entry being dispatched is not dispatched
/// again by a concurrent call of the same engine. Several engines (processes) over one store are kept consistent by
/// the ETags.</threadsafety>
/// </remarks>
public sealed class JourneyEngine
{
    private const int LockStripes = 1024;
    private readonly CompiledJourney _journey;
    private readonly JourneyStore _store;
    private readonly InterventionDispatcher _dispatcher;
    private readonly CompiledRule[] _rules;
    private readonly OrchestrationOptions _options;
    private readonly JourneyEvaluator _evaluator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim[] _locks;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Creates an engine.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="store">The store (events and instance states).</param>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="rules">The rules; names unique, stages and moments of truth must exist in the journey.</param>
    /// <param name="options">The options, or null for defaults.</param>
    /// <param name="evaluation">The evaluation options, or null for defaults.</param>
    /// <param name="timeProvider">The clock; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger, or null.</param>
    /// <exception cref="JourneyValidationException">A rule names an unknown stage or moment of truth, or two rules share a name.</exception>
    public JourneyEngine(
        CompiledJourney journey,
        JourneyStore store,
        InterventionDispatcher dispatcher,
        IEnumerable<JourneyRule> rules,
        OrchestrationOptions? options = null,
        EvaluationOptions? evaluation = null,
        TimeProvider? timeProvider = null,
        ILogger<JourneyEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(rules);
        if (journey.Journey.Reentry != ReentryPolicy.Never)
        {
            // Until the engine keeps one stored state per run, a journey with re-entry would silently lose later runs.
            throw new NotSupportedException($"Journey '{journey.Journey.Id}' allows re-entry ({journey.Journey.Reentry}); the orchestration engine does not run re-entrant journeys yet. Analyse them with JourneyEvaluator / JourneyAnalyzer.");
        }

        options ??= new OrchestrationOptions();
        options.Validate();
        _journey = journey;
        _store = store;
        _dispatcher = dispatcher;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _evaluator = new JourneyEvaluator(journey, evaluation, _time);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _rules = CompileRules(journey, [.. rules]);
        Rules = [.. _rules.Select(r => r.Rule)];
        _locks = new SemaphoreSlim[LockStripes];
        for (int i = 0; i < _locks.Length; i++)
        {
            _locks[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey => _journey;

    /// <summary>Gets the evaluator (for status and scores of stored instances).</summary>
    public JourneyEvaluator Evaluator => _evaluator;

    /// <summary>Gets the rules, in the order given.</summary>
    public IReadOnlyList<JourneyRule> Rules { get; }

    /// <summary>Gets the store.</summary>
    public JourneyStore Store => _store;

    /// <summary>Gets the options.</summary>
    public OrchestrationOptions Options => _options;

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider => _time;

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
        activity?.SetTag("journeykit.journey", _journey.Journey.Id);
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
        OrchestrationTelemetry.EventsIngested.Add(appended.Appended);
        if (appended.Duplicates > 0)
        {
            OrchestrationTelemetry.EventsDuplicate.Add(appended.Duplicates);
        }

        (int fired, int dispatched, int conflicts) = await ProcessManyAsync(customers, earliest, cancellationToken).ConfigureAwait(false);
        if (customers.Count == 1)
        {
            Log.EventsIngested(_logger, appended.Appended, appended.Duplicates, customers[0]);
        }

        OrchestrationTelemetry.IngestDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
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
            IReadOnlyList<StoredState> due = await _store.Instances.GetDueAsync(_journey.Journey.Id, now, _options.DueBatchSize, cancellationToken).ConfigureAwait(false);
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

            if (!progress || due.Count < _options.DueBatchSize)
            {
                break;
            }
        }

        Log.TickCompleted(_logger, processed.Count, fired, dispatched);
        activity?.SetTag("journeykit.customers", processed.Count);
        return new TickResult(processed.Count, fired, dispatched, conflicts, failed);
    }

    /// <summary>Gets a customer's journey instance as last saved, or null when the customer has no state.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The instance, or null.</returns>
    public async Task<JourneyInstance?> GetInstanceAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        StoredState? stored = await _store.Instances.GetAsync(customerId, _journey.Journey.Id, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : Decode(stored).Instance;
    }

    /// <summary>Gets a customer's interventions recorded but not yet acknowledged by the dispatcher.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pending interventions, oldest first.</returns>
    public async Task<IReadOnlyList<Intervention>> GetPendingInterventionsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        StoredState? stored = await _store.Instances.GetAsync(customerId, _journey.Journey.Id, cancellationToken).ConfigureAwait(false);
        return stored is null ? [] : [.. Decode(stored).Outbox.Select(e => e.Intervention)];
    }

    private static CompiledRule[] CompileRules(CompiledJourney journey, JourneyRule[] rules)
    {
        var problems = new List<JourneyProblem>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new CompiledRule[rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            JourneyRule rule = rules[i] ?? throw new ArgumentException($"rules[{i}] is null.", nameof(rules));
            if (!names.Add(rule.Name))
            {
                problems.Add(new JourneyProblem("JK3001", $"rules[{i}].name", OrchestrationMessages.DuplicateRule(rule.Name)));
            }

            int stage = -1;
            if (rule.When.Stage is { } stageId)
            {
                stage = IndexOfStage(journey, stageId);
                if (stage < 0)
                {
                    problems.Add(new JourneyProblem("JK3002", $"rules[{i}].when.stage", OrchestrationMessages.UnknownStage(stageId, journey.Journey.Id)));
                }
            }

            int moment = -1;
            if (rule.When.MomentOfTruthId is { } momentId)
            {
                for (int m = 0; m < journey.Journey.MomentsOfTruth.Count; m++)
                {
                    if (journey.Journey.MomentsOfTruth[m].Id == momentId)
                    {
                        moment = m;
                    }
                }

                if (moment < 0)
                {
                    problems.Add(new JourneyProblem("JK3003", $"rules[{i}].when.momentOfTruth", OrchestrationMessages.UnknownMoment(momentId, journey.Journey.Id)));
                }
            }

            compiled[i] = new CompiledRule(rule, i, stage, moment);
        }

        return problems.Count > 0 ? throw new JourneyValidationException(problems) : compiled;
    }

    private static int IndexOfStage(CompiledJourney journey, string stageId)
    {
        for (int s = 0; s < journey.Stages.Length; s++)
        {
            if (journey.Stages[s].Id == stageId)
            {
                return s;
            }
        }

        return -1;
    }

    private OrchestrationState Decode(StoredState stored)
    {
        OrchestrationState state = OrchestrationState.Deserialize(stored.State.Span);
        if (state.Instance.CustomerId != stored.CustomerId)
        {
            throw new FormatException(OrchestrationMessages.WrongCustomer(stored.CustomerId, state.Instance.CustomerId));
        }

        if (state.Instance.JourneyVersion != _journey.Journey.Version)
        {
            // Another journey version: re-evaluate from the log; rule bookkeeping and the outbox carry over.
            state.Instance = _evaluator.CreateInstance(stored.CustomerId);
            state.AppliedHash = EventFingerprint.Seed;
            state.AppliedAtLast = 0;
        }

        return state;
    }

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
                    string customer = work.CustomerId;
                    if (work.Save)
                    {
                        writing.Add(work);
                        writes.Add(new StateWrite(customer, _journey.Journey.Id, _journey.Journey.Version, work.State.Serialize(), work.Due, work.ETag));
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
                    }
                    else
                    {
                        retry.Add(writing[i].CustomerId);
                        conflicts++;
                        OrchestrationTelemetry.Conflicts.Add(1);
                        Log.StateConflict(_logger, writing[i].CustomerId, attempt);
                    }
                }

                if (retry.Count > 0 && attempt >= _options.MaxConflictRetries)
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
            OrchestrationTelemetry.InterventionsFired.Add(fired);
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
        if (customers.Count == 1 || _options.MaxDegreeOfParallelism == 1)
        {
            for (int i = 0; i < works.Length; i++)
            {
                works[i] = await PrepareAsync(customers[i], now, First(customers[i]), cancellationToken).ConfigureAwait(false);
            }

            return works;
        }

        int next = -1;
        var workers = new Task[Math.Min(_options.MaxDegreeOfParallelism, customers.Count)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < works.Length)
                    {
                        works[i] = await PrepareAsync(customers[i], now, First(customers[i]), cancellationToken).ConfigureAwait(false);
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        return works;
    }

    /// <summary>
    /// Reads a customer's state and log, catches up, fires rules; says whether the state must be saved. When the call's
    /// events are not older than the last applied one, only the log from the last applied time is read; otherwise (late
    /// events, ticks) the whole log, checked against the fingerprint of the applied events.
    /// </summary>
    private async Task<Work> PrepareAsync(string customerId, long now, long? earliestIncoming, CancellationToken cancellationToken)
    {
        StoredState? stored = await _store.Instances.GetAsync(customerId, _journey.Journey.Id, cancellationToken).ConfigureAwait(false);
        OrchestrationState state = stored is null ? new OrchestrationState(_evaluator.CreateInstance(customerId)) : Decode(stored);
        JourneyInstance current = state.Instance;
        IReadOnlyList<JourneyEvent>? log = null;
        bool partial = false;
        if (earliestIncoming is { } first && current.EventCount > 0 && state.AppliedAtLast > 0 && first >= current.LastEventTicks)
        {
            log = await _store.Events.ReadAsync(customerId, new DateTimeOffset(current.LastEventTicks, TimeSpan.Zero), cancellationToken: cancellationToken).ConfigureAwait(false);
            partial = log.Count >= state.AppliedAtLast;
            for (int i = 0; partial && i < state.AppliedAtLast; i++)
            {
                partial = log[i].TimestampTicks == current.LastEventTicks;
            }
        }

        if (!partial)
        {
            log = await _store.Events.ReadAsync(customerId, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var candidates = new List<Candidate>();
        bool changed = CatchUp(state, log!, partial, candidates);
        CollectTimed(state, now, candidates);
        (int fired, bool handled) = Fire(state, candidates, now);
        changed |= handled;
        DateTimeOffset? due = DueAt(state, now);
        bool save = stored is null ? changed : changed || stored.DueAt != due;
        return new Work(customerId, state, stored?.ETag, due, save, fired);
    }

    /// <summary>
    /// Applies the log events the state has not seen; re-evaluates from scratch when the log changed before them. A
    /// partial log starts at the last applied time, its first <see cref="OrchestrationState.AppliedAtLast"/> events applied.
    /// </summary>
    private bool CatchUp(OrchestrationState state, IReadOnlyList<JourneyEvent> log, bool partial, List<Candidate> candidates)
    {
        JourneyInstance instance = state.Instance;
        int applied = partial ? state.AppliedAtLast : instance.EventCount;
        bool rebuild = !partial && log.Count < applied;
        ulong hash = partial ? state.AppliedHash : EventFingerprint.Seed;
        if (!rebuild && !partial)
        {
            for (int i = 0; i < applied; i++)
            {
                hash = EventFingerprint.Add(hash, log[i]);
            }

            rebuild = hash != state.AppliedHash;
        }

        if (!rebuild && log.Count == applied)
        {
            return false;
        }

        int start = applied, oldVisits = instance.Visits.Count, oldHits = instance.MomentsOfTruth.Count;
        if (rebuild)
        {
            instance = _evaluator.CreateInstance(instance.CustomerId);
            state.Instance = instance;
            hash = EventFingerprint.Seed;
            start = oldVisits = oldHits = 0;
            foreach (RuleBook book in state.Rules.Values)
            {
                book.Pattern = null;
            }
        }

        foreach (CompiledRule rule in _rules)
        {
            if (rule.Rule.When.Kind == RuleTriggerKind.PatternMatched)
            {
                RuleBook book = state.Book(rule.Rule.Name);
                book.Pattern ??= rule.Rule.When.Pattern!.CreateState();
            }
        }

        for (int i = start; i < log.Count; i++)
        {
            JourneyEvent e = log[i];
            _evaluator.Advance(instance, e);
            hash = EventFingerprint.Add(hash, e);
            foreach (CompiledRule rule in _rules)
            {
                if (rule.Rule.When.Kind != RuleTriggerKind.PatternMatched)
                {
                    continue;
                }

                Matching.Pattern.CompiledPattern pattern = rule.Rule.When.Pattern!;
                Matching.Pattern.PatternState ps = state.Book(rule.Rule.Name).Pattern!;
                int before = pattern.GetResult(ps).Count;
                pattern.Advance(ps, e);
                int after = pattern.GetResult(ps).Count;
                for (int k = before + 1; k <= after; k++)
                {
                    candidates.Add(new Candidate(rule, $"pattern:{k}", e.TimestampTicks, -1, -1));
                }
            }
        }

        state.AppliedHash = hash;
        int atLast = 0;
        for (int i = log.Count - 1; i >= 0 && log[i].TimestampTicks == instance.LastEventTicks; i--)
        {
            atLast++;
        }

        state.AppliedAtLast = atLast;
        CollectStages(instance, oldVisits, candidates);
        CollectMoments(instance, oldHits, candidates);
        return true;
    }

    private void CollectStages(JourneyInstance instance, int oldVisits, List<Candidate> candidates)
    {
        var entries = new int[_journey.Stages.Length];
        IReadOnlyList<StageVisit> visits = instance.Visits;
        for (int v = 0; v < visits.Count; v++)
        {
            StageVisit visit = visits[v];
            int n = ++entries[visit.Stage];
            string stageId = _journey.Stages[visit.Stage].Id;
            foreach (CompiledRule rule in _rules)
            {
                if (rule.Stage >= 0 && rule.Stage != visit.Stage)
                {
                    continue;
                }

                if (rule.Rule.When.Kind == RuleTriggerKind.EnteredStage && v >= oldVisits)
                {
                    candidates.Add(new Candidate(rule, $"entered:{stageId}:{n}", visit.EnteredTicks, visit.Stage, v));
                }
                else if (rule.Rule.When.Kind == RuleTriggerKind.LeftStage && v >= oldVisits - 1 && visit.ExitedTicks is { } exited)
                {
                    candidates.Add(new Candidate(rule, $"left:{stageId}:{n}", exited, visit.Stage, -1));
                }
            }
        }
    }

    private void CollectMoments(JourneyInstance instance, int oldHits, List<Candidate> candidates)
    {
        var hitsOf = new int[_journey.MomentCount];
        IReadOnlyList<MomentOfTruthHit> hits = instance.MomentsOfTruth;
        for (int h = 0; h < hits.Count; h++)
        {
            MomentOfTruthHit hit = hits[h];
            int n = ++hitsOf[hit.Moment];
            if (h < oldHits)
            {
                continue;
            }

            foreach (CompiledRule rule in _rules)
            {
                RuleTrigger when = rule.Rule.When;
                if (when.Kind == RuleTriggerKind.MomentOfTruth && (rule.Moment < 0 || rule.Moment == hit.Moment) && (when.Outcome is null || when.Outcome == hit.Outcome))
                {
                    candidates.Add(new Candidate(rule, $"moment:{_journey.Journey.MomentsOfTruth[hit.Moment].Id}:{n}", hit.Ticks, -1, -1));
                }
            }
        }
    }

    /// <summary>Time-based occurrences (stuck, risk) of the current stay that are due at <paramref name="now"/>.</summary>
    private void CollectTimed(OrchestrationState state, long now, List<Candidate> candidates)
    {
        foreach (TimedRule t in TimedRules(state, now))
        {
            if (t.DueTicks <= now)
            {
                candidates.Add(new Candidate(t.Rule, t.Key, t.DueTicks, t.Stage, t.Visit));
            }
        }
    }

    /// <summary>The stuck and risk rules applying to the current stay, with their due instants (long.MaxValue: never).</summary>
    private List<TimedRule> TimedRules(OrchestrationState state, long now)
    {
        var result = new List<TimedRule>();
        JourneyInstance instance = state.Instance;
        if (instance.CurrentStage < 0 || instance.CurrentStageEnteredTicks is not { } entered)
        {
            return result;
        }

        int s = instance.CurrentStage;
        Stage stage = _journey.Stages[s];
        if (stage.IsTerminal)
        {
            return result;
        }

        int n = 0;
        IReadOnlyList<StageVisit> visits = instance.Visits;
        for (int v = 0; v < visits.Count; v++)
        {
            if (visits[v].Stage == s)
            {
                n++;
            }
        }

        int visit = visits.Count - 1;
        foreach (CompiledRule rule in _rules)
        {
            RuleTrigger when = rule.Rule.When;
            if (rule.Stage >= 0 && rule.Stage != s)
            {
                continue;
            }

            if (when.Kind == RuleTriggerKind.StuckInStage && stage.StandardTime > TimeSpan.Zero)
            {
                long due = SaturatingAdd(entered, (long)Math.Ceiling(stage.StandardTime.Ticks * when.StandardTimeFraction));
                result.Add(new TimedRule(rule, $"stuck:{stage.Id}:{n}", due, s, visit));
            }
            else if (when.Kind == RuleTriggerKind.RiskAtLeast)
            {
                TimeSpan? reach = _options.RiskEstimator.TimeInStageToReach(_journey, instance, when.Threshold);
                long due;
                if (reach is { } r)
                {
                    due = r == TimeSpan.MaxValue ? long.MaxValue : SaturatingAdd(entered, r.Ticks);
                }
                else
                {
                    double risk = _options.RiskEstimator.Estimate(_journey, instance, TimeSpan.FromTicks(Math.Max(0, now - entered)));
                    due = risk >= when.Threshold ? now : SaturatingAdd(now, _options.RiskRecheckInterval.Ticks);
                }

                result.Add(new TimedRule(rule, $"risk:{stage.Id}:{n}", due, s, visit));
            }
        }

        return result;
    }

    private static long SaturatingAdd(long a, long b) => b > DateTimeOffset.MaxValue.UtcTicks - a ? long.MaxValue : a + b;

    /// <summary>Decides which occurrences become interventions; records them in the outbox.</summary>
    private (int Fired, bool Changed) Fire(OrchestrationState state, List<Candidate> candidates, long now)
    {
        if (candidates.Count == 0)
        {
            return (0, false);
        }

        candidates.Sort(static (a, b) =>
        {
            int c = b.Rule.Rule.Priority.CompareTo(a.Rule.Rule.Priority);
            if (c == 0)
            {
                c = a.Ticks.CompareTo(b.Ticks);
            }

            if (c == 0)
            {
                c = a.Rule.Index.CompareTo(b.Rule.Index);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        });
        JourneyInstance instance = state.Instance;
        string customer = instance.CustomerId;
        int fired = 0;
        bool changed = false;
        foreach (Candidate c in candidates)
        {
            JourneyRule rule = c.Rule.Rule;
            if (!state.MarkHandled(rule.Name + "|" + c.Key, _options.HandledOccurrenceCapacity))
            {
                continue;
            }

            changed = true;
            RuleBook book = state.Book(rule.Name);
            string? reason = null;
            if (rule.SuppressWhenProgressed && c.Visit >= 0 && c.Visit != instance.Visits.Count - 1)
            {
                reason = "the customer already progressed";
            }
            else if (rule.Cooldown > TimeSpan.Zero && book.LastFiredTicks >= 0 && Math.Abs(c.Ticks - book.LastFiredTicks) < rule.Cooldown.Ticks)
            {
                reason = "cooldown";
            }
            else if (rule.MaxPerPeriod > 0 && CountWithin(book.FiredTicks, c.Ticks, rule.CapPeriod) >= rule.MaxPerPeriod)
            {
                reason = "rule frequency cap";
            }
            else if (_options.MaxInterventionsPerCustomer > 0 && CountWithin(state.FiredTicks, c.Ticks, _options.FrequencyCapPeriod) >= _options.MaxInterventionsPerCustomer)
            {
                reason = "customer frequency cap";
            }
            else if (fired >= _options.MaxInterventionsPerEvaluation)
            {
                reason = "evaluation limit";
            }

            if (reason is not null)
            {
                OrchestrationTelemetry.InterventionsDropped.Add(1);
                Log.InterventionDropped(_logger, rule.Name, customer, c.Key, reason);
                continue;
            }

            var intervention = new Intervention
            {
                Name = rule.Then.Name,
                CustomerId = customer,
                JourneyId = _journey.Journey.Id,
                Rule = rule.Name,
                Channel = rule.Then.Channel,
                TemplateId = rule.Then.TemplateId,
                Priority = rule.Priority,
                Parameters = rule.Then.Parameters,
                Occurrence = c.Key,
                OccurredAt = new DateTimeOffset(c.Ticks, TimeSpan.Zero),
                Stage = c.Stage >= 0 ? _journey.Stages[c.Stage].Id : null,
                IdempotencyKey = Intervention.DeriveIdempotencyKey(_journey.Journey.Id, customer, rule.Name, c.Key),
            };
            state.Outbox.Add(new OutboxEntry(intervention, 0, now));
            book.LastFiredTicks = Math.Max(book.LastFiredTicks, c.Ticks);
            Record(book.FiredTicks, c.Ticks, rule.MaxPerPeriod > 0 ? rule.CapPeriod : TimeSpan.Zero);
            Record(state.FiredTicks, c.Ticks, _options.MaxInterventionsPerCustomer > 0 ? _options.FrequencyCapPeriod : TimeSpan.Zero);
            fired++;
            Log.InterventionFired(_logger, rule.Name, intervention.Name, customer, c.Key, intervention.IdempotencyKey);
        }

        return (fired, changed);
    }

    /// <summary>Counts recorded occurrences less than one period away from <paramref name="ticks"/>.</summary>
    private static int CountWithin(List<long> fired, long ticks, TimeSpan period)
    {
        int count = 0;
        foreach (long t in fired)
        {
            if (Math.Abs(ticks - t) < period.Ticks)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Records an occurrence time; forgets those a period older than the latest (none kept without a cap).</summary>
    private static void Record(List<long> fired, long ticks, TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
        {
            fired.Clear();
            return;
        }

        fired.Add(ticks);
        long latest = long.MinValue;
        foreach (long t in fired)
        {
            latest = Math.Max(latest, t);
        }

        fired.RemoveAll(t => latest - t >= period.Ticks);
    }

    /// <summary>The next instant the scheduler must look at the state: a timed rule or an outbox retry.</summary>
    private DateTimeOffset? DueAt(OrchestrationState state, long now)
    {
        long due = long.MaxValue;
        foreach (OutboxEntry e in state.Outbox)
        {
            due = Math.Min(due, e.NextAttemptTicks);
        }

        foreach (TimedRule t in TimedRules(state, now))
        {
            if (!state.HandledSet.Contains(t.Rule.Rule.Name + "|" + t.Key))
            {
                due = Math.Min(due, t.DueTicks);
            }
        }

        return due == long.MaxValue ? null : new DateTimeOffset(due, TimeSpan.Zero);
    }

    /// <summary>Dispatches the outbox entries due now of saved states, then records acknowledgements and failures.</summary>
    private async Task<(int Dispatched, int Conflicts)> DispatchManyAsync(List<Work> works, long now, CancellationToken cancellationToken)
    {
        var acks = new List<(Work Work, HashSet<string> Acknowledged, Dictionary<string, (int Attempts, long Next)> Failed)>();
        var claimed = new List<string>();
        try
        {
            return await DispatchAndRecordAsync(works, acks, claimed, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (string key in claimed)
            {
                _inFlight.TryRemove(key, out _);
            }
        }
    }

    private async Task<(int Dispatched, int Conflicts)> DispatchAndRecordAsync(
        List<Work> works,
        List<(Work Work, HashSet<string> Acknowledged, Dictionary<string, (int Attempts, long Next)> Failed)> acks,
        List<string> claimed,
        long now,
        CancellationToken cancellationToken)
    {
        int dispatched = 0;
        foreach (Work work in works)
        {
            if (work.State.Outbox.Count == 0)
            {
                continue;
            }

            (HashSet<string> acknowledged, Dictionary<string, (int, long)> failed) = await DispatchOutboxAsync(work.CustomerId, work.State, now, claimed, cancellationToken).ConfigureAwait(false);
            if (acknowledged.Count > 0 || failed.Count > 0)
            {
                ApplyAcknowledgements(work.State, acknowledged, failed);
                acks.Add((work, acknowledged, failed));
                dispatched += acknowledged.Count;
            }
        }

        if (acks.Count == 0)
        {
            return (0, 0);
        }

        var writes = new List<StateWrite>(acks.Count);
        foreach ((Work work, _, _) in acks)
        {
            writes.Add(new StateWrite(work.CustomerId, _journey.Journey.Id, _journey.Journey.Version, work.State.Serialize(), DueAt(work.State, now), work.ETag));
        }

        IReadOnlyList<string?> etags = await _store.Instances.SaveManyAsync(writes, cancellationToken).ConfigureAwait(false);
        int conflicts = 0;
        for (int i = 0; i < acks.Count; i++)
        {
            if (etags[i] is null)
            {
                // someone saved in between: record the acknowledgements on the fresh state
                conflicts += await RecordAcknowledgementsAsync(acks[i].Work.CustomerId, acks[i].Acknowledged, acks[i].Failed, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return (dispatched, conflicts);
    }

    /// <summary>Calls the dispatcher for each outbox entry due now.</summary>
    private async Task<(HashSet<string> Acknowledged, Dictionary<string, (int Attempts, long Next)> Failed)> DispatchOutboxAsync(string customerId, OrchestrationState state, long now, List<string> claimed, CancellationToken cancellationToken)
    {
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var failed = new Dictionary<string, (int Attempts, long Next)>(StringComparer.Ordinal);
        foreach (OutboxEntry entry in state.Outbox)
        {
            if (entry.NextAttemptTicks > now || !_inFlight.TryAdd(entry.Intervention.IdempotencyKey, 0))
            {
                continue; // not due, or being dispatched by a concurrent call of this engine
            }

            claimed.Add(entry.Intervention.IdempotencyKey);
            Intervention intervention = entry.Intervention;
            using Activity? activity = OrchestrationTelemetry.ActivitySource.StartActivity("JourneyKit.Dispatch");
            activity?.SetTag("journeykit.intervention", intervention.Name);
            activity?.SetTag("journeykit.idempotency_key", intervention.IdempotencyKey);
            try
            {
                await _dispatcher.DispatchAsync(intervention, cancellationToken).ConfigureAwait(false);
                acknowledged.Add(intervention.IdempotencyKey);
                OrchestrationTelemetry.InterventionsDispatched.Add(1);
                Log.InterventionDispatched(_logger, intervention.Name, customerId, intervention.IdempotencyKey);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                int attempts = entry.Attempts + 1;
                double factor = Math.Pow(2, Math.Min(attempts - 1, 30));
                long delay = (long)Math.Min(_options.MaxDispatchRetryDelay.Ticks, _options.DispatchRetryDelay.Ticks * factor);
                failed[intervention.IdempotencyKey] = (attempts, now + delay);
                OrchestrationTelemetry.InterventionsFailed.Add(1);
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                Log.DispatchFailed(_logger, e, intervention.Name, customerId, attempts, new DateTimeOffset(now + delay, TimeSpan.Zero));
            }
        }

        return (acknowledged, failed);
    }

    private static void ApplyAcknowledgements(OrchestrationState state, HashSet<string> acknowledged, Dictionary<string, (int Attempts, long Next)> failed)
    {
        state.Outbox.RemoveAll(e => acknowledged.Contains(e.Intervention.IdempotencyKey));
        foreach (OutboxEntry e in state.Outbox)
        {
            if (failed.TryGetValue(e.Intervention.IdempotencyKey, out (int Attempts, long Next) f))
            {
                e.Attempts = Math.Max(e.Attempts, f.Attempts);
                e.NextAttemptTicks = Math.Max(e.NextAttemptTicks, f.Next);
            }
        }
    }

    /// <summary>Re-reads a state and records acknowledgements on it, retrying conflicts.</summary>
    private async Task<int> RecordAcknowledgementsAsync(string customerId, HashSet<string> acknowledged, Dictionary<string, (int Attempts, long Next)> failed, long now, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            StoredState? fresh = await _store.Instances.GetAsync(customerId, _journey.Journey.Id, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                return attempt;
            }

            OrchestrationState state = Decode(fresh);
            ApplyAcknowledgements(state, acknowledged, failed);
            try
            {
                await _store.Instances.SaveAsync(customerId, _journey.Journey.Id, _journey.Journey.Version, state.Serialize(), DueAt(state, now), fresh.ETag, cancellationToken).ConfigureAwait(false);
                return attempt;
            }
            catch (JourneyConcurrencyException e)
            {
                OrchestrationTelemetry.Conflicts.Add(1);
                Log.StateConflict(_logger, customerId, attempt);
                if (attempt >= _options.MaxConflictRetries)
                {
                    throw new JourneyConcurrencyException(OrchestrationMessages.GaveUp(customerId, attempt), e);
                }
            }
        }
    }

    /// <summary>One customer's evaluation in a batch.</summary>
    private sealed class Work(string customerId, OrchestrationState state, string? etag, DateTimeOffset? due, bool save, int fired)
    {
        public string CustomerId { get; } = customerId;

        public OrchestrationState State { get; } = state;

        public string? ETag { get; set; } = etag;

        public DateTimeOffset? Due { get; } = due;

        public bool Save { get; } = save;

        public int Fired { get; } = fired;
    }

    private sealed record CompiledRule(JourneyRule Rule, int Index, int Stage, int Moment);

    private readonly record struct Candidate(CompiledRule Rule, string Key, long Ticks, int Stage, int Visit);

    private readonly record struct TimedRule(CompiledRule Rule, string Key, long DueTicks, int Stage, int Visit);
}
