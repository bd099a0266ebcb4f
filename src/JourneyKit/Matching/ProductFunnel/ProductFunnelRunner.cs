using JourneyKit.Events;
using JourneyKit.Matching.Internal;

namespace JourneyKit.Matching.ProductFunnel;

/// <summary>One pass of a <see cref="ProductFunnel"/> over a batch's customers: the masks bound to the batch and reused scratch.</summary>
internal sealed class ProductFunnelRunner
{
    private const int RanOut = 0;   // saw every later event without stopping: still open if its window is
    private const int Stopped = 1;  // an exclusion, another event (strict) or a gap out of bounds ended it
    private const int Expired = 2;  // an event past its window ended it
    private const int Complete = 3; // every step

    private readonly ProductFunnel _funnel;
    private readonly EventBatch _batch;
    private readonly uint[] _stepMasks;
    private readonly uint[] _exclusionMasks;
    private readonly int _steps;
    private readonly long _windowTicks;
    private readonly long[]? _min;
    private readonly long[]? _max;
    private readonly long[] _attempt;
    private readonly StepChains? _chains;
    private long[] _arenaTicks = new long[16];
    private int[] _arenaParent = new int[16];
    private int _arenaCount;
    private readonly Dictionary<int, List<int>> _heldRows = [];
    private int[] _valueTouchpoints = new int[16];
    private long[] _valueTicks = new long[16];

    public ProductFunnelRunner(ProductFunnel funnel, EventBatch batch)
    {
        _funnel = funnel;
        _batch = batch;
        _steps = funnel.Steps.Count;
        _windowTicks = funnel.Window.Ticks;
        _min = funnel.MinTicks;
        _max = funnel.MaxTicks;
        _stepMasks = new uint[batch.Touchpoints.Count];
        _exclusionMasks = new uint[batch.Touchpoints.Count];
        for (int t = 0; t < _stepMasks.Length; t++)
        {
            string name = batch.Touchpoints[t];
            for (int s = 0; s < _steps; s++)
            {
                _stepMasks[t] |= name == funnel.Steps[s] ? 1u << s : 0;
            }

            foreach (FunnelExclusion e in funnel.Exclusions)
            {
                // Bit k-1 set: stops an attempt that has done exactly k steps.
                _exclusionMasks[t] |= name == e.Touchpoint ? 1u << (e.AfterStep - 1) : 0;
            }
        }

        _attempt = new long[_steps];
        if (_min is not null && funnel.Type == ProductFunnelType.Ordered)
        {
            _chains = new StepChains(Math.Max(1, _steps - 1));
        }
    }

    /// <summary>Evaluates one customer run: its level, the counted step times (index 0 = start) and whether it is in progress.</summary>
    public int Run(int run, long asOfTicks, Span<long> times, out bool inProgress)
    {
        int start = _batch.CustomerStarts[run];
        int end = _batch.CustomerStarts[run + 1];
        if (_funnel.HoldAttribute is null)
        {
            return RunOne(_batch.TouchpointIds, _batch.TimestampTicks, start, end, asOfTicks, times, out inProgress);
        }

        return RunHeld(run, start, end, asOfTicks, times, out inProgress);
    }

    private int RunOne(ReadOnlySpan<int> touchpoints, ReadOnlySpan<long> ticks, int start, int end, long asOfTicks, Span<long> times, out bool inProgress) =>
        _chains is null
            ? RunAttempts(touchpoints, ticks, start, end, asOfTicks, times, out inProgress)
            : RunChains(touchpoints, ticks, start, end, asOfTicks, times, out inProgress);

    /// <summary>
    /// Holding a property: the funnel once per distinct value over the customer's events that carry it (events without it
    /// are ignored); the highest level wins (ties: the earliest last step), in progress when a value at that level is.
    /// </summary>
    private int RunHeld(int run, int start, int end, long asOfTicks, Span<long> times, out bool inProgress)
    {
        inProgress = false;
        if (!_batch.TryGetAttributeColumn(_funnel.HoldAttribute!, out ReadOnlySpan<int> values))
        {
            return 0;
        }

        _heldRows.Clear();
        for (int row = start; row < end; row++)
        {
            int value = values[row];
            if (value < 0)
            {
                continue;
            }

            if (!_heldRows.TryGetValue(value, out List<int>? rows))
            {
                if (_heldRows.Count >= _funnel.MaxHeldValues)
                {
                    throw ProductFunnel.TooManyHeldValues(_batch.Customers[_batch.CustomerOfRun(run)], _funnel.HoldAttribute!, _funnel.MaxHeldValues);
                }

                rows = [];
                _heldRows.Add(value, rows);
            }

            rows.Add(row);
        }

        int bestLevel = 0;
        long bestEnd = long.MaxValue;
        Span<long> scratch = stackalloc long[_steps];
        ReadOnlySpan<int> allTouchpoints = _batch.TouchpointIds;
        ReadOnlySpan<long> allTicks = _batch.TimestampTicks;
        foreach (List<int> rows in _heldRows.Values)
        {
            if (_valueTouchpoints.Length < rows.Count)
            {
                _valueTouchpoints = new int[Math.Max(rows.Count, _valueTouchpoints.Length * 2)];
                _valueTicks = new long[_valueTouchpoints.Length];
            }

            for (int i = 0; i < rows.Count; i++)
            {
                _valueTouchpoints[i] = allTouchpoints[rows[i]];
                _valueTicks[i] = allTicks[rows[i]];
            }

            int level = RunOne(_valueTouchpoints, _valueTicks, 0, rows.Count, asOfTicks, scratch, out bool open);
            long endTicks = level == 0 ? long.MaxValue : scratch[level - 1];
            if (level > bestLevel || (level == bestLevel && level > 0 && endTicks < bestEnd))
            {
                bestLevel = level;
                bestEnd = endTicks;
                scratch[..level].CopyTo(times);
            }

            if (level == bestLevel)
            {
                inProgress |= open;
            }
        }

        // A value that reached the best level before a higher one was found may have set inProgress: recompute it.
        if (inProgress)
        {
            inProgress = false;
            foreach (List<int> rows in _heldRows.Values)
            {
                for (int i = 0; i < rows.Count; i++)
                {
                    _valueTouchpoints[i] = allTouchpoints[rows[i]];
                    _valueTicks[i] = allTicks[rows[i]];
                }

                int level = RunOne(_valueTouchpoints, _valueTicks, 0, rows.Count, asOfTicks, scratch, out bool open);
                inProgress |= level == bestLevel && open;
            }
        }

        return bestLevel;
    }

    private int RunAttempts(ReadOnlySpan<int> touchpoints, ReadOnlySpan<long> ticks, int first, int end, long asOfTicks, Span<long> best, out bool inProgress)
    {
        int bestLevel = 0;
        for (int start = first; start < end && bestLevel < _steps; start++)
        {
            if (!Starts(touchpoints[start]))
            {
                continue;
            }

            int level = Attempt(start, end, touchpoints, ticks, out int status);
            if (level > bestLevel)
            {
                bestLevel = level;
                _attempt.AsSpan(0, level).CopyTo(best);
            }

            if (status == RanOut)
            {
                // This attempt saw every later event within its window: a later attempt sees a subset, so it can
                // only tie (and ties keep the earliest attempt). Stopping here keeps a customer O(events) when
                // windows are long or timestamps equal.
                break;
            }
        }

        inProgress = bestLevel >= 1 && bestLevel < _steps && IsOpen(first, end, bestLevel, asOfTicks, touchpoints, ticks);
        return bestLevel;
    }

    /// <summary>Whether an attempt reaching <paramref name="level"/> is still open as of the instant (see <see cref="ProductFunnelMatches"/>).</summary>
    private bool IsOpen(int first, int end, int level, long asOfTicks, ReadOnlySpan<int> touchpoints, ReadOnlySpan<long> ticks)
    {
        for (int start = first; start < end; start++)
        {
            // Only attempts whose window ends after the instant can still convert.
            if (!Starts(touchpoints[start]) || asOfTicks - ticks[start] >= _windowTicks)
            {
                continue;
            }

            int reached = Attempt(start, end, touchpoints, ticks, out int status);
            if (status == RanOut)
            {
                // Later attempts see a subset of this one's events: none reaches more.
                return reached == level
                    && (_max is null || StepChains.IsOpen(_attempt[level - 1], _attempt[0], asOfTicks, _min![level], _max[level], _windowTicks));
            }
        }

        return false;
    }

    private bool Starts(int touchpoint)
    {
        uint mask = _stepMasks[touchpoint];
        return _funnel.Type == ProductFunnelType.Unordered ? mask != 0 : (mask & 1) != 0;
    }

    private int Attempt(int start, int end, ReadOnlySpan<int> touchpoints, ReadOnlySpan<long> ticks, out int status)
    {
        long limit = _windowTicks > long.MaxValue - ticks[start] ? long.MaxValue : ticks[start] + _windowTicks; // an unbounded window must not wrap
        bool unordered = _funnel.Type == ProductFunnelType.Unordered;
        bool strict = _funnel.Type == ProductFunnelType.Strict;
        uint done;
        int level = 1;
        _attempt[0] = ticks[start];
        if (unordered)
        {
            uint m = _stepMasks[touchpoints[start]];
            done = m & (~m + 1); // the lowest step this event completes
        }
        else
        {
            done = 1;
        }

        int i = start + 1;
        for (; i < end && level < _steps && ticks[i] <= limit; i++)
        {
            int tp = touchpoints[i];
            uint m = _stepMasks[tp];
            uint next = unordered ? m & ~done : m & (1u << level);
            if (next != 0)
            {
                if (_min is not null)
                {
                    // Strict with step constraints: the forced next step must fall within its bounds.
                    long gap = ticks[i] - _attempt[level - 1];
                    if (gap < _min[level] || gap > _max![level])
                    {
                        status = Stopped;
                        return level;
                    }
                }

                done |= next & (~next + 1);
                _attempt[level++] = ticks[i];
                continue;
            }

            if ((_exclusionMasks[tp] & (1u << (level - 1))) != 0 || strict)
            {
                status = Stopped;
                return level;
            }
        }

        status = level == _steps ? Complete : i == end ? RanOut : Expired;
        return level;
    }

    /// <summary>
    /// Ordered with step constraints: every chain, by the per-level queues of <see cref="StepChains"/>; events in input
    /// order, each used once per chain; an exclusion event forgets the chains that have done exactly its step.
    /// </summary>
    private int RunChains(ReadOnlySpan<int> touchpoints, ReadOnlySpan<long> ticks, int first, int end, long asOfTicks, Span<long> times, out bool inProgress)
    {
        StepChains chains = _chains!;
        chains.Reset();
        _arenaCount = 0;
        Span<long> newFirst = stackalloc long[ProductFunnel.MaxSteps];
        Span<int> newId = stackalloc int[ProductFunnel.MaxSteps];
        int bestLevel = 0;
        int bestId = -1;
        for (int i = first; i < end && bestLevel < _steps; i++)
        {
            long t = ticks[i];
            uint m = _stepMasks[touchpoints[i]];
            uint extended = 0;

            // 1. Extensions from the chains as they were before this event.
            for (uint rest = m & ~1u; rest != 0; rest &= rest - 1)
            {
                int k = System.Numerics.BitOperations.TrailingZeroCount(rest);
                if (chains.TryExtend(k - 1, t, _min![k], _max![k], _windowTicks, out long f, out int parent))
                {
                    extended |= 1u << k;
                    newFirst[k] = f;
                    newId[k] = Record(t, parent);
                }
            }

            // 2. This event as an exclusion ends the chains waiting after its steps.
            for (uint x = _exclusionMasks[touchpoints[i]]; x != 0; x &= x - 1)
            {
                chains.Clear(System.Numerics.BitOperations.TrailingZeroCount(x));
            }

            // 3. The new chains: this event as step 1, and as each step it extended to.
            if ((m & 1) != 0)
            {
                int id = Record(t, -1);
                if (_steps > 1)
                {
                    chains.Add(0, t, t, id);
                }

                if (bestLevel == 0)
                {
                    bestLevel = 1;
                    bestId = id;
                }
            }

            for (uint rest = extended; rest != 0; rest &= rest - 1)
            {
                int k = System.Numerics.BitOperations.TrailingZeroCount(rest);
                if (k < _steps - 1)
                {
                    chains.Add(k, t, newFirst[k], newId[k]);
                }

                if (k + 1 > bestLevel)
                {
                    bestLevel = k + 1;
                    bestId = newId[k];
                }
            }
        }

        for (int id = bestId, k = bestLevel - 1; id >= 0; id = _arenaParent[id], k--)
        {
            times[k] = _arenaTicks[id];
        }

        inProgress = bestLevel >= 1 && bestLevel < _steps && chains.HasOpen(bestLevel - 1, asOfTicks, _min![bestLevel], _max![bestLevel], _windowTicks);
        return bestLevel;
    }

    private int Record(long ticks, int parent)
    {
        if (_arenaCount == _arenaTicks.Length)
        {
            Array.Resize(ref _arenaTicks, _arenaCount * 2);
            Array.Resize(ref _arenaParent, _arenaCount * 2);
        }

        _arenaTicks[_arenaCount] = ticks;
        _arenaParent[_arenaCount] = parent;
        return _arenaCount++;
    }
}
