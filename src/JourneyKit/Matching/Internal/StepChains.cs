using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace JourneyKit.Matching.Internal;

/// <summary>
/// Every chain a funnel with step constraints could still extend, per level, in amortised O(1) per entry: the exact
/// ("some chain exists") answer to "can an entry for step k + 1 at time t extend a chain that reached step k", where the
/// chain's step-k event must lie in <c>[t − max, t − min]</c> and its step-1 event at or after <c>t − window</c>.
/// </summary>
/// <remarks>
/// <para>A candidate is (last, first, id): a chain that reached a level with its step at <c>last</c> and its latest
/// possible start <c>first</c> for that step event. Per level, candidates arrive in <c>last</c> order. Those with
/// <c>last &gt; t − min</c> wait in a FIFO (<em>pending</em>); those past it sit in a sliding-window-maximum deque
/// (<em>eligible</em>, <c>first</c> decreasing from the front), from whose front the ones with <c>last &lt; t − max</c>
/// expire. The front is then the eligible candidate with the latest start: if it is not within the window, none is.
/// A candidate dominated by a later one with a later start (it expires earlier and starts earlier) is dropped.</para>
/// <para>Memory per level is the number of distinct step times within <c>min</c> of the newest plus the non-dominated
/// ones within <c>max</c>; buffers grow by doubling and are reused (<see cref="Reset"/>), so a batch allocates only
/// when a customer needs more room than any before.</para>
/// </remarks>
internal sealed class StepChains
{
    private readonly Ring[] _pending;
    private readonly Ring[] _eligible;

    public StepChains(int levels)
    {
        _pending = new Ring[levels];
        _eligible = new Ring[levels];
        for (int k = 0; k < levels; k++)
        {
            _pending[k] = new Ring();
            _eligible[k] = new Ring();
        }
    }

    /// <summary>Gets the number of levels.</summary>
    public int Levels => _pending.Length;

    /// <summary>Forgets every candidate; keeps the buffers.</summary>
    public void Reset()
    {
        for (int k = 0; k < _pending.Length; k++)
        {
            _pending[k].Clear();
            _eligible[k].Clear();
        }
    }

    /// <summary>Forgets the candidates of one level (an exclusion event).</summary>
    public void Clear(int level)
    {
        _pending[level].Clear();
        _eligible[level].Clear();
    }

    /// <summary>Gets whether a level has no candidate.</summary>
    public bool IsEmpty(int level) => _pending[level].Count == 0 && _eligible[level].Count == 0;

    /// <summary>Adds a chain that reached <paramref name="level"/> at <paramref name="last"/> with start <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int level, long last, long first, int id)
    {
        Ring pending = _pending[level];
        if (pending.Count > 0 && pending.BackLast == last)
        {
            // Same step time: keep the later start.
            if (first > pending.BackFirst)
            {
                pending.SetBack(first, id);
            }

            return;
        }

        pending.PushBack(last, first, id);
    }

    /// <summary>
    /// Finds the chain at <paramref name="level"/> that an entry at <paramref name="ticks"/> can extend: step gap within
    /// [<paramref name="minTicks"/>, <paramref name="maxTicks"/>], start at or after <paramref name="ticks"/> − <paramref name="windowTicks"/>;
    /// the latest such start. Times must not decrease from call to call on a level.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryExtend(int level, long ticks, long minTicks, long maxTicks, long windowTicks, out long first, out int id)
    {
        long earliestLast = maxTicks >= ticks ? long.MinValue : ticks - maxTicks;
        long latestLast = ticks - minTicks;
        long earliestFirst = windowTicks >= ticks ? long.MinValue : ticks - windowTicks;
        Ring pending = _pending[level];
        Ring eligible = _eligible[level];
        while (pending.Count > 0 && pending.FrontLast <= latestLast)
        {
            long l = pending.FrontLast;
            long f = pending.FrontFirst;
            int i = pending.FrontId;
            pending.PopFront();
            if (l < earliestLast || f < earliestFirst)
            {
                continue; // already too old for this and every later entry
            }

            while (eligible.Count > 0 && eligible.BackFirst <= f)
            {
                eligible.PopBack();
            }

            eligible.PushBack(l, f, i);
        }

        while (eligible.Count > 0 && eligible.FrontLast < earliestLast)
        {
            eligible.PopFront();
        }

        if (eligible.Count > 0)
        {
            if (eligible.FrontFirst >= earliestFirst)
            {
                first = eligible.FrontFirst;
                id = eligible.FrontId;
                return true;
            }

            eligible.Clear(); // the latest start is out of the window: every eligible one is, now and later
        }

        first = 0;
        id = -1;
        return false;
    }

    /// <summary>
    /// Gets whether some chain at <paramref name="level"/> could still be extended by an event after
    /// <paramref name="asOfTicks"/>: some later instant t ≥ last + min with t ≤ last + max and t ≤ first + window.
    /// </summary>
    public bool HasOpen(int level, long asOfTicks, long minTicks, long maxTicks, long windowTicks) =>
        _pending[level].Any(asOfTicks, minTicks, maxTicks, windowTicks) || _eligible[level].Any(asOfTicks, minTicks, maxTicks, windowTicks);

    /// <summary>Whether a chain (last, first) can still be extended after the instant (see <see cref="HasOpen"/>).</summary>
    public static bool IsOpen(long last, long first, long asOfTicks, long minTicks, long maxTicks, long windowTicks) =>
        asOfTicks - last < maxTicks && asOfTicks - first < windowTicks && minTicks <= windowTicks - (last - first);

    /// <summary>Gets the bytes <see cref="WriteTo"/> writes.</summary>
    public int SerializedSize
    {
        get
        {
            int size = 0;
            for (int k = 0; k < _pending.Length; k++)
            {
                size += 8 + (16 * (_pending[k].Count + _eligible[k].Count));
            }

            return size;
        }
    }

    /// <summary>Writes the candidates (ids are not kept: streaming does not rebuild chains).</summary>
    public int WriteTo(Span<byte> destination)
    {
        int offset = 0;
        for (int k = 0; k < _pending.Length; k++)
        {
            offset += _pending[k].WriteTo(destination[offset..]);
            offset += _eligible[k].WriteTo(destination[offset..]);
        }

        return offset;
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    public int ReadFrom(ReadOnlySpan<byte> source)
    {
        int offset = 0;
        for (int k = 0; k < _pending.Length; k++)
        {
            offset += _pending[k].ReadFrom(source[offset..]);
            offset += _eligible[k].ReadFrom(source[offset..]);
        }

        return offset;
    }

    /// <summary>Copies another instance's candidates into this one (same level count).</summary>
    public void CopyFrom(StepChains other)
    {
        for (int k = 0; k < _pending.Length; k++)
        {
            _pending[k].CopyFrom(other._pending[k]);
            _eligible[k].CopyFrom(other._eligible[k]);
        }
    }

    /// <summary>A growable ring of (last, first, id).</summary>
    private sealed class Ring
    {
        private long[] _last = [];
        private long[] _first = [];
        private int[] _id = [];
        private int _head;

        public int Count { get; private set; }

        public long FrontLast => _last[_head];

        public long FrontFirst => _first[_head];

        public int FrontId => _id[_head];

        public long BackLast => _last[Back];

        public long BackFirst => _first[Back];

        private int Back => (_head + Count - 1) & (_last.Length - 1);

        public void Clear()
        {
            _head = 0;
            Count = 0;
        }

        public void SetBack(long first, int id)
        {
            int b = Back;
            _first[b] = first;
            _id[b] = id;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void PushBack(long last, long first, int id)
        {
            if (Count == _last.Length)
            {
                Grow();
            }

            int at = (_head + Count) & (_last.Length - 1);
            _last[at] = last;
            _first[at] = first;
            _id[at] = id;
            Count++;
        }

        public void PopFront()
        {
            _head = (_head + 1) & (_last.Length - 1);
            Count--;
        }

        public void PopBack() => Count--;

        public bool Any(long asOfTicks, long minTicks, long maxTicks, long windowTicks)
        {
            for (int i = 0; i < Count; i++)
            {
                int at = (_head + i) & (_last.Length - 1);
                if (IsOpen(_last[at], _first[at], asOfTicks, minTicks, maxTicks, windowTicks))
                {
                    return true;
                }
            }

            return false;
        }

        public int WriteTo(Span<byte> destination)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination, Count);
            int offset = 4;
            for (int i = 0; i < Count; i++)
            {
                int at = (_head + i) & (_last.Length - 1);
                BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], _last[at]);
                BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 8)..], _first[at]);
                offset += 16;
            }

            return offset;
        }

        public int ReadFrom(ReadOnlySpan<byte> source)
        {
            Clear();
            int count = BinaryPrimitives.ReadInt32LittleEndian(source);
            if (count < 0 || source.Length < 4 + (16L * count))
            {
                throw new FormatException("The window funnel state is truncated.");
            }

            int offset = 4;
            for (int i = 0; i < count; i++)
            {
                PushBack(BinaryPrimitives.ReadInt64LittleEndian(source[offset..]), BinaryPrimitives.ReadInt64LittleEndian(source[(offset + 8)..]), -1);
                offset += 16;
            }

            return offset;
        }

        public void CopyFrom(Ring other)
        {
            Clear();
            for (int i = 0; i < other.Count; i++)
            {
                int at = (other._head + i) & (other._last.Length - 1);
                PushBack(other._last[at], other._first[at], other._id[at]);
            }
        }

        private void Grow()
        {
            int size = Math.Max(4, _last.Length * 2);
            var last = new long[size];
            var first = new long[size];
            var id = new int[size];
            for (int i = 0; i < Count; i++)
            {
                int at = (_head + i) & (_last.Length - 1);
                last[i] = _last[at];
                first[i] = _first[at];
                id[i] = _id[at];
            }

            _last = last;
            _first = first;
            _id = id;
            _head = 0;
        }
    }
}
