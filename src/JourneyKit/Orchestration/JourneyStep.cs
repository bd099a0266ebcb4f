using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Orchestration.Internal;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>
/// The per-customer orchestration step, as a pure function: (compiled journey and rules, the customer's
/// <see cref="CustomerState"/>, new events or the customer's log, now) → (new state, interventions to record, next due
/// time, what changed). It does no I/O, takes no lock and reads no clock: the same step runs in
/// <see cref="JourneyEngine"/>, in an Orleans grain and in a test with a fake clock, and gives the same answers.
/// </summary>
/// <remarks>
/// <para><b>One call</b> (<see cref="Run"/>): applies the events the state has not seen to the journey instance
/// (re-evaluating from the log when a late event changed the history); collects the rule occurrences they produce
/// (entered and left stage, moment of truth, pattern matched) and the stuck and risk timers of the current stay due at
/// <c>now</c>; decides which fire (see below); records the fired interventions in the state's outbox; and says when the
/// state must be looked at next (<see cref="StepResult.DueAt"/>).</para>
/// <para><b>Decisions.</b> New occurrences are considered by rule priority (highest first), then occurrence time, then
/// rule order, then occurrence id (ordinal). Each is skipped if already handled (occurrence ids are stable: entered and
/// left are numbered per stage, <c>entered:verify:2</c>; moments per moment, patterns per rule, stuck and risk per stay);
/// dropped if suppressed (a stage-bound occurrence of a stay the customer already left), by the rule's cooldown, the
/// rule's cap, the customer-wide cap or the per-evaluation limit; otherwise fired. Cooldowns and caps measure occurrence
/// time, never the clock, so a replay decides the same way.</para>
/// <para><b>Outbox.</b> Recording an intervention is part of the state: a driver saves it in the same write as the
/// change that caused it, dispatches it, and records the outcome with <see cref="RecordDispatch"/>. Each intervention
/// has an <see cref="Intervention.IdempotencyKey"/> derived from journey, customer, rule and occurrence, so every
/// driver (engine, grain) sends the same keys for the same history.</para>
/// <threadsafety>A step is immutable and thread-safe; it never changes the state it is given.</threadsafety>
/// </remarks>
public sealed class JourneyStep
{
    private readonly CompiledRule[] _rules;
    private readonly JourneyEvaluator _evaluator;
    private readonly bool _hasPatternRules;
    private readonly bool _hasMomentRules;

    private JourneyStep(CompiledJourney journey, CompiledRule[] rules, OrchestrationOptions options, EvaluationOptions evaluation)
    {
        Journey = journey;
        _rules = rules;
        Options = options;
        Evaluation = evaluation;
        _evaluator = new JourneyEvaluator(journey, evaluation);
        var list = new JourneyRule[rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            list[i] = rules[i].Rule;
            _hasPatternRules |= rules[i].Rule.When.Kind == RuleTriggerKind.PatternMatched;
            _hasMomentRules |= rules[i].Rule.When.Kind == RuleTriggerKind.MomentOfTruth;
        }

        Rules = list;
    }

    /// <summary>Gets the compiled journey (one version).</summary>
    public CompiledJourney Journey { get; }

    /// <summary>Gets the rules, in the order given.</summary>
    public IReadOnlyList<JourneyRule> Rules { get; }

    /// <summary>Gets the orchestration options (firing policy; the driver's settings in it are not used by the step).</summary>
    public OrchestrationOptions Options { get; }

    /// <summary>Gets the evaluation options.</summary>
    public EvaluationOptions Evaluation { get; }

    /// <summary>Creates a step: validates the options and the rules (with the journey's validator), resolves the rules against the journey and compiles their patterns, once.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="rules">The rules (for example <c>journey.Journey.Rules</c>, or rules built in code); checked like the journey's own rules, paths <c>rules[i]…</c> index this sequence.</param>
    /// <param name="options">The options, or null for defaults.</param>
    /// <param name="evaluation">The evaluation options, or null for defaults.</param>
    /// <returns>The step.</returns>
    /// <exception cref="JourneyValidationException">A rule is invalid: the same problems, codes (<see cref="JourneyProblemCodes"/>) and paths as the same rules in the journey's JSON (every problem listed).</exception>
    /// <exception cref="ArgumentException">An option is out of range (every problem listed).</exception>
    public static JourneyStep Create(CompiledJourney journey, IEnumerable<JourneyRule> rules, OrchestrationOptions? options = null, EvaluationOptions? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        ArgumentNullException.ThrowIfNull(rules);
        options ??= new OrchestrationOptions();
        options.Validate();
        evaluation ??= new EvaluationOptions();
        evaluation.Validate();
        ValidateMigrations(journey, options);
        return new JourneyStep(journey, CompiledRule.CompileAll(journey, [.. rules]), options, evaluation);
    }

    private static void ValidateMigrations(CompiledJourney journey, OrchestrationOptions options)
    {
        var problems = new List<JourneyProblem>();
        var versions = new HashSet<int>();
        for (int i = 0; i < options.Migrations.Count; i++)
        {
            JourneyVersionMigration m = options.Migrations[i] ?? throw new ArgumentException($"Migrations[{i}] is null.", nameof(options));
            if (m.FromVersion >= journey.Journey.Version || !versions.Add(m.FromVersion))
            {
                problems.Add(new JourneyProblem(JourneyProblemCodes.InvalidMigration, $"migrations[{i}].fromVersion", OrchestrationMessages.BadMigrationVersion(m.FromVersion, journey.Journey.Version)));
            }

            foreach (KeyValuePair<string, string?> pair in m.Stages)
            {
                if (pair.Value is { } target && CompiledRule.IndexOfStage(journey, target) < 0)
                {
                    problems.Add(new JourneyProblem(JourneyProblemCodes.UnknownStage, $"migrations[{i}].stages.{pair.Key}", OrchestrationMessages.UnknownStage(target, journey.Journey.Id)));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new JourneyValidationException(problems);
        }
    }

    /// <summary>Creates the state of a customer who has none yet (no event applied, nothing handled).</summary>
    /// <param name="customerId">The customer.</param>
    /// <returns>The state.</returns>
    public CustomerState CreateState(string customerId) => new(_evaluator.CreateInstance(customerId));

    /// <summary>Advances a customer's state by events and time; see <see cref="JourneyStep"/>.</summary>
    /// <param name="state">The state (not changed).</param>
    /// <param name="input">The events: none, the whole log, the log from <see cref="CustomerState.ResumeFrom"/>, or new events.</param>
    /// <param name="now">The instant: timers due at or before it fire, and recorded interventions may be dispatched from it.</param>
    /// <returns>The new state and the effects.</returns>
    /// <exception cref="ArgumentException">An event belongs to another customer.</exception>
    public StepResult Run(CustomerState state, StepInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        StepResult result = RunOwned(state.Clone(), input, now.UtcTicks);
        return result.StateChanged ? result : Unchanged(state, result);
    }

    /// <summary>Records dispatch outcomes in the outbox: acknowledged entries leave it, failed ones wait for their next attempt.</summary>
    /// <param name="state">The state (not changed).</param>
    /// <param name="outcomes">The outcomes, by idempotency key; keys not in the outbox are ignored.</param>
    /// <param name="now">The instant (for the next due time).</param>
    /// <returns>The new state (<see cref="StepChanges.OutboxUpdated"/> when the outbox changed) and its due time.</returns>
    public StepResult RecordDispatch(CustomerState state, IReadOnlyList<DispatchOutcome> outcomes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(outcomes);
        StepResult result = RecordDispatchOwned(state.Clone(), outcomes, now.UtcTicks);
        return result.StateChanged ? result : Unchanged(state, result);
    }

    /// <summary>
    /// Gets when a state must be looked at next without a new event: its earliest pending stuck or risk timer or outbox
    /// retry, or null (what <see cref="StepResult.DueAt"/> says after a step).
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="now">The instant (risk rules without an exact timer are re-checked an interval after it).</param>
    /// <returns>The due time, or null.</returns>
    public DateTimeOffset? GetDueAt(CustomerState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return DueAt(state, now.UtcTicks);
    }

    /// <summary>Runs on a state the caller owns (it is changed in place unless the result asks for the whole log).</summary>
    internal StepResult RunOwned(CustomerState state, StepInput input, long now, bool forceMove = false)
    {
        StepChanges changes = StepChanges.None;
        var decisions = new List<OccurrenceDecision>();
        if (state.JourneyVersion != Journey.Journey.Version)
        {
            if (!forceMove && (Options.VersionPolicy == JourneyVersionPolicy.Pin || state.JourneyVersion > Journey.Journey.Version))
            {
                return new StepResult(StepStatus.OtherVersion, state, StepChanges.None, 0, [], [], null);
            }

            if (input.Kind != StepInputKind.WholeLog)
            {
                return new StepResult(StepStatus.WholeLogRequired, state, StepChanges.None, 0, [], [], null);
            }

            if (Migrate(state, input.Events, decisions))
            {
                changes |= StepChanges.OccurrencesHandled;
            }

            changes |= StepChanges.VersionMigrated | StepChanges.Reevaluated | StepChanges.EventsApplied;
        }

        var candidates = new List<Candidate>();
        if (!TryCatchUp(state, input, candidates, ref changes, out int applied))
        {
            return new StepResult(StepStatus.WholeLogRequired, state, StepChanges.None, 0, [], [], DueAt(state, now));
        }

        CollectTimed(state, now, candidates);
        var fired = new List<Intervention>();
        if (FiringPolicy.Fire(Journey, Options, state, candidates, now, fired, decisions))
        {
            changes |= StepChanges.OccurrencesHandled;
        }

        if (fired.Count > 0)
        {
            changes |= StepChanges.InterventionsRecorded;
        }

        JourneyInstance instance = state.Instance;
        state.StageId = instance.CurrentStage >= 0 ? Journey.Stages[instance.CurrentStage].Id : null;
        return new StepResult(StepStatus.Completed, state, changes, applied, fired, decisions, DueAt(state, now));
    }

    /// <summary>Records dispatch outcomes on a state the caller owns.</summary>
    internal StepResult RecordDispatchOwned(CustomerState state, IReadOnlyList<DispatchOutcome> outcomes, long now)
    {
        bool changed = false;
        for (int o = 0; o < outcomes.Count; o++)
        {
            DispatchOutcome outcome = outcomes[o];
            List<OutboxEntry> outbox = state.OutboxList;
            for (int i = 0; i < outbox.Count; i++)
            {
                OutboxEntry e = outbox[i];
                if (e.Intervention.IdempotencyKey != outcome.IdempotencyKey)
                {
                    continue;
                }

                if (outcome.Acknowledged)
                {
                    outbox.RemoveAt(i);
                    changed = true;
                }
                else
                {
                    int attempts = Math.Max(e.Attempts, outcome.Attempts);
                    long next = Math.Max(e.NextAttemptTicks, outcome.NextAttemptAt.UtcTicks);
                    changed |= attempts != e.Attempts || next != e.NextAttemptTicks;
                    e.Attempts = attempts;
                    e.NextAttemptTicks = next;
                }

                break;
            }
        }

        return new StepResult(StepStatus.Completed, state, changed ? StepChanges.OutboxUpdated : StepChanges.None, 0, [], [], DueAt(state, now));
    }

    private static StepResult Unchanged(CustomerState original, StepResult result) =>
        new(result.Status, original, StepChanges.None, result.EventsApplied, result.Interventions, result.Decisions, result.DueAt);

    private static long SaturatingAdd(long a, long b) => b > DateTimeOffset.MaxValue.UtcTicks - a ? long.MaxValue : a + b;

    /// <summary>"#2" for a customer's second run and later ones, so their occurrence ids differ from the first run's.</summary>
    private static string RunSuffix(JourneyInstance run) => run.RunNumber > 1 ? "#" + run.RunNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    private static string Suffix(CustomerState state) => state.OccurrenceVersion > 0 ? "@v" + state.OccurrenceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>
    /// Moves a run of another version to this one: re-evaluates the part of the log the run had applied under this
    /// version, marking its occurrences handled without firing (history), carries the current stay's timer bookkeeping
    /// over when the stage maps to the stage it is in now, and leaves the rest of the log to the normal catch-up.
    /// </summary>
    private bool Migrate(CustomerState state, IReadOnlyList<JourneyEvent> log, List<OccurrenceDecision> decisions)
    {
        JourneyInstance old = state.Instance;
        string? oldStage = state.StageId;
        int oldStay = CountStays(old);
        string oldSuffix = RunSuffix(old) + Suffix(state);
        int fromVersion = old.JourneyVersion;

        // the history: the applied prefix when the log still starts with it, else what is not after the last applied event
        int prefix = 0;
        ulong hash = EventFingerprint.Seed;
        for (int i = 0; i < state.AppliedCount && i < log.Count; i++)
        {
            hash = EventFingerprint.Add(hash, log[i]);
        }

        if (state.AppliedCount <= log.Count && hash == state.AppliedHash)
        {
            prefix = state.AppliedCount;
        }
        else
        {
            while (prefix < log.Count && old.EventCount > 0 && log[prefix].TimestampTicks <= old.LastEventTicks)
            {
                prefix++;
            }
        }

        var carried = new List<(string Rule, string Kind)>();
        if (oldStage is not null)
        {
            string tail = $":{oldStage}:{oldStay}{oldSuffix}";
            foreach (string key in state.Handled)
            {
                int bar = key.IndexOf('|', StringComparison.Ordinal);
                string occurrence = key[(bar + 1)..];
                if (occurrence.EndsWith(tail, StringComparison.Ordinal) && (occurrence.StartsWith("stuck:", StringComparison.Ordinal) || occurrence.StartsWith("risk:", StringComparison.Ordinal)))
                {
                    carried.Add((key[..bar], occurrence[..occurrence.IndexOf(':', StringComparison.Ordinal)]));
                }
            }
        }

        state.OccurrenceVersion = Journey.Journey.Version;
        state.Instance = _evaluator.CreateInstance(state.CustomerId);
        state.FinishedRunList.Clear();
        state.AppliedHash = EventFingerprint.Seed;
        state.AppliedAtLast = 0;
        state.AppliedCount = 0;
        foreach (RuleBook book in state.Rules.Values)
        {
            book.Pattern = null;
        }

        var history = new List<Candidate>();
        var applied = new List<JourneyEvent>(prefix);
        for (int i = 0; i < prefix; i++)
        {
            applied.Add(log[i]);
        }

        Apply(state, applied, 0, rebuild: false, EventFingerprint.Seed, 0, history);
        bool changed = FiringPolicy.Absorb(Options, state, history, decisions);

        JourneyInstance now = state.Instance;
        JourneyVersionMigration? migration = null;
        foreach (JourneyVersionMigration m in Options.Migrations)
        {
            if (m.FromVersion == fromVersion)
            {
                migration = m;
            }
        }

        string? mapped = JourneyVersionMigration.Map(migration, oldStage, id => CompiledRule.IndexOfStage(Journey, id) >= 0);
        if (mapped is not null && now.CurrentStage >= 0 && Journey.Stages[now.CurrentStage].Id == mapped)
        {
            string suffix = RunSuffix(now) + Suffix(state);
            int stay = CountStays(now);
            foreach ((string rule, string kind) in carried)
            {
                changed |= state.MarkHandled($"{rule}|{kind}:{mapped}:{stay}{suffix}", Options.HandledOccurrenceCapacity);
            }
        }

        return changed;
    }

    private static int CountStays(JourneyInstance instance)
    {
        int n = 0;
        foreach (StageVisit v in instance.Visits)
        {
            n += v.Stage == instance.CurrentStage ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// Applies the events of <paramref name="input"/> the state has not seen; false (nothing changed) when the input
    /// cannot be applied on its own and the whole log is needed.
    /// </summary>
    private bool TryCatchUp(CustomerState state, StepInput input, List<Candidate> candidates, ref StepChanges changes, out int applied)
    {
        applied = 0;
        JourneyInstance instance = state.Instance;
        IReadOnlyList<JourneyEvent> events = input.Events;
        switch (input.Kind)
        {
            case StepInputKind.None:
                return true;
            case StepInputKind.LogFrom:
            {
                if (state.ResumeFrom is null || events.Count < state.AppliedAtLast)
                {
                    return false;
                }

                for (int i = 0; i < state.AppliedAtLast; i++)
                {
                    if (events[i].TimestampTicks != instance.LastEventTicks)
                    {
                        return false;
                    }
                }

                if (events.Count == state.AppliedAtLast)
                {
                    return true;
                }

                applied = Apply(state, events, state.AppliedAtLast, rebuild: false, state.AppliedHash, 0, candidates);
                changes |= StepChanges.EventsApplied;
                return true;
            }

            case StepInputKind.NewEvents:
            {
                if (events.Count == 0)
                {
                    return true;
                }

                var sorted = new List<JourneyEvent>(events);
                bool ordered = true;
                for (int i = 1; i < sorted.Count && ordered; i++)
                {
                    ordered = sorted[i - 1].TimestampTicks <= sorted[i].TimestampTicks;
                }

                if (!ordered)
                {
                    // a stable sort: ties keep the order given
                    var keyed = new (long Ticks, int Order, JourneyEvent Event)[sorted.Count];
                    for (int i = 0; i < keyed.Length; i++)
                    {
                        keyed[i] = (sorted[i].TimestampTicks, i, sorted[i]);
                    }

                    Array.Sort(keyed, static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Order.CompareTo(b.Order));
                    for (int i = 0; i < keyed.Length; i++)
                    {
                        sorted[i] = keyed[i].Event;
                    }
                }

                if (state.AppliedCount > 0 && sorted[0].TimestampTicks < instance.LastEventTicks)
                {
                    return false;
                }

                int previousAtLast = state.AppliedCount > 0 && sorted[^1].TimestampTicks == instance.LastEventTicks ? state.AppliedAtLast : 0;
                applied = Apply(state, sorted, 0, rebuild: false, state.AppliedHash, previousAtLast, candidates);
                changes |= StepChanges.EventsApplied;
                return true;
            }

            default:
            {
                int before = state.AppliedCount;
                bool rebuild = events.Count < before;
                ulong hash = EventFingerprint.Seed;
                if (!rebuild)
                {
                    for (int i = 0; i < before; i++)
                    {
                        hash = EventFingerprint.Add(hash, events[i]);
                    }

                    rebuild = hash != state.AppliedHash;
                }

                if (!rebuild && events.Count == before)
                {
                    return true;
                }

                applied = Apply(state, events, before, rebuild, hash, 0, candidates);
                changes |= rebuild ? StepChanges.EventsApplied | StepChanges.Reevaluated : StepChanges.EventsApplied;
                return true;
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="log"/> from <paramref name="start"/> (from 0 on a fresh instance when
    /// <paramref name="rebuild"/>), collecting the occurrences; returns the number of events applied. An event that
    /// starts a new run (the journey's re-entry policy) finishes the current one: it is kept in
    /// <see cref="CustomerState.FinishedRuns"/> and the new run becomes the state's instance.
    /// </summary>
    private int Apply(CustomerState state, IReadOnlyList<JourneyEvent> log, int start, bool rebuild, ulong hash, int previousAtLast, List<Candidate> candidates)
    {
        JourneyInstance instance = state.Instance;
        int oldVisits = instance.Visits.Count, oldHits = instance.MomentsOfTruth.Count;
        if (rebuild)
        {
            instance = _evaluator.CreateInstance(instance.CustomerId);
            state.Instance = instance;
            state.FinishedRunList.Clear();
            state.AppliedCount = 0;
            hash = EventFingerprint.Seed;
            start = oldVisits = oldHits = 0;
            foreach (RuleBook book in state.Rules.Values)
            {
                book.Pattern = null;
            }
        }

        if (_hasPatternRules)
        {
            foreach (CompiledRule rule in _rules)
            {
                if (rule.Rule.When.Kind == RuleTriggerKind.PatternMatched)
                {
                    RuleBook book = state.Book(rule.Rule.Name);
                    book.Pattern ??= rule.Pattern!.CreateState();
                }
            }
        }

        string versionSuffix = Suffix(state);
        for (int i = start; i < log.Count; i++)
        {
            JourneyEvent e = log[i];
            JourneyInstance run = _evaluator.Advance(instance, e);
            if (!ReferenceEquals(run, instance))
            {
                // the event starts the customer's next run: the current one is finished
                CollectStages(instance, oldVisits, instance.Visits.Count, versionSuffix, candidates);
                CollectMoments(instance, oldHits, versionSuffix, candidates);
                state.FinishedRunList.Add(instance.Serialize());
                if (state.FinishedRunList.Count > Options.FinishedRunCapacity)
                {
                    state.FinishedRunList.RemoveAt(0);
                }

                instance = run;
                state.Instance = run;
                oldVisits = oldHits = 0;
            }

            hash = EventFingerprint.Add(hash, e);
            if (_hasPatternRules)
            {
                AdvancePatterns(state, e, versionSuffix, candidates);
            }
        }

        state.AppliedHash = hash;
        state.AppliedCount += log.Count - start;
        int atLast = 0;
        int k = log.Count - 1;
        for (; k >= 0 && log[k].TimestampTicks == instance.LastEventTicks; k--)
        {
            atLast++;
        }

        state.AppliedAtLast = k < 0 ? atLast + previousAtLast : atLast;
        CollectStages(instance, oldVisits, -1, versionSuffix, candidates);
        CollectMoments(instance, oldHits, versionSuffix, candidates);
        return log.Count - start;
    }

    private void AdvancePatterns(CustomerState state, JourneyEvent e, string suffix, List<Candidate> candidates)
    {
        foreach (CompiledRule rule in _rules)
        {
            if (rule.Rule.When.Kind != RuleTriggerKind.PatternMatched)
            {
                continue;
            }

            CompiledPattern pattern = rule.Pattern!;
            PatternState ps = state.Book(rule.Rule.Name).Pattern!;
            int before = pattern.GetResult(ps).Count;
            pattern.Advance(ps, e);
            int after = pattern.GetResult(ps).Count;
            for (int k = before + 1; k <= after; k++)
            {
                candidates.Add(new Candidate(rule, $"pattern:{k}{suffix}", e.TimestampTicks, -1, -1, -1));
            }
        }
    }

    /// <summary>Entered and left occurrences of visits from <paramref name="oldVisits"/>; <paramref name="finishedVisits"/> is the visit count of a finished run (-1: the current run).</summary>
    private void CollectStages(JourneyInstance instance, int oldVisits, int finishedVisits, string versionSuffix, List<Candidate> candidates)
    {
        string suffix = RunSuffix(instance) + versionSuffix;
        var entries = new int[Journey.Stages.Length];
        IReadOnlyList<StageVisit> visits = instance.Visits;
        for (int v = 0; v < visits.Count; v++)
        {
            StageVisit visit = visits[v];
            int n = ++entries[visit.Stage];
            string stageId = Journey.Stages[visit.Stage].Id;
            foreach (CompiledRule rule in _rules)
            {
                if (rule.Stage >= 0 && rule.Stage != visit.Stage)
                {
                    continue;
                }

                if (rule.Rule.When.Kind == RuleTriggerKind.EnteredStage && v >= oldVisits)
                {
                    candidates.Add(new Candidate(rule, $"entered:{stageId}:{n}{suffix}", visit.EnteredTicks, visit.Stage, v, finishedVisits));
                }
                else if (rule.Rule.When.Kind == RuleTriggerKind.LeftStage && v >= oldVisits - 1 && visit.ExitedTicks is { } exited)
                {
                    candidates.Add(new Candidate(rule, $"left:{stageId}:{n}{suffix}", exited, visit.Stage, -1, finishedVisits));
                }
            }
        }
    }

    private void CollectMoments(JourneyInstance instance, int oldHits, string versionSuffix, List<Candidate> candidates)
    {
        string suffix = RunSuffix(instance) + versionSuffix;
        var hitsOf = new int[Journey.MomentCount];
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
                    candidates.Add(new Candidate(rule, $"moment:{Journey.Journey.MomentsOfTruth[hit.Moment].Id}:{n}{suffix}", hit.Ticks, -1, -1, -1));
                }
            }
        }
    }

    /// <summary>
    /// Moments of truth whose pattern ends in an absence complete at the deadline without an event: their rules are due
    /// then, with the occurrence id the event after the deadline would record (<c>moment:ID:N</c>, N the moment's next
    /// hit), so whichever comes first fires it once.
    /// </summary>
    private void AddMomentDeadlines(CustomerState state, List<TimedRule> result)
    {
        if (!_hasMomentRules)
        {
            return;
        }

        JourneyInstance instance = state.Instance;
        string suffix = RunSuffix(instance) + Suffix(state);
        for (int m = 0; m < Journey.MomentCount && m < instance.MomentStates.Length; m++)
        {
            if (Journey.Moment(m).NextDeadline(instance.MomentStates[m]) is not { } deadline)
            {
                continue;
            }

            int n = 1;
            foreach (MomentOfTruthHit hit in instance.MomentsOfTruth)
            {
                n += hit.Moment == m ? 1 : 0;
            }

            MomentOfTruth moment = Journey.Journey.MomentsOfTruth[m];
            foreach (CompiledRule rule in _rules)
            {
                RuleTrigger when = rule.Rule.When;
                if (when.Kind == RuleTriggerKind.MomentOfTruth && (rule.Moment < 0 || rule.Moment == m) && (when.Outcome is null || when.Outcome == moment.Outcome))
                {
                    result.Add(new TimedRule(rule, $"moment:{moment.Id}:{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}{suffix}", deadline.UtcTicks, -1, -1));
                }
            }
        }
    }

    /// <summary>Time-based occurrences (stuck, risk) of the current stay that are due at <paramref name="now"/>.</summary>
    private void CollectTimed(CustomerState state, long now, List<Candidate> candidates)
    {
        foreach (TimedRule t in TimedRules(state, now))
        {
            if (t.DueTicks <= now)
            {
                // A risk rule records the estimate at its occurrence time (the time in stage then), with the model's version.
                double risk = t.Rule.Rule.When.Kind == RuleTriggerKind.RiskAtLeast && state.Instance.CurrentStageEnteredTicks is { } entered
                    ? Options.RiskEstimator.Estimate(Journey, state.Instance, TimeSpan.FromTicks(Math.Max(0, t.DueTicks - entered)))
                    : double.NaN;
                candidates.Add(new Candidate(t.Rule, t.Key, t.DueTicks, t.Stage, t.Visit, -1, risk));
            }
        }
    }

    /// <summary>The stuck and risk rules applying to the current stay, with their due instants (long.MaxValue: never).</summary>
    private List<TimedRule> TimedRules(CustomerState state, long now)
    {
        var result = new List<TimedRule>();
        if (_hasPatternRules)
        {
            // A pattern ending in an absence ("a, then no c within 10m") completes at its deadline without an event: the
            // same occurrence id an event after the deadline would give, so whichever comes first fires it once.
            foreach (CompiledRule rule in _rules)
            {
                if (rule.Rule.When.Kind == RuleTriggerKind.PatternMatched && state.Rules.TryGetValue(rule.Rule.Name, out RuleBook? book)
                    && book.Pattern is { } ps && rule.Pattern!.NextDeadline(ps) is { } deadline)
                {
                    int k = rule.Pattern!.GetResult(ps).Count + 1;
                    result.Add(new TimedRule(rule, $"pattern:{k.ToString(System.Globalization.CultureInfo.InvariantCulture)}{Suffix(state)}", deadline.UtcTicks, -1, -1));
                }
            }
        }

        JourneyInstance instance = state.Instance;
        AddMomentDeadlines(state, result);
        if (instance.CurrentStage < 0 || instance.CurrentStageEnteredTicks is not { } entered)
        {
            return result;
        }

        int s = instance.CurrentStage;
        Stage stage = Journey.Stages[s];
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
        string suffix = RunSuffix(instance) + Suffix(state);
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
                result.Add(new TimedRule(rule, $"stuck:{stage.Id}:{n}{suffix}", due, s, visit));
            }
            else if (when.Kind == RuleTriggerKind.RiskAtLeast)
            {
                TimeSpan? reach = Options.RiskEstimator.TimeInStageToReach(Journey, instance, when.Threshold);
                long due;
                if (reach is { } r)
                {
                    due = r == TimeSpan.MaxValue ? long.MaxValue : SaturatingAdd(entered, r.Ticks);
                }
                else
                {
                    double risk = Options.RiskEstimator.Estimate(Journey, instance, TimeSpan.FromTicks(Math.Max(0, now - entered)));
                    due = risk >= when.Threshold ? now : SaturatingAdd(now, Options.RiskRecheckInterval.Ticks);
                }

                result.Add(new TimedRule(rule, $"risk:{stage.Id}:{n}{suffix}", due, s, visit));
            }
        }

        return result;
    }

    /// <summary>The next instant a driver must look at the state: a timed rule or an outbox retry.</summary>
    private DateTimeOffset? DueAt(CustomerState state, long now)
    {
        long due = long.MaxValue;
        foreach (OutboxEntry e in state.OutboxList)
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
}
