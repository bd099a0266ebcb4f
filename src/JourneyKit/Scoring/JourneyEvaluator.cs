using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// Advances <see cref="JourneyInstance"/>s with customer events — a whole <see cref="EventBatch"/> at once, or one
/// event at a time — and answers where a customer run stands as of an instant: its one <see cref="LifecycleState"/>
/// (<see cref="GetStatus(JourneyInstance, DateTimeOffset)"/>). Batch and streaming give the same instances for the same
/// events in the same order.
/// </summary>
/// <remarks>
/// <para>Per event: the touchpoint's stage (or out of path); entering another stage closes the current visit and counts
/// a backtrack (earlier in designed order) or a disallowed transition (not in the stage's <c>next</c>); a touchpoint used
/// before counts a repeat; a change of channel between consecutive events with channels counts a switch; assisted
/// channels count contacts; each moment of truth's pattern (docs/patterns.md) advances, and each new match is a hit.</para>
/// <para>The persona is re-assigned (first persona whose rule matches) whenever an event brings attributes the persona
/// rules read, over the latest value of each such attribute, unless the caller set it; each stage visit records the
/// persona at its entry. A customer has more than one run only when the journey's <see cref="Journey.Reentry"/> policy
/// starts one: see <see cref="Advance"/>.</para>
/// <threadsafety>The evaluator is thread-safe; an instance must not be advanced concurrently.</threadsafety>
/// </remarks>
public sealed partial class JourneyEvaluator
{
    private readonly CompiledJourney _journey;
    private readonly EvaluationOptions _options;
    private readonly TimeProvider _time;
    private readonly string[] _personaKeys;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="options">The options, or null for defaults.</param>
    /// <param name="timeProvider">The clock for live status; null for <see cref="TimeProvider.System"/>.</param>
    public JourneyEvaluator(CompiledJourney journey, EvaluationOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        options ??= new EvaluationOptions();
        options.Validate();
        _journey = journey;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        var keys = new List<string>();
        foreach (Persona persona in journey.Journey.Personas)
        {
            foreach (AttributeRule rule in persona.Rule.All)
            {
                if (!keys.Contains(rule.Attribute))
                {
                    keys.Add(rule.Attribute);
                }
            }
        }

        _personaKeys = [.. keys];
    }

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey => _journey;

    /// <summary>Gets the options.</summary>
    public EvaluationOptions Options => _options;

    /// <summary>Creates an empty instance for a customer.</summary>
    /// <param name="customerId">The customer id.</param>
    /// <returns>The instance.</returns>
    public JourneyInstance CreateInstance(string customerId) => CreateInstance(customerId, 1);

    private JourneyInstance CreateInstance(string customerId, int runNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var moments = new Matching.Pattern.PatternState[_journey.MomentCount];
        for (int m = 0; m < moments.Length; m++)
        {
            moments[m] = _journey.Moment(m).CreateState();
        }

        return new JourneyInstance(customerId, _journey.Journey.Id, _journey.Journey.Version, moments, runNumber);
    }

    /// <summary>
    /// Advances a customer's current run by one event, or starts the customer's next run when the journey's
    /// <see cref="Journey.Reentry"/> policy says this event begins one. Give a customer's events in timestamp order.
    /// </summary>
    /// <param name="instance">The customer's current run.</param>
    /// <param name="journeyEvent">The event.</param>
    /// <returns>The run the event belongs to: <paramref name="instance"/>, or a new run (<see cref="JourneyInstance.RunNumber"/> + 1,
    /// carrying the customer's persona and attributes) that the caller keeps as the customer's current run from now on.</returns>
    /// <exception cref="ArgumentException">The event belongs to another customer or is older than the last one.</exception>
    public JourneyInstance Advance(JourneyInstance instance, JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(journeyEvent);
        if (journeyEvent.CustomerId != instance.CustomerId)
        {
            throw new ArgumentException($"The event is for customer '{journeyEvent.CustomerId}', the instance for '{instance.CustomerId}'.", nameof(journeyEvent));
        }

        if (instance.EventCount > 0 && journeyEvent.TimestampTicks < instance.LastEventTicks)
        {
            throw new ArgumentException("Events must be advanced in timestamp order; reorder late events first.", nameof(journeyEvent));
        }

        _journey.Touchpoints.TryGetId(journeyEvent.Touchpoint, out int touchpoint);
        if (StartsNewRun(instance, touchpoint, journeyEvent.TimestampTicks))
        {
            instance = NextRun(instance);
        }

        if (_personaKeys.Length > 0 && journeyEvent.Attributes is { Count: > 0 } attributes)
        {
            bool seen = false, changed = false;
            foreach (string key in _personaKeys)
            {
                if (attributes.TryGetValue(key, out string? value))
                {
                    seen = true;
                    changed |= SetAttribute(instance, key, value);
                }
            }

            UpdatePersona(instance, seen, changed);
        }

        Step(instance, touchpoint, journeyEvent.Touchpoint, journeyEvent.TimestampTicks, journeyEvent.Channel);
        AdvanceMoments(instance, journeyEvent);
        return instance;
    }

    /// <summary>
    /// Evaluates every customer of a batch from scratch: one instance per customer run (several per customer only when the
    /// journey's re-entry policy starts new runs), customers in batch order, each customer's runs in order.
    /// </summary>
    /// <param name="batch">The events.</param>
    /// <returns>The runs.</returns>
    public IReadOnlyList<JourneyInstance> Evaluate(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var bound = new BatchBinding(this, batch);
        var instances = new List<JourneyInstance>(batch.CustomerCount);
        for (int customer = 0; customer < batch.CustomerCount; customer++)
        {
            EvaluateCustomer(bound, customer, instances);
        }

        return instances;
    }

    /// <summary>What batch evaluation binds once per batch: touchpoints remapped to the journey's, channels, the persona
    /// attribute keys the batch has, the moments' conditions.</summary>
    internal sealed class BatchBinding
    {
        public BatchBinding(JourneyEvaluator evaluator, EventBatch batch)
        {
            CompiledJourney journey = evaluator._journey;
            Batch = batch;
            Remap = new int[batch.Touchpoints.Count];
            for (int t = 0; t < Remap.Length; t++)
            {
                Remap[t] = journey.Touchpoints.TryGetId(batch.Touchpoints[t], out int id) ? id : -1;
            }

            Channels = new Channel[batch.Channels.Count + 1];
            for (int c = 0; c < batch.Channels.Count; c++)
            {
                Channels[c + 1] = Channel.FromName(batch.Channels[c]);
            }

            // Only the attributes persona rules read are looked at.
            var keys = new List<string>(evaluator._personaKeys.Length);
            var columns = new List<int[]>(evaluator._personaKeys.Length);
            foreach (string key in evaluator._personaKeys)
            {
                if (batch.AttributeColumn(key) is { } column)
                {
                    keys.Add(key);
                    columns.Add(column);
                }
            }

            PersonaKeys = [.. keys];
            PersonaColumns = [.. columns];
            Moments = new Matching.Pattern.BoundPattern[journey.MomentCount];
            for (int m = 0; m < Moments.Length; m++)
            {
                Moments[m] = journey.Moment(m).Bind(batch);
            }
        }

        public EventBatch Batch { get; }

        /// <summary>Batch touchpoint id → journey touchpoint id, or -1.</summary>
        public int[] Remap { get; }

        /// <summary>Batch channel id + 1 → the channel (index 0: none).</summary>
        public Channel[] Channels { get; }

        public string[] PersonaKeys { get; }

        /// <summary>The batch's attribute column of each of <see cref="PersonaKeys"/>.</summary>
        public int[][] PersonaColumns { get; }

        public Matching.Pattern.BoundPattern[] Moments { get; }
    }

    /// <summary>Evaluates one customer of a bound batch from scratch, adding its runs to <paramref name="runs"/>.</summary>
    internal void EvaluateCustomer(BatchBinding bound, int customer, List<JourneyInstance> runs)
    {
        EventBatch batch = bound.Batch;
        ReadOnlySpan<int> starts = batch.CustomerStarts;
        ReadOnlySpan<int> touchpoints = batch.TouchpointIds;
        ReadOnlySpan<int> channelIds = batch.ChannelIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        int[] remap = bound.Remap;
        JourneyInstance instance = CreateInstance(batch.Customers[batch.CustomerOfRun(customer)]);
        instance.BatchStart = starts[customer];
        for (int i = starts[customer]; i < starts[customer + 1]; i++)
        {
            int tp = touchpoints[i];
            if (StartsNewRun(instance, remap[tp], ticks[i]))
            {
                instance.BatchEnd = i;
                runs.Add(instance);
                instance = NextRun(instance);
                instance.BatchStart = i;
            }

            if (bound.PersonaKeys.Length > 0)
            {
                bool seen = false, changed = false;
                for (int k = 0; k < bound.PersonaKeys.Length; k++)
                {
                    int value = bound.PersonaColumns[k][i];
                    if (value >= 0)
                    {
                        seen = true;
                        changed |= SetAttribute(instance, bound.PersonaKeys[k], batch.AttributeValues[value]);
                    }
                }

                UpdatePersona(instance, seen, changed);
            }

            Step(instance, remap[tp], batch.Touchpoints[tp], ticks[i], bound.Channels[channelIds[i] + 1]);
            for (int m = 0; m < bound.Moments.Length; m++)
            {
                AdvanceMoment(instance, m, bound.Moments[m], batch, i);
            }
        }

        instance.BatchEnd = starts[customer + 1];
        runs.Add(instance);
    }

    /// <summary>
    /// Gets whether an event at <paramref name="ticks"/> on <paramref name="touchpoint"/> starts a new run after
    /// <paramref name="current"/> under the journey's re-entry policy (see <see cref="ReentryPolicy"/>).
    /// </summary>
    private bool StartsNewRun(JourneyInstance current, int touchpoint, long ticks) =>
        current.EventCount > 0 && StartsNewRun(touchpoint, ticks, current.FirstEventTicks, current.LastEventTicks, current.IsEnded);

    /// <summary><see cref="StartsNewRun(JourneyInstance, int, long)"/> for a run with at least one event.</summary>
    private bool StartsNewRun(int touchpoint, long ticks, long firstTicks, long lastTicks, bool ended)
    {
        Journey journey = _journey.Journey;
        if (journey.Reentry == ReentryPolicy.Never || _journey.StageOf(touchpoint) != 0)
        {
            return false;
        }

        long gap = journey.ReentryMinimumGap.Ticks;
        return journey.Reentry == ReentryPolicy.Always
            ? ticks - firstTicks >= gap
            : (ended || ticks - lastTicks >= _options.InactivityPeriod.Ticks) && ticks - lastTicks >= gap;
    }

    /// <summary>The customer's next run: a fresh instance that keeps the customer's persona and attributes.</summary>
    private JourneyInstance NextRun(JourneyInstance previous)
    {
        JourneyInstance next = CreateInstance(previous.CustomerId, previous.RunNumber + 1);
        next.CopyFrom(previous, history: false);
        return next;
    }

    /// <summary>Sets the latest value of an attribute; true when it changed.</summary>
    private static bool SetAttribute(JourneyInstance instance, string key, string value)
    {
        Dictionary<string, string> attributes = instance.LatestAttributes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        ref string? slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(attributes, key, out bool exists);
        if (exists && slot == value)
        {
            return false;
        }

        slot = value;
        return true;
    }

    /// <summary>Re-applies the persona rules to the latest attributes when they changed (unless the caller set the persona).</summary>
    private void UpdatePersona(JourneyInstance instance, bool seen, bool changed)
    {
        if (!seen)
        {
            return;
        }

        bool first = !instance.PersonaAssigned;
        instance.PersonaAssigned = true;
        if ((changed || first) && !instance.PersonaSetByCaller)
        {
            instance.SetAssignedPersona(_journey.Journey.AssignPersona(instance.Attributes)?.Id);
        }
    }

    /// <summary>Where the customer run stands as of an instant: its lifecycle state (table in <see cref="LifecycleState"/>).</summary>
    /// <param name="instance">The instance, advanced with the customer's events up to <paramref name="asOf"/> only.</param>
    /// <param name="asOf">The instant; at or after the instance's latest event.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before the instance's latest event: the
    /// instance holds events from after the instant (one as-of rule: evaluate <see cref="EventBatch.Until"/> first).</exception>
    public JourneyStatus GetStatus(JourneyInstance instance, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return GetStatus(instance, asOf.UtcTicks);
    }

    /// <summary>
    /// Where the customer stands now, by the evaluator's <see cref="TimeProvider"/>. An instance whose latest event is
    /// stamped after the clock's now (clock skew) is judged as of that event.
    /// </summary>
    /// <param name="instance">The instance.</param>
    /// <returns>The status.</returns>
    public JourneyStatus GetLiveStatus(JourneyInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return GetStatus(instance, Math.Max(_time.GetUtcNow().UtcTicks, instance.LastEventTicks));
    }

    /// <summary>Where the customer stood at their last event (for history: never dormant).</summary>
    /// <param name="instance">The instance.</param>
    /// <returns>The status.</returns>
    public JourneyStatus GetHistoricStatus(JourneyInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return GetStatus(instance, instance.LastEventTicks);
    }

    /// <summary>
    /// Gets when the customer becomes stuck in the current stage (entered + standard time; stuck strictly after),
    /// or null in a terminal stage, a stage without standard time, or before any stage.
    /// </summary>
    /// <param name="instance">The instance.</param>
    /// <returns>The instant, or null.</returns>
    public DateTimeOffset? StuckAt(JourneyInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.CurrentStage < 0 || instance.CurrentStageEnteredTicks is not { } entered)
        {
            return null;
        }

        Stage stage = _journey.Stages[instance.CurrentStage];
        return stage.IsTerminal || stage.StandardTime <= TimeSpan.Zero ? null : new DateTimeOffset(entered + stage.StandardTime.Ticks, TimeSpan.Zero);
    }

    /// <summary>The lifecycle state table (<see cref="LifecycleState"/>): first matching row wins.</summary>
    private JourneyStatus GetStatus(JourneyInstance instance, long asOf)
    {
        if (instance.EventCount > 0 && asOf < instance.LastEventTicks)
        {
            ThrowEventsAfter(instance.CustomerId, instance.LastEventTicks, asOf);
        }

        return GetStatus(instance.EventCount, instance.LastEventTicks, instance.GoalReached, instance.Failed, instance.CurrentStage, instance.CurrentStageEnteredTicks, asOf);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowEventsAfter(string customerId, long lastEventTicks, long asOf) =>
        throw new ArgumentOutOfRangeException(
            nameof(asOf),
            new DateTimeOffset(asOf, TimeSpan.Zero),
            $"Customer '{customerId}' has events after the as-of instant (the latest at {new DateTimeOffset(lastEventTicks, TimeSpan.Zero):O}): evaluate only the events up to the instant (EventBatch.Until), or ask as of a later instant.");

    private JourneyStatus GetStatus(int eventCount, long lastEventTicks, bool goalReached, bool failed, int stageIndex, long? enteredTicks, long asOf)
    {
        var idle = TimeSpan.FromTicks(eventCount == 0 ? 0 : asOf - lastEventTicks);
        var inStage = enteredTicks is { } entered ? TimeSpan.FromTicks(Math.Max(0, asOf - entered)) : TimeSpan.Zero;
        LifecycleState state;
        TimeSpan overdue = TimeSpan.Zero;
        if (eventCount == 0)
        {
            state = LifecycleState.NotStarted;
        }
        else if (goalReached)
        {
            state = LifecycleState.Converted;
        }
        else if (failed)
        {
            state = LifecycleState.Failed;
        }
        else if (idle >= _options.InactivityPeriod)
        {
            state = LifecycleState.Dormant;
        }
        else if (stageIndex >= 0 && _journey.Stages[stageIndex] is { StandardTime: var standard } && standard > TimeSpan.Zero && inStage > standard)
        {
            state = LifecycleState.Stuck;
            overdue = inStage - standard;
        }
        else
        {
            state = LifecycleState.InProgress;
        }

        return new JourneyStatus(asOf, state, stageIndex, inStage, overdue, idle);
    }

    private void Step(JourneyInstance instance, int touchpoint, string touchpointName, long ticks, Channel channel)
    {
        if (instance.EventCount == 0)
        {
            instance.FirstEventTicks = ticks;
            instance.FirstChannel = channel;
        }

        instance.EventCount++;
        instance.LastEventTicks = ticks;
        instance.LastTouchpoint = touchpointName;
        if (!channel.IsNone)
        {
            if (!instance.LastChannel.IsNone && channel != instance.LastChannel)
            {
                instance.ChannelSwitches++;
            }

            instance.LastChannel = channel;
            if (instance.FirstChannel.IsNone)
            {
                instance.FirstChannel = channel;
            }

            if (channel.IsAssisted)
            {
                instance.AssistedContacts++;
            }
        }

        if (touchpoint >= 0 && !instance.SeenTouchpoints.Add(touchpoint))
        {
            instance.Repeats++;
        }

        int stage = _journey.StageOf(touchpoint);
        if (stage < 0)
        {
            instance.OutOfPath++;
        }
        else if (stage != instance.CurrentStage && !instance.IsEnded)
        {
            int current = instance.CurrentStage;
            if (current >= 0)
            {
                if (!_journey.IsAllowed(current, stage))
                {
                    instance.DisallowedTransitions++;
                }

                if (stage < current)
                {
                    instance.Backtracks++;
                }

                StageVisit open = instance.VisitList[^1];
                instance.VisitList[^1] = open with { ExitedTicks = ticks };
            }

            instance.VisitList.Add(new StageVisit(stage, ticks, null) { Persona = instance.Persona });
            instance.CurrentStage = stage;
            instance.FurthestStage = Math.Max(instance.FurthestStage, stage);
            Stage s = _journey.Stages[stage];
            if (s.IsGoal && !instance.GoalReached)
            {
                instance.GoalReached = true;
                instance.GoalReachedTicks = ticks;
            }

            if (s.IsFailure)
            {
                instance.Failed = true;
            }
        }
    }

    private void AdvanceMoments(JourneyInstance instance, JourneyEvent journeyEvent)
    {
        for (int m = 0; m < instance.MomentStates.Length; m++)
        {
            Matching.Pattern.CompiledPattern pattern = _journey.Moment(m);
            Matching.Pattern.PatternState state = instance.MomentStates[m];
            int before = pattern.GetResult(state).Count;
            DateTimeOffset? deadline = pattern.NextDeadline(state);
            pattern.Advance(state, journeyEvent);
            RecordHit(instance, m, before, pattern.GetResult(state).Count, HitTicks(deadline, journeyEvent.TimestampTicks));
        }
    }

    private void AdvanceMoment(JourneyInstance instance, int m, in Matching.Pattern.BoundPattern bound, EventBatch batch, int row)
    {
        Matching.Pattern.CompiledPattern pattern = _journey.Moment(m);
        Matching.Pattern.PatternState state = instance.MomentStates[m];
        int before = pattern.GetResult(state).Count;
        DateTimeOffset? deadline = pattern.NextDeadline(state);
        pattern.Advance(state, bound, batch, row);
        RecordHit(instance, m, before, pattern.GetResult(state).Count, HitTicks(deadline, batch.TimestampTicks[row]));
    }

    /// <summary>When a hit at an event happened: a pattern ending in an absence completed at its deadline, before the
    /// event that proved it (the same instant <see cref="GetMomentsOfTruth"/> gives without the event).</summary>
    private static long HitTicks(DateTimeOffset? deadline, long eventTicks) =>
        deadline is { } d && d.UtcTicks < eventTicks ? d.UtcTicks : eventTicks;

    /// <summary>
    /// The instance's moments of truth as of an instant: those its events recorded, plus a moment whose pattern ends in
    /// an absence (<c>id.upload !(help.call within 3h)</c>) and whose deadline is at or before <paramref name="asOf"/> —
    /// seen without a later event, at its deadline, as the event after the deadline will record it. The instance does
    /// not change.
    /// </summary>
    /// <param name="instance">The instance, advanced with the customer's events up to <paramref name="asOf"/> only.</param>
    /// <param name="asOf">The instant (e.g. the <see cref="TimeProvider"/>'s now); at or after the instance's latest event.</param>
    /// <returns>The hits in time order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before the instance's latest event.</exception>
    public IReadOnlyList<MomentOfTruthHit> GetMomentsOfTruth(JourneyInstance instance, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.EventCount > 0 && asOf.UtcTicks < instance.LastEventTicks)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"Customer '{instance.CustomerId}' has events after the as-of instant: evaluate only the events up to the instant (EventBatch.Until), or ask as of a later instant.");
        }

        List<MomentOfTruthHit>? hits = null;
        for (int m = 0; m < instance.MomentStates.Length; m++)
        {
            Matching.Pattern.CompiledPattern pattern = _journey.Moment(m);
            Matching.Pattern.PatternState state = instance.MomentStates[m];
            if (pattern.NextDeadline(state) is { } deadline && deadline <= asOf && pattern.GetResult(state, asOf).Count > pattern.GetResult(state).Count)
            {
                hits ??= [.. instance.HitList];
                hits.Add(new MomentOfTruthHit(m, deadline.UtcTicks, _journey.Journey.MomentsOfTruth[m].Outcome));
            }
        }

        if (hits is null)
        {
            return instance.MomentsOfTruth;
        }

        return [.. hits.OrderBy(h => h.Ticks)]; // stable: equal instants keep the recorded order
    }

    /// <summary>A moment of truth is hit each time its pattern's match count grows.</summary>
    private void RecordHit(JourneyInstance instance, int moment, int before, int after, long ticks)
    {
        if (after > before)
        {
            instance.HitList.Add(new MomentOfTruthHit(moment, ticks, _journey.Journey.MomentsOfTruth[moment].Outcome));
        }
    }
}
