using System.Numerics;
using System.Runtime.CompilerServices;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// The window-funnel step function, shared by batch and streaming. ClickHouse's algorithm: entries (timestamp, step)
/// are taken in (timestamp, step) order; level k keeps the (first, last) timestamps of the latest chain that reached it.
/// Reached levels always form a prefix, so the state is the level count plus two timestamps per level.
/// </summary>
internal ref struct FunnelCore
{
    private readonly Span<long> _first;
    private readonly Span<long> _last;
    private readonly long _windowTicks;
    private readonly int _steps;
    private readonly bool _strictOrder;
    private readonly bool _dedup;
    private readonly bool _increase;
    private readonly bool _reentry;

    public FunnelCore(Span<long> first, Span<long> last, long windowTicks, int steps, WindowFunnelMode mode, int level, bool firstEvent, bool done)
    {
        _first = first;
        _last = last;
        _windowTicks = windowTicks;
        _steps = steps;
        _strictOrder = (mode & WindowFunnelMode.StrictOrder) != 0;
        _dedup = (mode & WindowFunnelMode.StrictDeduplication) != 0;
        _increase = (mode & WindowFunnelMode.StrictIncrease) != 0;
        _reentry = (mode & WindowFunnelMode.AllowReentry) != 0;
        Level = level;
        FirstEvent = firstEvent;
        Done = done;
    }

    /// <summary>Gets the number of levels reached (0..steps).</summary>
    public int Level;

    /// <summary>Gets whether a step-1 event was seen.</summary>
    public bool FirstEvent;

    /// <summary>Gets whether the search stopped (all steps reached, or a strict mode stopped it).</summary>
    public bool Done;

    /// <summary>
    /// Processes all entries of one timestamp: <paramref name="zero"/> = an event matched no step (strict order only),
    /// <paramref name="once"/> = steps matched at least once, <paramref name="twice"/> = steps matched at least twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Group(long ticks, bool zero, ulong once, ulong twice)
    {
        if (zero && _strictOrder && FirstEvent)
        {
            Done = true;
            return;
        }

        while (once != 0 && !Done)
        {
            int k = BitOperations.TrailingZeroCount(once);
            once &= once - 1;
            Entry(ticks, k);
            if ((twice >> k & 1) != 0 && !Done)
            {
                Entry(ticks, k);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Entry(long ticks, int k)
    {
        if (k == 0)
        {
            _first[0] = ticks;
            _last[0] = ticks;
            if (Level == 0)
            {
                Level = 1;
            }

            FirstEvent = true;
        }
        else if (_dedup && k < Level)
        {
            Done = true;
        }
        else if (k > Level)
        {
            // The previous step was never reached.
            if (_strictOrder && FirstEvent && !_reentry)
            {
                Done = true;
            }
        }
        else
        {
            long first = _first[k - 1];
            bool matched = ticks - first <= _windowTicks && (!_increase || _last[k - 1] < ticks);
            if (matched)
            {
                _first[k] = first;
                _last[k] = ticks;
                if (k == Level)
                {
                    Level = k + 1;
                    if (Level == _steps)
                    {
                        Done = true;
                    }
                }
            }
        }
    }
}
