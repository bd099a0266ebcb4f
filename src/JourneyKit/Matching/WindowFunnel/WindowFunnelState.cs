using System.Buffers.Binary;

namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// One customer's streaming window-funnel state: a level count, two timestamps per step, and the entries of the
/// latest timestamp (held back until a later timestamp arrives, because ClickHouse orders equal timestamps by step).
/// Serializable with <see cref="WriteTo"/> / <see cref="ReadFrom"/> so a store can persist it.
/// </summary>
/// <threadsafety>Not thread-safe: one writer per customer.</threadsafety>
public sealed class WindowFunnelState
{
    private const byte FormatVersion = 1;

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

    internal WindowFunnelState(int steps, long windowTicks, WindowFunnelMode mode)
    {
        _first = new long[steps];
        _last = new long[steps];
        _windowTicks = windowTicks;
        _mode = mode;
    }

    /// <summary>Gets the number of steps the state was created for.</summary>
    public int StepCount => _first.Length;

    /// <summary>Gets the timestamp of the latest event added, in UTC ticks, or -1 when none.</summary>
    public long LastTimestampTicks => _hasPending ? _pendingTicks : -1;

    /// <summary>Gets the number of bytes <see cref="WriteTo"/> writes.</summary>
    public int SerializedSize => 48 + (16 * _first.Length);

    /// <summary>Writes the state.</summary>
    /// <param name="destination">At least <see cref="SerializedSize"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    public int WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SerializedSize, nameof(destination));
        destination[0] = FormatVersion;
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

        return offset;
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">The bytes are not a state of a known format version.</exception>
    public static WindowFunnelState ReadFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length < 48 || source[0] != FormatVersion || source[1] is 0 or > WindowFunnel.MaxSteps || source.Length < 48 + (16 * source[1]))
        {
            throw new FormatException("The bytes are not a window funnel state of format version 1.");
        }

        var state = new WindowFunnelState(source[1], BinaryPrimitives.ReadInt64LittleEndian(source[32..]), (WindowFunnelMode)source[31]);
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

        if (_hasPending && !_done)
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
        funnel.StepCount == _first.Length && funnel.Window.Ticks == _windowTicks && funnel.Mode == _mode;

    /// <summary>Folds the pending timestamp group into a copy and returns the level; the state itself keeps the group pending.</summary>
    internal int Resolve(out bool done)
    {
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
