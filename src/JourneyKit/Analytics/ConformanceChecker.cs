using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Per-run conformance to the designed journey by alignment (process mining's alignment-based fitness): the run's stage
/// trace is aligned with the journey read as a process model, and the cheapest alignment's deviations are listed.
/// </summary>
/// <remarks>
/// <para>The model: a run starts before the journey's first stage, may enter the first stage, and may move from stage
/// <c>s</c> to <c>t</c> when <see cref="CompiledJourney.IsAllowed(int, int)"/> allows it (the stages' <c>next</c> lists;
/// staying is always allowed; nothing leaves a goal or failure stage). Every state is final, because an open run is a
/// prefix of a journey (a prefix alignment).</para>
/// <para>An alignment pairs the trace ⟨v₁ … vₙ⟩ with a model run by three kinds of move: synchronous (the visit is the
/// model's next step, cost 0), log move (a visit the model cannot make there, cost 1: a disallowed transition) and model
/// move (a stage the model passes through that the run did not visit, cost 1: a skipped stage). The optimal cost is found
/// by dynamic programming over (trace position, model state) with the model's shortest paths between stages (computed
/// once), in O(n · s) for n visits and s stages. Fitness = 1 − cost / n: the all-log-moves alignment costs n, so the value
/// is in [0, 1], and it is 1 exactly when the stage path is a run of the model. When several alignments are optimal, the
/// one that follows the design longest is chosen (a synchronous move whenever it is optimal); the fitness does not depend
/// on the choice.</para>
/// </remarks>
/// <threadsafety>Thread-safe: immutable after construction.</threadsafety>
public sealed class ConformanceChecker
{
    private const int Infinity = int.MaxValue / 4;
    private readonly CompiledJourney _journey;
    private readonly int _states; // stages + the start state (index = stage count)
    private readonly int[] _distance; // shortest model path (number of model moves) from a to b, Infinity when unreachable
    private readonly int[] _parent; // the state before b on a shortest path from a

    /// <summary>Initializes a checker for a journey (computes the shortest paths between its stages once).</summary>
    /// <param name="journey">The compiled journey.</param>
    public ConformanceChecker(CompiledJourney journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        _journey = journey;
        int stages = journey.Stages.Length;
        _states = stages + 1;
        _distance = new int[_states * _states];
        _parent = new int[_states * _states];
        var queue = new int[_states];
        for (int a = 0; a < _states; a++)
        {
            Span<int> distance = _distance.AsSpan(a * _states, _states);
            Span<int> parent = _parent.AsSpan(a * _states, _states);
            distance.Fill(Infinity);
            parent.Fill(-1);
            distance[a] = 0;
            int head = 0, tail = 0;
            queue[tail++] = a;
            while (head < tail)
            {
                int q = queue[head++];
                for (int t = 0; t < stages; t++)
                {
                    if (t != q && distance[t] == Infinity && CanStep(q, t))
                    {
                        distance[t] = distance[q] + 1;
                        parent[t] = q;
                        queue[tail++] = t;
                    }
                }
            }
        }
    }

    /// <summary>Gets the journey.</summary>
    public CompiledJourney Journey => _journey;

    /// <summary>Checks one run.</summary>
    /// <param name="run">The run (from <see cref="JourneyEvaluator.Evaluate(EventBatch)"/> or advanced event by event).</param>
    /// <param name="events">The batch <paramref name="run"/> was evaluated from, to list its out-of-path touchpoints; null to
    /// count them only (<see cref="CustomerConformance.OutOfPathEvents"/>).</param>
    /// <returns>The fitness and deviations.</returns>
    /// <exception cref="ArgumentException"><paramref name="run"/> is of another journey.</exception>
    public CustomerConformance Check(JourneyInstance run, EventBatch? events = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.JourneyId != _journey.Journey.Id)
        {
            throw new ArgumentException($"The run is of journey '{run.JourneyId}', not '{_journey.Journey.Id}'.", nameof(run));
        }

        return Check(run.CustomerId, run.RunNumber, run.Visits, run.OutOfPath, events is not null && run.BatchEnd <= events.Count ? events : null, run.BatchStart, run.BatchEnd);
    }

    /// <summary>Checks one run read from columns (<see cref="JourneyEvaluator.EvaluateInto"/>), listing its out-of-path
    /// touchpoints from the columns' batch: what <see cref="Check(JourneyInstance, EventBatch?)"/> gives for the run's
    /// instance with that batch.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The fitness and deviations.</returns>
    /// <exception cref="ArgumentException"><paramref name="run"/> is of another journey.</exception>
    public CustomerConformance Check(in JourneyRun run)
    {
        if (run.Evaluator.Journey.Journey.Id != _journey.Journey.Id)
        {
            throw new ArgumentException($"The run is of journey '{run.Evaluator.Journey.Journey.Id}', not '{_journey.Journey.Id}'.", nameof(run));
        }

        var visits = new StageVisit[run.VisitCount];
        for (int v = 0; v < visits.Length; v++)
        {
            visits[v] = run.GetVisit(v);
        }

        return Check(run.CustomerId, run.RunNumber, visits, run.OutOfPath, run.Batch, run.EventStart, run.EventEnd);
    }

    private CustomerConformance Check(string customerId, int runNumber, IReadOnlyList<StageVisit> visits, int outOfPath, EventBatch? events, int start, int end)
    {
        var deviations = new List<ConformanceDeviation>();
        int cost = Align(visits, deviations);
        if (events is not null && outOfPath > 0)
        {
            AddOutOfPath(start, end, events, deviations);
        }

        double? fitness = visits.Count == 0 ? null : 1 - ((double)cost / visits.Count);
        return new CustomerConformance(customerId, runNumber, visits.Count, cost, fitness, outOfPath, deviations);
    }

    /// <summary>The optimal alignment's cost; its skipped stages and disallowed transitions are added in time order.</summary>
    /// <remarks>
    /// rest[i][q] is the cheapest alignment of visits i+1 … n from model state q: a log move (1 + rest[i+1][q]) or the
    /// model moves to a stage from which visit i+1 is the next step, then that synchronous move
    /// (toSync(q, v) + rest[i+1][v], toSync(q, v) = 0 when q = v, else the shortest model distance − 1). The alignment is
    /// then built forwards, taking the synchronous move whenever it is optimal: a run follows the design for as long as
    /// it can, so a deviation is reported where it happens (a backtrack is the step back, not the step before it).
    /// </remarks>
    private int Align(IReadOnlyList<StageVisit> visits, List<ConformanceDeviation> deviations)
    {
        int n = visits.Count, s = _states, start = s - 1;
        if (n == 0)
        {
            return 0;
        }

        var rest = new int[(n + 1) * s]; // row n is all zeros: nothing left to align
        for (int i = n - 1; i >= 0; i--)
        {
            int v = visits[i].Stage, row = i * s, next = (i + 1) * s;
            for (int q = 0; q < s; q++)
            {
                int log = rest[next + q] + 1, toSync = ToSync(q, v);
                rest[row + q] = toSync < Infinity ? Math.Min(log, toSync + rest[next + v]) : log;
            }
        }

        int state = start;
        for (int i = 0; i < n; i++)
        {
            StageVisit visit = visits[i];
            int v = visit.Stage, next = (i + 1) * s, toSync = ToSync(state, v);
            string? previous = i > 0 ? _journey.Stages[visits[i - 1].Stage].Id : null;
            if (toSync < Infinity && toSync + rest[next + v] <= rest[next + state] + 1)
            {
                int skipped = deviations.Count;
                for (int t = state == v ? v : _parent[(state * s) + v]; t != state && t != v; t = _parent[(state * s) + t])
                {
                    deviations.Add(new ConformanceDeviation(ConformanceDeviationKind.SkippedStage, _journey.Stages[t].Id, previous, At(visit.EnteredTicks), 1));
                }

                deviations.Reverse(skipped, deviations.Count - skipped); // the path was walked back from v
                state = v;
            }
            else
            {
                deviations.Add(new ConformanceDeviation(ConformanceDeviationKind.DisallowedTransition, _journey.Stages[v].Id, previous, At(visit.EnteredTicks), 1));
            }
        }

        return rest[start];
    }

    /// <summary>The model moves needed from state q before visit v can be a synchronous move, or Infinity.</summary>
    private int ToSync(int q, int v)
    {
        if (q == v)
        {
            return 0;
        }

        int d = _distance[(q * _states) + v];
        return d < Infinity ? d - 1 : Infinity;
    }

    /// <summary>Whether the model moves from state <paramref name="from"/> (a stage, or the start) into stage <paramref name="to"/>.</summary>
    private bool CanStep(int from, int to) => from == _states - 1 ? to == 0 : from != to && _journey.IsAllowed(from, to);

    private void AddOutOfPath(int start, int end, EventBatch events, List<ConformanceDeviation> deviations)
    {
        var byTouchpoint = new Dictionary<int, (long First, int Count)>();
        ReadOnlySpan<int> touchpoints = events.TouchpointIds;
        ReadOnlySpan<long> ticks = events.TimestampTicks;
        for (int i = start; i < end; i++)
        {
            int tp = touchpoints[i];
            if (byTouchpoint.TryGetValue(tp, out (long First, int Count) seen))
            {
                byTouchpoint[tp] = (seen.First, seen.Count + 1);
            }
            else if (!_journey.Touchpoints.TryGetId(events.Touchpoints[tp], out int id) || _journey.StageOf(id) < 0)
            {
                byTouchpoint[tp] = (ticks[i], 1);
            }
        }

        var found = new List<ConformanceDeviation>(byTouchpoint.Count);
        foreach (KeyValuePair<int, (long First, int Count)> t in byTouchpoint)
        {
            found.Add(new ConformanceDeviation(ConformanceDeviationKind.OutOfPathTouchpoint, events.Touchpoints[t.Key], null, At(t.Value.First), t.Value.Count));
        }

        found.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Subject, b.Subject));
        deviations.AddRange(found);
    }

    private static DateTimeOffset At(long ticks) => new(ticks, TimeSpan.Zero);
}
