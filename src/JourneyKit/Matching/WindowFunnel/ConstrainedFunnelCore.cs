using System.Numerics;
using System.Runtime.CompilerServices;
using JourneyKit.Matching.Internal;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// The window-funnel step function when some transition has a time constraint. Entries are taken in the same
/// (timestamp, step) order and the modes stop the search under the same rules as <see cref="FunnelCore"/>, but a level
/// is reached when <em>some</em> chain reaches it — step k + 1 within [min, max] of the chain's step k, within the window
/// of its step 1 — not only the one chain per level ClickHouse keeps (with a minimum gap the latest chain is often not
/// the one that fits). <see cref="WindowFunnelMode.StrictIncrease"/> is a minimum gap of one tick on every transition.
/// </summary>
internal sealed class ConstrainedFunnelCore
{
    private readonly long[] _min;
    private readonly long[] _max;
    private readonly long _windowTicks;
    private readonly int _steps;
    private readonly bool _strictOrder;
    private readonly bool _dedup;
    private readonly bool _reentry;

    public ConstrainedFunnelCore(int steps, long windowTicks, WindowFunnelMode mode, long[] min, long[] max)
    {
        _steps = steps;
        _windowTicks = windowTicks;
        _strictOrder = (mode & WindowFunnelMode.StrictOrder) != 0;
        _dedup = (mode & WindowFunnelMode.StrictDeduplication) != 0;
        _reentry = (mode & WindowFunnelMode.AllowReentry) != 0;
        bool increase = (mode & WindowFunnelMode.StrictIncrease) != 0;
        _min = new long[steps];
        _max = max;
        for (int k = 0; k < steps; k++)
        {
            _min[k] = increase && k > 0 ? Math.Max(1, min[k]) : min[k];
        }

        Chains = new StepChains(Math.Max(1, steps - 1));
        First = new long[steps];
        Last = new long[steps];
    }

    /// <summary>Gets the candidates per level.</summary>
    public StepChains Chains { get; }

    /// <summary>Gets, per level, the start of the latest chain that reached it (as <see cref="FunnelCore"/>'s first).</summary>
    public long[] First { get; }

    /// <summary>Gets, per level, the step time of the latest chain that reached it.</summary>
    public long[] Last { get; }

    /// <summary>Gets or sets the number of levels reached.</summary>
    public int Level { get; set; }

    /// <summary>Gets or sets whether a step-1 event was seen.</summary>
    public bool FirstEvent { get; set; }

    /// <summary>Gets or sets whether the search stopped.</summary>
    public bool Done { get; set; }

    /// <summary>Gets the reason the search stopped early (not by reaching every step), for explanations.</summary>
    public FunnelStop Stop { get; private set; }

    /// <summary>Gets the step (0-based) of the entry that stopped the search, or -1.</summary>
    public int StopStep { get; private set; } = -1;

    /// <summary>Receives each chain extension: (step, ticks, parent id) → id; null when not explaining.</summary>
    public Func<int, long, int, int>? Record { get; set; }

    /// <summary>Gets the id of the latest chain per level (its last step), when recording.</summary>
    public int[]? LastId { get; set; }

    public void Reset()
    {
        Chains.Reset();
        Level = 0;
        FirstEvent = false;
        Done = false;
        Stop = FunnelStop.None;
        StopStep = -1;
    }

    public void CopyFrom(ConstrainedFunnelCore other)
    {
        Chains.CopyFrom(other.Chains);
        other.First.CopyTo(First, 0);
        other.Last.CopyTo(Last, 0);
        Level = other.Level;
        FirstEvent = other.FirstEvent;
        Done = other.Done;
        Stop = other.Stop;
        StopStep = other.StopStep;
    }

    /// <summary>Processes all entries of one timestamp, as <see cref="FunnelCore.Group"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Group(long ticks, bool zero, ulong once, ulong twice)
    {
        if (zero && _strictOrder && FirstEvent)
        {
            Halt(FunnelStop.StrictOrderOtherEvent, -1);
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

    /// <summary>Processes one (timestamp, step) entry.</summary>
    public void Entry(long ticks, int k)
    {
        if (k == 0)
        {
            int id = Record?.Invoke(0, ticks, -1) ?? -1;
            if (_steps > 1)
            {
                Chains.Add(0, ticks, ticks, id);
            }

            First[0] = ticks;
            Last[0] = ticks;
            if (LastId is not null)
            {
                LastId[0] = id;
            }

            if (Level == 0)
            {
                Level = 1;
            }

            FirstEvent = true;
        }
        else if (_dedup && k < Level)
        {
            Halt(FunnelStop.StrictDeduplicationRepeat, k);
        }
        else if (k > Level)
        {
            if (_strictOrder && FirstEvent && !_reentry)
            {
                Halt(FunnelStop.StrictOrderSkippedStep, k);
            }
        }
        else if (Chains.TryExtend(k - 1, ticks, _min[k], _max[k], _windowTicks, out long first, out int parent))
        {
            int id = Record?.Invoke(k, ticks, parent) ?? -1;
            if (k < _steps - 1)
            {
                Chains.Add(k, ticks, first, id);
            }

            First[k] = first;
            Last[k] = ticks;
            if (LastId is not null)
            {
                LastId[k] = id;
            }

            if (k == Level)
            {
                Level = k + 1;
                Done = Level == _steps;
            }
        }
    }

    private void Halt(FunnelStop reason, int step)
    {
        Done = true;
        Stop = reason;
        StopStep = step;
    }
}

/// <summary>Why a funnel search stopped before reaching every step.</summary>
internal enum FunnelStop
{
    /// <summary>It did not stop early.</summary>
    None,

    /// <summary>strict_order: an event matching no step came after step 1.</summary>
    StrictOrderOtherEvent,

    /// <summary>strict_order: an entry whose previous step was never reached.</summary>
    StrictOrderSkippedStep,

    /// <summary>strict_deduplication: an entry repeated a step already reached.</summary>
    StrictDeduplicationRepeat,
}
