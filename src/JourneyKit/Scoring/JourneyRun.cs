using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Scoring;

/// <summary>
/// A view of one run in <see cref="JourneyRunColumns"/>: the same facts as the <see cref="JourneyInstance"/> that
/// <see cref="JourneyEvaluator.Evaluate(EventBatch)"/> gives for the run, read from the columns without an object per
/// run. Valid until the next evaluation into the columns.
/// </summary>
/// <remarks>The default value is no run: its members throw <see cref="NullReferenceException"/>.</remarks>
public readonly struct JourneyRun : IRunHistory
{
    private readonly JourneyRunColumns _c;
    private readonly int _r;

    internal JourneyRun(JourneyRunColumns columns, int run)
    {
        _c = columns;
        _r = run;
    }

    /// <summary>Gets the run's index in its columns.</summary>
    public int Index => _r;

    /// <summary>Gets the customer's index in the batch (its position in <see cref="EventBatch.CustomerStarts"/>).</summary>
    public int CustomerIndex => _c.Customer[_r];

    /// <summary>Gets the customer id.</summary>
    public string CustomerId => Batch.Customers[Batch.CustomerOfRun(_c.Customer[_r])];

    /// <summary>Gets the run's number for its customer, from 1 (<see cref="JourneyInstance.RunNumber"/>).</summary>
    public int RunNumber => _c.RunNumber[_r];

    /// <summary>Gets the batch row of the run's first event.</summary>
    public int EventStart => _c.Start[_r];

    /// <summary>Gets the batch row after the run's last event (exclusive).</summary>
    public int EventEnd => _c.Start[_r + 1];

    /// <summary>Gets the number of events evaluated (at least one).</summary>
    public int EventCount => _c.Start[_r + 1] - _c.Start[_r];

    /// <summary>Gets the time of the first event, UTC ticks.</summary>
    public long FirstEventTicks => Batch.TimestampTicks[_c.Start[_r]];

    /// <summary>Gets the time of the last event, UTC ticks.</summary>
    public long LastEventTicks => Batch.TimestampTicks[_c.Start[_r + 1] - 1];

    /// <summary>Gets the touchpoint of the last event.</summary>
    public string LastTouchpoint => Batch.Touchpoints[Batch.TouchpointIds[_c.Start[_r + 1] - 1]];

    /// <summary>Gets the first channel seen in the run (<see cref="Channel.None"/> when no event has one).</summary>
    public Channel FirstChannel
    {
        get
        {
            ReadOnlySpan<int> channels = Batch.ChannelIds;
            for (int i = _c.Start[_r]; i < _c.Start[_r + 1]; i++)
            {
                if (channels[i] >= 0 && Channel.FromName(Batch.Channels[channels[i]]) is { IsNone: false } channel)
                {
                    return channel;
                }
            }

            return Channel.None;
        }
    }

    /// <summary>Gets the last channel seen in the run (<see cref="Channel.None"/> when no event has one).</summary>
    public Channel LastChannel
    {
        get
        {
            ReadOnlySpan<int> channels = Batch.ChannelIds;
            for (int i = _c.Start[_r + 1] - 1; i >= _c.Start[_r]; i--)
            {
                if (channels[i] >= 0 && Channel.FromName(Batch.Channels[channels[i]]) is { IsNone: false } channel)
                {
                    return channel;
                }
            }

            return Channel.None;
        }
    }

    /// <summary>Gets the current stage index (the last visit's), or -1 before the first in-path event.</summary>
    public int CurrentStage => _c.VisitStart[_r + 1] > _c.VisitStart[_r] ? _c.VisitStage[_c.VisitStart[_r + 1] - 1] : -1;

    /// <summary>Gets the furthest stage index reached (designed order), or -1.</summary>
    public int FurthestStage
    {
        get
        {
            int furthest = -1;
            for (int v = _c.VisitStart[_r]; v < _c.VisitStart[_r + 1]; v++)
            {
                furthest = Math.Max(furthest, _c.VisitStage[v]);
            }

            return furthest;
        }
    }

    /// <summary>Gets a value indicating whether the run reached a goal stage (<see cref="JourneyInstance.GoalReached"/>).</summary>
    public bool GoalReached => (_c.Flags[_r] & JourneyRunColumns.GoalFlag) != 0;

    /// <summary>Gets when the goal was first reached, UTC ticks, or null (the run's last stage entry: a run that
    /// reached its goal changes stage no more).</summary>
    public long? GoalReachedTicks => GoalReached ? CurrentStageEnteredTicks : null;

    /// <summary>Gets a value indicating whether the run ended in a failure stage (<see cref="JourneyInstance.Failed"/>).</summary>
    public bool Failed => (_c.Flags[_r] & JourneyRunColumns.FailedFlag) != 0;

    /// <summary>Gets a value indicating whether the run has ended: <see cref="GoalReached"/> or <see cref="Failed"/>.</summary>
    public bool IsEnded => (_c.Flags[_r] & (JourneyRunColumns.GoalFlag | JourneyRunColumns.FailedFlag)) != 0;

    /// <summary>Gets the number of moves to an earlier stage (designed order).</summary>
    public int Backtracks => _c.Backtracks[_r];

    /// <summary>Gets the number of events at a touchpoint the run had already used.</summary>
    public int Repeats => _c.Repeats[_r];

    /// <summary>Gets the number of times consecutive events changed channel.</summary>
    public int ChannelSwitches => _c.ChannelSwitches[_r];

    /// <summary>Gets the number of events on assisted channels (<see cref="Channel.IsAssisted"/>).</summary>
    public int AssistedContacts => _c.AssistedContacts[_r];

    /// <summary>Gets the number of events at touchpoints that are not part of any stage.</summary>
    public int OutOfPath => _c.OutOfPath[_r];

    /// <summary>Gets the number of stage changes the design does not allow (<see cref="Stage.Next"/>).</summary>
    public int DisallowedTransitions => _c.DisallowedTransitions[_r];

    /// <summary>Gets the persona id at the run's last event, or null (<see cref="JourneyInstance.Persona"/>).</summary>
    public string? Persona => PersonaId(_c.Persona[_r]);

    /// <summary>Gets a value indicating whether the persona rules were applied (an event carried attributes they read).</summary>
    public bool PersonaAssigned => (_c.Flags[_r] & JourneyRunColumns.PersonaAssignedFlag) != 0;

    /// <summary>Gets the number of stage visits.</summary>
    public int VisitCount => _c.VisitStart[_r + 1] - _c.VisitStart[_r];

    /// <summary>Gets when the run entered its current stage, UTC ticks, or null before any stage.</summary>
    public long? CurrentStageEnteredTicks => VisitCount == 0 ? null : Batch.TimestampTicks[_c.VisitRow[_c.VisitStart[_r + 1] - 1]];

    /// <summary>Gets the number of moments of truth hit.</summary>
    public int MomentOfTruthCount => _c.HitStart[_r + 1] - _c.HitStart[_r];

    /// <summary>Gets the batch the run was evaluated from (its rows are <see cref="EventStart"/> to <see cref="EventEnd"/>).</summary>
    public EventBatch Batch => _c.Batch!;

    /// <summary>Gets the evaluator that evaluated the run.</summary>
    public JourneyEvaluator Evaluator => _c.Evaluator!;

    /// <summary>Gets a stage visit, oldest first (<see cref="JourneyInstance.Visits"/>).</summary>
    /// <param name="visit">The visit, from 0 to <see cref="VisitCount"/> - 1.</param>
    /// <returns>The visit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="visit"/> is out of range.</exception>
    public StageVisit GetVisit(int visit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)visit, (uint)VisitCount, nameof(visit));
        int v = _c.VisitStart[_r] + visit;
        return new StageVisit(_c.VisitStage[v], VisitEntered(visit), VisitExited(visit)) { Persona = PersonaId(_c.VisitPersona[v]) };
    }

    /// <summary>Gets a moment of truth hit, in time order (<see cref="JourneyInstance.MomentsOfTruth"/>).</summary>
    /// <param name="hit">The hit, from 0 to <see cref="MomentOfTruthCount"/> - 1.</param>
    /// <returns>The hit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hit"/> is out of range.</exception>
    public MomentOfTruthHit GetMomentOfTruth(int hit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)hit, (uint)MomentOfTruthCount, nameof(hit));
        int h = _c.HitStart[_r] + hit;
        int moment = _c.HitMoment[h];
        return new MomentOfTruthHit(moment, _c.HitTicks[h], _c.Evaluator!.Journey.Journey.MomentsOfTruth[moment].Outcome);
    }

    /// <summary>Materialises the run as a <see cref="JourneyInstance"/> (<see cref="JourneyRunColumns.GetInstance"/>).</summary>
    /// <returns>A new instance.</returns>
    public JourneyInstance ToInstance() => _c.GetInstance(_r);

    /// <inheritdoc/>
    public override string ToString() => $"{CustomerId} run {RunNumber}";

    int IRunHistory.HitMoment(int hit) => _c.HitMoment[_c.HitStart[_r] + hit];

    MomentOfTruthOutcome IRunHistory.HitOutcome(int hit) => _c.Evaluator!.Journey.Journey.MomentsOfTruth[_c.HitMoment[_c.HitStart[_r] + hit]].Outcome;

    int IRunHistory.VisitStage(int visit) => _c.VisitStage[_c.VisitStart[_r] + visit];

    long IRunHistory.VisitEntered(int visit) => VisitEntered(visit);

    long? IRunHistory.VisitExited(int visit) => VisitExited(visit);

    private long VisitEntered(int visit) => Batch.TimestampTicks[_c.VisitRow[_c.VisitStart[_r] + visit]];

    private long? VisitExited(int visit)
    {
        int next = _c.VisitStart[_r] + visit + 1;
        return next < _c.VisitStart[_r + 1] ? Batch.TimestampTicks[_c.VisitRow[next]] : null;
    }

    private string? PersonaId(int persona) => persona < 0 ? null : _c.Evaluator!.Journey.Journey.Personas[persona].Id;
}

/// <summary>A run's stage visits and moments of truth, read alike from a <see cref="JourneyInstance"/> and a
/// <see cref="JourneyRun"/> (the built-in score components are written once over it).</summary>
internal interface IRunHistory
{
    int VisitCount { get; }

    int MomentOfTruthCount { get; }

    int VisitStage(int visit);

    long VisitEntered(int visit);

    long? VisitExited(int visit);

    int HitMoment(int hit);

    MomentOfTruthOutcome HitOutcome(int hit);
}

/// <summary><see cref="IRunHistory"/> over an instance.</summary>
internal readonly struct InstanceHistory(JourneyInstance instance) : IRunHistory
{
    public int VisitCount => instance.VisitList.Count;

    public int MomentOfTruthCount => instance.HitList.Count;

    public int VisitStage(int visit) => instance.VisitList[visit].Stage;

    public long VisitEntered(int visit) => instance.VisitList[visit].EnteredTicks;

    public long? VisitExited(int visit) => instance.VisitList[visit].ExitedTicks;

    public int HitMoment(int hit) => instance.HitList[hit].Moment;

    public MomentOfTruthOutcome HitOutcome(int hit) => instance.HitList[hit].Outcome;
}
