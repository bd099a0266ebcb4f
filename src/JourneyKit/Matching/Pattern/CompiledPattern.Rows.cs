using JourneyKit.Events;

namespace JourneyKit.Matching.Pattern;

/// <content>A streaming state run over a range of batch rows (a moment of truth over one customer run).</content>
public sealed partial class CompiledPattern
{
    /// <summary>The atoms bound to a batch and its skip searches (<see cref="SkipPlan"/>), kept while the batch lives.</summary>
    internal SkipPlan BindPlan(EventBatch batch) => PlanFor(batch);

    /// <summary>Empties a streaming state for the next customer run: the state <see cref="CreateState"/> makes, reused
    /// (with a variable, its copies go back to the pool).</summary>
    internal void ResetState(PatternState state)
    {
        if (state.Bound is not null)
        {
            ResetBound(state);
        }
        else
        {
            state.Reset();
        }
    }

    /// <summary>Whether no row of [<paramref name="from"/>, <paramref name="to"/>) can start a match from an empty state,
    /// by the batch matcher's search (<see cref="SkipPlan.Idle"/>): then <see cref="AdvanceRows"/> from an empty state
    /// would hit nothing and change nothing but the state's event counter and previous time.</summary>
    internal bool CannotStart(SkipPlan plan, ReadOnlySpan<int> ids, int from, int to)
    {
        if (from >= to)
        {
            return true;
        }

        if (_skipShape is null || _variable is not null || plan.Idle.Moves(ids[from]))
        {
            return false;
        }

        return AnchoredStart || plan.Idle.Next(ids[(from + 1)..to]) == to - from - 1; // with '^' only the first row may start
    }

    /// <summary>
    /// Advances a state over rows [<paramref name="from"/>, <paramref name="to"/>) of a batch (in time order) exactly as
    /// one <see cref="Advance(PatternState, in BoundPattern, EventBatch, int)"/> per row would, and adds to
    /// <paramref name="hits"/> each row at which the count of matches (<see cref="MatchCount"/>) grows, with the match's
    /// time: the row's, or the deadline of an absence that completed before it. While nothing is partly matched, the rows
    /// that cannot start a match are passed with the batch matcher's search (<see cref="SkipPlan.Idle"/>;
    /// all rows after the first with <c>^</c>), and so are those that cannot change partial matches held only in loops
    /// (<c>.*</c>, <see cref="SkipPlan.ForActive"/>) and, while an absence waits, up to its deadline: they would only move
    /// the state's event counter and previous time (the batch matchers' skip; PatternSkipTests). A pattern with a
    /// variable is stepped row by row.
    /// </summary>
    internal void AdvanceRows(PatternState state, SkipPlan plan, EventBatch batch, int from, int to, MomentHits hits, int moment)
    {
        var bound = new BoundPattern(plan.Bound, plan.VariableColumns);
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        bool skip = _skipShape is not null && _variable is null;
        // As the batch matchers: with '$' and 'within' every event must drop what fell out of the window, so active
        // states never pass events then (idle ones still do).
        bool loops = skip && plan.HasLoops && !(AnchoredEnd && (_timed is not null ? _timed.HasWithin : _withinTicks != long.MaxValue));
        var cursor = new SkipCursor(plan, loops);
        bool mayWait = MayWait;
        for (int i = from; i < to; i++)
        {
            if (skip)
            {
                ulong states = _timed is null
                    ? (state.Core.Active ? (state.Core.ActiveMask == 0 ? ulong.MaxValue : state.Core.ActiveMask) : 0)
                    : state.CandCount == 0 ? 0 : loops ? StatesOf(state.Cands!, state.CandCount, _timed.Stride) : ulong.MaxValue;
                int j = cursor.Next(states, state.Core.Waiting, state.Core.WaitDeadline, AnchoredStart && state.Core.Index > 0, ids, ticks, i, to);
                if (j > i)
                {
                    state.Core.Index += j - i;
                    state.Core.PrevTicks = ticks[j - 1];
                    i = j;
                    if (i == to)
                    {
                        break;
                    }
                }
            }

            int before = MatchCount(state);
            long deadline = mayWait && NextDeadline(state) is { } d ? d.UtcTicks : long.MaxValue;
            Advance(state, bound, batch, i);
            if (MatchCount(state) > before)
            {
                hits.Add(i, moment, deadline < ticks[i] ? deadline : ticks[i]);
            }
        }
    }
}

/// <summary>Moments of truth hit in one customer run: the row that hit, the moment and when (reused across runs).</summary>
internal sealed class MomentHits
{
    public int[] Rows = new int[16];
    public int[] Moments = new int[16];
    public long[] Ticks = new long[16];
    public int Count;

    // Scratch of the sort by (row, moment).
    public long[] Keys = [];
    public int[] Order = [];

    public void Add(int row, int moment, long ticks)
    {
        if (Count == Rows.Length)
        {
            Array.Resize(ref Rows, Count * 2);
            Array.Resize(ref Moments, Count * 2);
            Array.Resize(ref Ticks, Count * 2);
        }

        Rows[Count] = row;
        Moments[Count] = moment;
        Ticks[Count] = ticks;
        Count++;
    }
}
