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

    /// <summary>
    /// Advances a state over rows [<paramref name="from"/>, <paramref name="to"/>) of a batch (in time order) exactly as
    /// one <see cref="Advance(PatternState, in BoundPattern, EventBatch, int)"/> per row would, and adds to
    /// <paramref name="hits"/> each row at which the count of matches (<see cref="MatchCount"/>) grows, with the match's
    /// time: the row's, or the deadline of an absence that completed before it. While nothing is partly matched and no
    /// absence waits, the rows that cannot start a match are passed with the batch matcher's search (<see cref="SkipPlan.Idle"/>;
    /// all rows after the first with <c>^</c>): they would only move the state's event counter and previous time. A
    /// pattern with a variable is stepped row by row.
    /// </summary>
    internal void AdvanceRows(PatternState state, SkipPlan plan, EventBatch batch, int from, int to, MomentHits hits, int moment)
    {
        var bound = new BoundPattern(plan.Bound, plan.VariableColumns);
        ReadOnlySpan<int> ids = batch.TouchpointIds;
        ReadOnlySpan<long> ticks = batch.TimestampTicks;
        bool skip = _skipShape is not null && _variable is null;
        var cursor = new SkipCursor(plan, loops: false);
        bool mayWait = MayWait;
        for (int i = from; i < to; i++)
        {
            if (skip && !state.Core.Waiting && (_timed is null ? !state.Core.Active : state.CandCount == 0))
            {
                int j = cursor.Next(0, waiting: false, 0, AnchoredStart && state.Core.Index > 0, ids, ticks, i, to);
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
