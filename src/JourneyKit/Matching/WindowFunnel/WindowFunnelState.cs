using System.Buffers.Binary;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// One customer's streaming window-funnel state: a level count, two timestamps per step, and the entries of the
/// latest timestamp (held back until a later timestamp arrives, because ClickHouse orders equal timestamps by step).
/// Serializable with <see cref="WriteTo"/> / <see cref="ReadFrom"/> so a store can persist it: format version 1 for a
/// funnel without step constraints (unchanged), version 2 with them (the bounds and the chains still open, so its size
/// grows with the step events inside a transition's bounds), version 3 for a funnel that holds a property constant (one
/// such state per distinct value, at most <see cref="WindowFunnelOptions.MaxHeldValues"/>).
/// </summary>
/// <threadsafety>Not thread-safe: one writer per customer.</threadsafety>
public sealed class WindowFunnelState
{
    private const byte FormatVersion = 1;
    private const byte ConstrainedFormatVersion = 2;
    private const byte HeldFormatVersion = 3;

    private readonly long[] _first;
    private readonly long[] _last;
    private int _level;
    private bool _firstEvent;
    private bool _done;
    private bool _hasPending;
    private long _pendingTicks;
    private bool _pendingZero;
    private ulong _pendingOnce;
    private ulong _pendingTwice;

    private readonly long _windowTicks;
    private readonly WindowFunnelMode _mode;

    // With step constraints: the chain search (holds level, first-event and done itself) and a scratch copy for GetLevel.
    private readonly ConstrainedFunnelCore? _core;
    private readonly long[]? _min;
    private readonly long[]? _max;
    private ConstrainedFunnelCore? _scratch;

    // Holding a property constant: one state per distinct value, this one only routes.
    private readonly string? _holdKey;
    private readonly int _maxHeld;
    private readonly Dictionary<string, WindowFunnelState>? _held;
    private long _heldLastTicks = -1;

    internal WindowFunnelState(int steps, long windowTicks, WindowFunnelMode mode, ConstrainedFunnelCore? core = null, long[]? min = null, long[]? max = null, string? holdKey = null, int maxHeld = 0)
    {
        _first = new long[steps];
        _last = new long[steps];
        _windowTicks = windowTicks;
        _mode = mode;
        _core = core;
        _min = min;
        _max = max;
        _holdKey = holdKey;
        _maxHeld = maxHeld;
        _held = holdKey is null ? null : new Dictionary<string, WindowFunnelState>(StringComparer.Ordinal);
    }

    /// <summary>Gets the number of distinct held values this state tracks (0 when the funnel holds no property).</summary>
    public int HeldValueCount => _held?.Count ?? 0;

    /// <summary>Creates an empty per-value state of the same shape (no hold).</summary>
    private WindowFunnelState NewValueState() =>
        new(_first.Length, _windowTicks, _mode, _min is null ? null : new ConstrainedFunnelCore(_first.Length, _windowTicks, _mode, _min, _max!), _min, _max);

    /// <summary>Adds an event to the state of its held value; an event without the property is ignored.</summary>
    internal void AddHeld(long ticks, ulong mask, string? value, string customerId)
    {
        if (_heldLastTicks > ticks)
        {
            throw new ArgumentException(
                $"Events must arrive in timestamp order: {new DateTimeOffset(ticks, TimeSpan.Zero):O} is before {new DateTimeOffset(_heldLastTicks, TimeSpan.Zero):O}. Buffer late events (see docs/funnels.md).");
        }

        _heldLastTicks = ticks;
        if (value is null)
        {
            return;
        }

        if (!_held!.TryGetValue(value, out WindowFunnelState? state))
        {
            if (_held.Count >= _maxHeld)
            {
                throw WindowFunnel.TooManyHeldValues(customerId, _holdKey!, _maxHeld);
            }

            state = NewValueState();
            _held.Add(value, state);
        }

        state.Add(ticks, mask);
    }

    /// <summary>Forgets everything (reuses the buffers), for the batch path.</summary>
    internal void Reset()
    {
        Array.Clear(_first);
        Array.Clear(_last);
        _level = 0;
        _firstEvent = false;
        _done = false;
        _hasPending = false;
        _core?.Reset();
    }

    /// <summary>Folds the pending timestamp group in, so <see cref="FlushedLevel"/> and the chain times are final.</summary>
    internal void Flush()
    {
        if (_hasPending)
        {
            if (_core is not null)
            {
                if (!_core.Done)
                {
                    _core.Group(_pendingTicks, _pendingZero && (_mode & WindowFunnelMode.StrictOrder) != 0, _pendingOnce, _pendingTwice);
                }
            }
            else if (!_done)
            {
                var core = new FunnelCore(_first, _last, _windowTicks, _first.Length, _mode, _level, _firstEvent, _done);
                core.Group(_pendingTicks, _pendingZero && (_mode & WindowFunnelMode.StrictOrder) != 0, _pendingOnce, _pendingTwice);
                _level = core.Level;
                _firstEvent = core.FirstEvent;
                _done = core.Done;
            }

            _hasPending = false;
        }
    }

    /// <summary>Gets the level after <see cref="Flush"/>.</summary>
    internal int FlushedLevel => _core?.Level ?? _level;

    /// <summary>Gets, after <see cref="Flush"/>, the start and step time of the chain kept for 0-based level k.</summary>
    internal (long First, long Last) ChainAt(int k) => _core is null ? (_first[k], _last[k]) : (_core.First[k], _core.Last[k]);

    /// <summary>Gets the number of steps the state was created for.</summary>
    public int StepCount => _first.Length;

    /// <summary>Gets the timestamp of the latest event added, in UTC ticks, or -1 when none.</summary>
    public long LastTimestampTicks => _held is not null ? _heldLastTicks : _hasPending ? _pendingTicks : -1;

    /// <summary>Gets the number of bytes <see cref="WriteTo"/> writes.</summary>
    public int SerializedSize => _held is not null ? HeldSize() : _core is null ? 48 + (16 * _first.Length) : 48 + (32 * _first.Length) + _core.Chains.SerializedSize;

    private int HeldSize()
    {
        int size = 48 + 4 + System.Text.Encoding.UTF8.GetByteCount(_holdKey!) + 4 + 4 + (_min is null ? 0 : 16 * _first.Length);
        foreach ((string value, WindowFunnelState state) in _held!)
        {
            size += 4 + System.Text.Encoding.UTF8.GetByteCount(value) + 4 + state.SerializedSize;
        }

        return size;
    }

    private int WriteHeld(Span<byte> destination)
    {
        destination[..48].Clear();
        destination[0] = HeldFormatVersion;
        destination[1] = (byte)_first.Length;
        destination[6] = (byte)(_min is null ? 0 : 1);
        BinaryPrimitives.WriteInt64LittleEndian(destination[7..], _heldLastTicks);
        destination[31] = (byte)_mode;
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], _windowTicks);
        int offset = 48;
        offset += WriteString(destination[offset..], _holdKey!);
        BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], _maxHeld);
        offset += 4;
        if (_min is not null)
        {
            for (int k = 0; k < _first.Length; k++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], _min[k]);
                BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 8)..], _max![k]);
                offset += 16;
            }
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], _held!.Count);
        offset += 4;
        foreach ((string value, WindowFunnelState state) in _held)
        {
            offset += WriteString(destination[offset..], value);
            int size = state.SerializedSize;
            BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], size);
            offset += 4;
            offset += state.WriteTo(destination[offset..]);
        }

        return offset;
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        int n = System.Text.Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, n);
        return 4 + n;
    }

    private static string ReadString(ReadOnlySpan<byte> source, ref int offset)
    {
        int n = BinaryPrimitives.ReadInt32LittleEndian(source[offset..]);
        if (n < 0 || offset + 4 + n > source.Length)
        {
            throw new FormatException("The window funnel state is truncated.");
        }

        string value = System.Text.Encoding.UTF8.GetString(source.Slice(offset + 4, n));
        offset += 4 + n;
        return value;
    }

    private static WindowFunnelState ReadHeld(ReadOnlySpan<byte> source)
    {
        try
        {
            int steps = source[1];
            var mode = (WindowFunnelMode)source[31];
            long windowTicks = BinaryPrimitives.ReadInt64LittleEndian(source[32..]);
            int offset = 48;
            string key = ReadString(source, ref offset);
            int maxHeld = BinaryPrimitives.ReadInt32LittleEndian(source[offset..]);
            offset += 4;
            long[]? min = null;
            long[]? max = null;
            if (source[6] == 1)
            {
                min = new long[steps];
                max = new long[steps];
                for (int k = 0; k < steps; k++)
                {
                    min[k] = BinaryPrimitives.ReadInt64LittleEndian(source[offset..]);
                    max[k] = BinaryPrimitives.ReadInt64LittleEndian(source[(offset + 8)..]);
                    offset += 16;
                }
            }

            var state = new WindowFunnelState(steps, windowTicks, mode, null, min, max, key, maxHeld)
            {
                _heldLastTicks = BinaryPrimitives.ReadInt64LittleEndian(source[7..]),
            };
            int count = BinaryPrimitives.ReadInt32LittleEndian(source[offset..]);
            offset += 4;
            if (count < 0 || count > maxHeld)
            {
                throw new FormatException("The window funnel state holds more values than its cap.");
            }

            for (int i = 0; i < count; i++)
            {
                string value = ReadString(source, ref offset);
                int size = BinaryPrimitives.ReadInt32LittleEndian(source[offset..]);
                offset += 4;
                if (size < 0 || offset + size > source.Length)
                {
                    throw new FormatException("The window funnel state is truncated.");
                }

                WindowFunnelState sub = ReadFrom(source.Slice(offset, size));
                if (sub._held is not null || sub.StepCount != steps)
                {
                    throw new FormatException("The window funnel state has an invalid held value.");
                }

                state._held!.Add(value, sub);
                offset += size;
            }

            return state;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new FormatException("The window funnel state is truncated.");
        }
    }

    /// <summary>Writes the state.</summary>
    /// <param name="destination">At least <see cref="SerializedSize"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    public int WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SerializedSize, nameof(destination));
        if (_held is not null)
        {
            return WriteHeld(destination);
        }

        if (_core is not null)
        {
            _level = _core.Level;
            _firstEvent = _core.FirstEvent;
            _done = _core.Done;
            _core.First.CopyTo(_first, 0);
            _core.Last.CopyTo(_last, 0);
        }

        destination[0] = _core is null ? FormatVersion : ConstrainedFormatVersion;
        destination[1] = (byte)_first.Length;
        BinaryPrimitives.WriteInt32LittleEndian(destination[2..], _level);
        destination[6] = (byte)((_firstEvent ? 1 : 0) | (_done ? 2 : 0) | (_hasPending ? 4 : 0) | (_pendingZero ? 8 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(destination[7..], _pendingTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[15..], _pendingOnce);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[23..], _pendingTwice);
        destination[31] = (byte)_mode;
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], _windowTicks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], 0);
        int offset = 48;
        for (int k = 0; k < _first.Length; k++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], _first[k]);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 8)..], _last[k]);
            offset += 16;
        }

        if (_core is not null)
        {
            for (int k = 0; k < _first.Length; k++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], _min![k]);
                BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 8)..], _max![k]);
                offset += 16;
            }

            offset += _core.Chains.WriteTo(destination[offset..]);
        }

        return offset;
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">The bytes are not a state of a known format version.</exception>
    public static WindowFunnelState ReadFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length >= 48 && source[0] == HeldFormatVersion && source[1] is > 0 and <= WindowFunnel.MaxSteps)
        {
            return ReadHeld(source);
        }

        if (source.Length < 48 || source[0] is not (FormatVersion or ConstrainedFormatVersion) || source[1] is 0 or > WindowFunnel.MaxSteps
            || source.Length < 48 + ((source[0] == FormatVersion ? 16 : 32) * source[1]))
        {
            throw new FormatException("The bytes are not a window funnel state of format version 1, 2 or 3.");
        }

        int steps = source[1];
        long windowTicks = BinaryPrimitives.ReadInt64LittleEndian(source[32..]);
        var mode = (WindowFunnelMode)source[31];
        WindowFunnelState state;
        if (source[0] == ConstrainedFormatVersion)
        {
            var min = new long[steps];
            var max = new long[steps];
            int at = 48 + (16 * steps);
            for (int k = 0; k < steps; k++)
            {
                min[k] = BinaryPrimitives.ReadInt64LittleEndian(source[at..]);
                max[k] = BinaryPrimitives.ReadInt64LittleEndian(source[(at + 8)..]);
                at += 16;
            }

            var core = new ConstrainedFunnelCore(steps, windowTicks, mode, min, max);
            try
            {
                core.Chains.ReadFrom(source[at..]);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new FormatException("The window funnel state is truncated.");
            }

            state = new WindowFunnelState(steps, windowTicks, mode, core, min, max);
        }
        else
        {
            state = new WindowFunnelState(steps, windowTicks, mode);
        }

        state._level = BinaryPrimitives.ReadInt32LittleEndian(source[2..]);
        byte flags = source[6];
        state._firstEvent = (flags & 1) != 0;
        state._done = (flags & 2) != 0;
        state._hasPending = (flags & 4) != 0;
        state._pendingZero = (flags & 8) != 0;
        state._pendingTicks = BinaryPrimitives.ReadInt64LittleEndian(source[7..]);
        state._pendingOnce = BinaryPrimitives.ReadUInt64LittleEndian(source[15..]);
        state._pendingTwice = BinaryPrimitives.ReadUInt64LittleEndian(source[23..]);
        int offset = 48;
        for (int k = 0; k < state._first.Length; k++)
        {
            state._first[k] = BinaryPrimitives.ReadInt64LittleEndian(source[offset..]);
            state._last[k] = BinaryPrimitives.ReadInt64LittleEndian(source[(offset + 8)..]);
            offset += 16;
        }

        if (state._level < 0 || state._level > state._first.Length)
        {
            throw new FormatException("The window funnel state has an invalid level.");
        }

        if (state._core is { } c)
        {
            c.Level = state._level;
            c.FirstEvent = state._firstEvent;
            c.Done = state._done;
            state._first.CopyTo(c.First, 0);
            state._last.CopyTo(c.Last, 0);
        }

        return state;
    }

    internal void Add(long ticks, ulong mask)
    {
        if (_hasPending)
        {
            if (ticks == _pendingTicks)
            {
                _pendingZero |= mask == 0;
                _pendingTwice |= _pendingOnce & mask;
                _pendingOnce |= mask;
                return;
            }

            if (ticks < _pendingTicks)
            {
                throw new ArgumentException(
                    $"Events must arrive in timestamp order: {new DateTimeOffset(ticks, TimeSpan.Zero):O} is before {new DateTimeOffset(_pendingTicks, TimeSpan.Zero):O}. Buffer late events (see docs/funnels.md).");
            }
        }

        if (_core is not null)
        {
            if (_hasPending && !_core.Done)
            {
                _core.Group(_pendingTicks, _pendingZero && (_mode & WindowFunnelMode.StrictOrder) != 0, _pendingOnce, _pendingTwice);
            }
        }
        else if (_hasPending && !_done)
        {
            var core = new FunnelCore(_first, _last, _windowTicks, _first.Length, _mode, _level, _firstEvent, _done);
            core.Group(_pendingTicks, _pendingZero && (_mode & WindowFunnelMode.StrictOrder) != 0, _pendingOnce, _pendingTwice);
            _level = core.Level;
            _firstEvent = core.FirstEvent;
            _done = core.Done;
        }

        _hasPending = true;
        _pendingTicks = ticks;
        _pendingZero = mask == 0;
        _pendingOnce = mask;
        _pendingTwice = 0;
    }

    /// <summary>Checks that the state was made for a funnel of the same shape.</summary>
    internal bool IsFor(WindowFunnel funnel) =>
        funnel.StepCount == _first.Length && funnel.Window.Ticks == _windowTicks && funnel.Mode == _mode
        && string.Equals(funnel.HoldAttribute, _holdKey, StringComparison.Ordinal) && (_held is null || funnel.MaxHeldValues == _maxHeld)
        && (_core is null && _held is null
            ? funnel.MinTicks is null
            : _min is null ? funnel.MinTicks is null
            : funnel.MinTicks is { } min && min.AsSpan().SequenceEqual(_min) && funnel.MaxTicks!.AsSpan().SequenceEqual(_max));

    /// <summary>Folds the pending timestamp group into a copy and returns the level; the state itself keeps the group pending.</summary>
    internal int Resolve(out bool done)
    {
        if (_held is not null)
        {
            int best = 0;
            foreach (WindowFunnelState state in _held.Values)
            {
                best = Math.Max(best, state.Resolve(out _));
            }

            done = false;
            return best;
        }

        if (_core is not null)
        {
            if (!_hasPending || _core.Done)
            {
                done = _core.Done;
                return _core.Level;
            }

            _scratch ??= new ConstrainedFunnelCore(_first.Length, _windowTicks, _mode, _min!, _max!);
            _scratch.CopyFrom(_core);
            _scratch.Group(_pendingTicks, _pendingZero && (_mode & WindowFunnelMode.StrictOrder) != 0, _pendingOnce, _pendingTwice);
            done = _scratch.Done;
            return _scratch.Level;
        }

        Span<long> first = stackalloc long[_first.Length];
        Span<long> last = stackalloc long[_last.Length];
        _first.CopyTo(first);
        _last.CopyTo(last);
        var core = new FunnelCore(first, last, _windowTicks, _first.Length, _mode, _level, _firstEvent, _done);
        if (_hasPending && !core.Done)
        {
            core.Group(_pendingTicks, _pendingZero && (_mode & WindowFunnelMode.StrictOrder) != 0, _pendingOnce, _pendingTwice);
        }

        done = core.Done;
        return core.Level;
    }
}
