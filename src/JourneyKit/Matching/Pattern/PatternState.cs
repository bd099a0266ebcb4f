using System.Buffers.Binary;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// One customer's streaming pattern state: for each automaton state, the latest start of a partial match there, plus
/// counters; for patterns with time gaps <c>~~(…)</c> or groups with <c>within</c>, the partial matches no other one
/// dominates. Serializable (<see cref="WriteTo"/> / <see cref="ReadFrom"/>, format version 1, or 2 for the timed form).
/// </summary>
/// <threadsafety>Not thread-safe.</threadsafety>
public sealed class PatternState
{
    private const byte FormatVersion = 1;
    private const byte TimedFormatVersion = 2;
    private const byte BoundFormatVersion = 3;
    private const int Header = 45;

    internal long[] Start;
    internal int[] StartIndex;
    internal MatchCore Core;

    /// <summary>The timed form's partial matches (<see cref="Stride"/> longs each), or null.</summary>
    internal long[]? Cands;
    internal int CandCount;

    /// <summary>The copies of a pattern with a variable (<c>{order_id=$o}</c>), or null; then <see cref="Core"/> holds
    /// the counts and the other fields are unused.</summary>
    internal BindingState? Bound;

    internal PatternState(int states)
    {
        Start = new long[states];
        Array.Fill(Start, CompiledPattern.Inactive);
        StartIndex = new int[states];
    }

    internal PatternState(int states, int stride)
        : this(0)
    {
        TimedStates = states;
        Stride = stride;
        Cands = new long[stride * 4];
    }

    internal PatternState(BindingState bound, int states)
        : this(0)
    {
        Bound = bound;
        TimedStates = states;
    }

    /// <summary>Empties a plain or timed state for reuse, as <see cref="CompiledPattern.CreateState"/> makes it (not a
    /// state with a variable: see <see cref="Bound"/>).</summary>
    internal void Reset()
    {
        System.Diagnostics.Debug.Assert(Bound is null, "a state with a variable is made anew");
        Array.Fill(Start, CompiledPattern.Inactive);
        Array.Clear(StartIndex);
        Core = default;
        CandCount = 0;
    }

    internal int StateCount => Bound is not null || Cands is not null ? TimedStates : Start.Length;

    /// <summary>Gets the longs per partial match of the timed form (0 for the plain form).</summary>
    internal int Stride { get; }

    private int TimedStates { get; }

    internal int Index => Core.Index;

    internal long PrevTicks => Core.PrevTicks;

    /// <summary>Gets the number of bytes <see cref="WriteTo"/> writes.</summary>
    public int SerializedSize => Bound is not null ? BoundSize() : Cands is null ? Header + (12 * Start.Length) : Header + 8 + WaitBytes + (8 * Stride * CandCount);

    private const int WaitBytes = 1 + 8 + 8 + 4;

    /// <summary>Writes the state.</summary>
    /// <param name="destination">At least <see cref="SerializedSize"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    public int WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SerializedSize, nameof(destination));
        destination[0] = Bound is not null ? BoundFormatVersion : Cands is null ? FormatVersion : TimedFormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], StateCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[5..], Core.Index);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], Core.PrevTicks);
        BinaryPrimitives.WriteInt32LittleEndian(destination[17..], Core.Count);
        BinaryPrimitives.WriteInt32LittleEndian(destination[21..], Core.FirstStart);
        BinaryPrimitives.WriteInt32LittleEndian(destination[25..], Core.FirstEnd);
        BinaryPrimitives.WriteInt64LittleEndian(destination[29..], Core.FirstStartTicks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[37..], Core.FirstEndTicks);
        int offset = Header;
        if (Bound is not null)
        {
            return WriteBound(destination, offset);
        }

        if (Cands is not null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], Stride);
            BinaryPrimitives.WriteInt32LittleEndian(destination[(offset + 4)..], CandCount);
            destination[offset + 8] = Core.Waiting ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 9)..], Core.Waiting ? Core.WaitDeadline : 0);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 17)..], Core.Waiting ? Core.WaitStart : 0);
            BinaryPrimitives.WriteInt32LittleEndian(destination[(offset + 25)..], Core.Waiting ? Core.WaitStartIndex : 0);
            offset += 8 + WaitBytes;
            for (int i = 0; i < Stride * CandCount; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], Cands[i]);
                offset += 8;
            }

            return offset;
        }

        for (int q = 0; q < Start.Length; q++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], Start[q]);
            BinaryPrimitives.WriteInt32LittleEndian(destination[(offset + 8)..], Start[q] == CompiledPattern.Inactive ? 0 : StartIndex[q]); // canonical
            offset += 12;
        }

        return offset;
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">Not a pattern state of format version 1, 2 or 3.</exception>
    public static PatternState ReadFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length < Header || (source[0] != FormatVersion && source[0] != TimedFormatVersion && source[0] != BoundFormatVersion))
        {
            throw new FormatException("The bytes are not a pattern state of format version 1, 2 or 3.");
        }

        int states = BinaryPrimitives.ReadInt32LittleEndian(source[1..]);
        PatternState state;
        if (source[0] == BoundFormatVersion)
        {
            state = ReadBound(source, states);
        }
        else if (source[0] == TimedFormatVersion)
        {
            int stride = source.Length >= Header + 8 ? BinaryPrimitives.ReadInt32LittleEndian(source[Header..]) : -1;
            int count = source.Length >= Header + 8 ? BinaryPrimitives.ReadInt32LittleEndian(source[(Header + 4)..]) : -1;
            if (states < 0 || states > 1_000_000 || stride < 3 || stride > 3 + PatternAutomaton.MaxRegisters || count < 0 || count > 1_000_000
                || source.Length < Header + 8 + WaitBytes + (8L * stride * count) || source[Header + 8] > 1)
            {
                throw new FormatException("The pattern state is truncated or has an invalid size.");
            }

            state = new PatternState(states, stride);
            state.Cands = new long[Math.Max(stride * 4, stride * count)];
            state.CandCount = count;
            for (int i = 0; i < stride * count; i++)
            {
                state.Cands[i] = BinaryPrimitives.ReadInt64LittleEndian(source[(Header + 8 + WaitBytes + (8 * i))..]);
                if (i % stride == 0 && (state.Cands[i] < 0 || state.Cands[i] >= states))
                {
                    throw new FormatException("The pattern state names an automaton state it does not have.");
                }
            }

            state.Core.Active = count > 0;
            state.Core.Waiting = source[Header + 8] == 1;
            state.Core.WaitDeadline = BinaryPrimitives.ReadInt64LittleEndian(source[(Header + 9)..]);
            state.Core.WaitStart = BinaryPrimitives.ReadInt64LittleEndian(source[(Header + 17)..]);
            state.Core.WaitStartIndex = BinaryPrimitives.ReadInt32LittleEndian(source[(Header + 25)..]);
        }
        else
        {
            if (states < 0 || states > 1_000_000 || source.Length < Header + (12L * states))
            {
                throw new FormatException("The pattern state is truncated or has an invalid size.");
            }

            state = new PatternState(states);
            int offset = Header;
            for (int q = 0; q < states; q++)
            {
                state.Start[q] = BinaryPrimitives.ReadInt64LittleEndian(source[offset..]);
                state.StartIndex[q] = BinaryPrimitives.ReadInt32LittleEndian(source[(offset + 8)..]);
                if (state.Start[q] != CompiledPattern.Inactive)
                {
                    state.Core.Active = true;
                    state.Core.ActiveMask |= q < 64 ? 1UL << q : 0;
                }

                offset += 12;
            }
        }

        state.Core.Index = BinaryPrimitives.ReadInt32LittleEndian(source[5..]);
        state.Core.PrevTicks = BinaryPrimitives.ReadInt64LittleEndian(source[9..]);
        state.Core.Count = BinaryPrimitives.ReadInt32LittleEndian(source[17..]);
        state.Core.FirstStart = BinaryPrimitives.ReadInt32LittleEndian(source[21..]);
        state.Core.FirstEnd = BinaryPrimitives.ReadInt32LittleEndian(source[25..]);
        state.Core.FirstStartTicks = BinaryPrimitives.ReadInt64LittleEndian(source[29..]);
        state.Core.FirstEndTicks = BinaryPrimitives.ReadInt64LittleEndian(source[37..]);
        return state;
    }
    // Format 3 (a pattern with a variable): the header (the counts), then the unbound copy's bytes and, per bound
    // copy, its value (UTF-8) and its bytes, each length-prefixed.
    private int BoundSize()
    {
        BindingState b = Bound!;
        int size = Header + 4 + 4 + b.Unbound.SerializedSize;
        for (int c = 0; c < b.Count; c++)
        {
            size += 4 + System.Text.Encoding.UTF8.GetByteCount(b.Values[c]) + 4 + b.States[c].SerializedSize;
        }

        return size;
    }

    private int WriteBound(Span<byte> destination, int offset)
    {
        BindingState b = Bound!;
        BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], b.Count);
        offset = WriteCopy(destination, offset + 4, b.Unbound);
        for (int c = 0; c < b.Count; c++)
        {
            int n = System.Text.Encoding.UTF8.GetBytes(b.Values[c], destination[(offset + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], n);
            offset = WriteCopy(destination, offset + 4 + n, b.States[c]);
        }

        return offset;

        static int WriteCopy(Span<byte> destination, int offset, PatternState copy)
        {
            int n = copy.WriteTo(destination[(offset + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], n);
            return offset + 4 + n;
        }
    }

    private static PatternState ReadBound(ReadOnlySpan<byte> source, int states)
    {
        int offset = Header;
        int count = Int(source, offset);
        if (count < 0 || count > 1_000_000)
        {
            throw new FormatException("The pattern state is truncated or has an invalid size.");
        }

        offset += 4;
        PatternState unbound = ReadCopy(source, ref offset, states);
        var bound = new BindingState(unbound, 0);
        for (int c = 0; c < count; c++)
        {
            int n = Int(source, offset);
            if (n < 0 || source.Length - offset - 4 < n)
            {
                throw new FormatException("The pattern state is truncated or has an invalid size.");
            }

            string value = System.Text.Encoding.UTF8.GetString(source.Slice(offset + 4, n));
            offset += 4 + n;
            bound.Add(value, ReadCopy(source, ref offset, states));
        }

        return new PatternState(bound, states);

        static int Int(ReadOnlySpan<byte> source, int offset) =>
            source.Length - offset >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(source[offset..]) : throw new FormatException("The pattern state is truncated or has an invalid size.");

        static PatternState ReadCopy(ReadOnlySpan<byte> source, ref int offset, int states)
        {
            int n = Int(source, offset);
            if (n < Header || source.Length - offset - 4 < n || source[offset + 4] == BoundFormatVersion)
            {
                throw new FormatException("The pattern state is truncated or has an invalid size.");
            }

            PatternState copy = ReadFrom(source.Slice(offset + 4, n));
            if (copy.StateCount != states)
            {
                throw new FormatException("The pattern state's copies do not agree on the automaton's size.");
            }

            offset += 4 + n;
            return copy;
        }
    }
}
