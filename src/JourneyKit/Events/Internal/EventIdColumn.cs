using System.Runtime.CompilerServices;
using JourneyKit.Internal;

namespace JourneyKit.Events.Internal;

/// <summary>
/// The event ids of a batch without a string per event: the characters in large shared chunks, a reference and a length
/// per row. The builder de-duplicates (customer, event id) with an open-addressing table over the rows; the batch turns
/// the ids into strings only when they are asked for (<see cref="EventBatch.EventIds"/>, an explanation).
/// </summary>
/// <remarks>Nothing here holds an object per event, so the garbage collector never traces millions of ids.</remarks>
internal sealed class EventIdColumn
{
    private const int ChunkSize = 1 << 20; // characters

    private readonly List<char[]> _chunks = [];
    private int _used = ChunkSize; // characters used in the last chunk (full: the next id starts a new one)
    private ColumnBuilder<long> _refs = new(0); // (chunk << 32) | offset, or -1 when the event has no id
    private ColumnBuilder<int> _lengths = new(0);
    private long[] _slots = new long[16]; // (hash << 32) | (row + 1) of each id in the table, 0 when empty: one cache line per probe
    private int _entries;
    private byte[] _modes = []; // per customer: Unseen, Run or InTable
    private int[] _runStarts = []; // per customer in Run: the row of its first id
    private int[] _runEnds = []; // per customer in a finished Run: the row after it
    private int _runCustomer = -1; // the customer whose ids arrive now
    private int _runStart;
    private int _runIds;
    private int _expected; // ids expected in all: the table is sized for them when the first id arrives

    /// <summary>Gets the number of rows (with and without ids).</summary>
    public int Count => _refs.Count;

    /// <summary>Whether a row of <paramref name="customer"/> already has event id <paramref name="id"/>.</summary>
    /// <remarks>
    /// Grouped input (each customer's events together) never touches the table: while a customer's ids arrive in one
    /// run, a duplicate can only be in that run, found by a scan; the table takes a customer's ids only when the customer
    /// comes back after another customer's ids, or when its run grows past <see cref="MaxScan"/> ids.
    /// </remarks>
    public bool Contains(int customer, ReadOnlySpan<char> id, ReadOnlySpan<int> customers)
    {
        byte mode = ModeOf(customer);
        if (mode == Unseen)
        {
            return false;
        }

        if (mode == Run && customer == _runCustomer)
        {
            for (int row = _runStart; row < _refs.Count; row++)
            {
                if (_refs.Span[row] >= 0 && customers[row] == customer && Chars(row).SequenceEqual(id))
                {
                    return true;
                }
            }

            return false;
        }

        if (mode == Run)
        {
            ToTable(customer, customers, _runEnds[customer]); // back after another customer's ids
        }

        return Find(customer, id, Hash(customer, id), customers) >= 0;
    }

    /// <summary>Sizes the table for <paramref name="ids"/> ids in all (a reader's estimate), so it need not grow.</summary>
    public void Reserve(int ids) => _expected = Math.Max(_expected, ids);

    /// <summary>Appends rows without an id until there are <paramref name="count"/>.</summary>
    public void PadTo(int count)
    {
        _refs.PadTo(count, -1);
        _lengths.PadTo(count, 0);
    }

    /// <summary>Appends a row without an id.</summary>
    public void AddNone()
    {
        _refs.Add(-1);
        _lengths.Add(0);
    }

    /// <summary>Appends a row of <paramref name="customer"/> with <paramref name="id"/> (not already there: see <see cref="Contains"/>).</summary>
    public void Add(int customer, ReadOnlySpan<char> id, ReadOnlySpan<int> customers)
    {
        int row = _refs.Count;
        _refs.Add(Store(id));
        _lengths.Add(id.Length);
        byte mode = ModeOf(customer);
        if (customer != _runCustomer && _runCustomer >= 0)
        {
            _runEnds[_runCustomer] = row; // the run is over: its rows are [start, row)
            _runCustomer = -1;
        }

        if (mode == Run && customer != _runCustomer)
        {
            ToTable(customer, customers, _runEnds[customer]);
            mode = InTable;
        }

        if (mode == Unseen)
        {
            SetMode(customer, Run);
            _runCustomer = customer;
            _runStart = row;
            _runIds = 1;
            return;
        }

        if (mode == Run)
        {
            if (++_runIds <= MaxScan)
            {
                return;
            }

            ToTable(customer, customers, row + 1); // a long run: the table is cheaper than the scan from here on
            return; // this row was inserted with the run
        }

        InsertId(row, Hash(customer, id));
    }

    /// <summary>The ids in <paramref name="order"/> (null: as added), for the batch; the de-duplication table is dropped.</summary>
    public EventIds Build(int[]? order)
    {
        _slots = [];
        if (order is null)
        {
            return new EventIds([.. _chunks], _refs.Trimmed(), _lengths.Trimmed());
        }

        ReadOnlySpan<long> refs = _refs.Span;
        ReadOnlySpan<int> lengths = _lengths.Span;
        var sortedRefs = new long[order.Length];
        var sortedLengths = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            sortedRefs[i] = refs[order[i]];
            sortedLengths[i] = lengths[order[i]];
        }

        return new EventIds([.. _chunks], sortedRefs, sortedLengths);
    }

    private const byte Unseen = 0;
    private const byte Run = 1; // the customer's ids are in one run from _runStart (the current run, or a finished one)
    private const byte InTable = 2;

    /// <summary>The most ids of one run checked by a scan.</summary>
    private const int MaxScan = 32;

    private byte ModeOf(int customer) => customer < _modes.Length ? _modes[customer] : Unseen;

    private void SetMode(int customer, byte mode)
    {
        if (customer >= _modes.Length)
        {
            Array.Resize(ref _modes, Math.Max(customer + 1, _modes.Length * 2));
            Array.Resize(ref _runStarts, _modes.Length);
            Array.Resize(ref _runEnds, _modes.Length);
        }

        _modes[customer] = mode;
        if (mode == Run)
        {
            _runStarts[customer] = _refs.Count - 1;
        }
    }

    /// <summary>Moves a customer's run of ids, rows [its start, <paramref name="end"/>), into the table, for good.</summary>
    /// <remarks>Runs of different customers never overlap, so all these moves together read each row at most once.</remarks>
    private void ToTable(int customer, ReadOnlySpan<int> customers, int end)
    {
        int start = _runStarts[customer];
        _modes[customer] = InTable;
        if (customer == _runCustomer)
        {
            _runCustomer = -1;
        }

        // Rows of others in the range have no id (an id of another customer ends a run); the row being added is not in
        // customers yet.
        for (int row = start; row < end; row++)
        {
            if (_refs.Span[row] >= 0 && (row < customers.Length ? customers[row] : customer) == customer)
            {
                InsertId(row, Hash(customer, Chars(row)));
            }
        }
    }

    private void InsertId(int row, int hash)
    {
        if (_entries == 0 && (long)_expected * 2 > _slots.Length)
        {
            Grow((int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_expected * 2)));
        }

        if ((_entries + 1) * 2 > _slots.Length)
        {
            Grow(_slots.Length * 2);
        }

        Insert(row, hash);
        _entries++;
    }

    private long Store(ReadOnlySpan<char> id)
    {
        if (id.Length > ChunkSize - _used)
        {
            _chunks.Add(new char[Math.Max(ChunkSize, id.Length)]);
            _used = 0;
        }

        int chunk = _chunks.Count - 1;
        id.CopyTo(_chunks[chunk].AsSpan(_used));
        long reference = ((long)chunk << 32) | (uint)_used;
        _used += id.Length;
        return reference;
    }

    private ReadOnlySpan<char> Chars(int row)
    {
        long reference = _refs.Span[row];
        return _chunks[(int)(reference >> 32)].AsSpan((int)(uint)reference, _lengths.Span[row]);
    }

    private int Find(int customer, ReadOnlySpan<char> id, int hash, ReadOnlySpan<int> customers)
    {
        long[] slots = _slots;
        int mask = slots.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            long slot = slots[i];
            if (slot == 0)
            {
                return -1;
            }

            int row = (int)(uint)slot - 1;
            if ((int)(slot >> 32) == hash && customers[row] == customer && Chars(row).SequenceEqual(id))
            {
                return row;
            }
        }
    }

    private void Insert(int row, int hash)
    {
        long[] slots = _slots;
        int mask = slots.Length - 1;
        int i = hash & mask;
        while (slots[i] != 0)
        {
            i = (i + 1) & mask;
        }

        slots[i] = ((long)hash << 32) | (uint)(row + 1);
    }

    private void Grow(int size)
    {
        long[] old = _slots;
        _slots = new long[size];
        foreach (long slot in old)
        {
            if (slot != 0)
            {
                Insert((int)(uint)slot - 1, (int)(slot >> 32));
            }
        }
    }

    // string.GetHashCode(ReadOnlySpan<char>) is the ordinal hash of the characters (randomised per process).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(int customer, ReadOnlySpan<char> id) => HashCode.Combine(customer, string.GetHashCode(id));
}

/// <summary>A built batch's event ids: characters in chunks, a reference and a length per row; strings made on demand.</summary>
internal sealed class EventIds(char[][] chunks, long[] refs, int[] lengths)
{
    private string?[]? _strings;

    /// <summary>Gets every row's id as a string (null when absent), made once on first use.</summary>
    public string?[] Strings
    {
        get
        {
            string?[]? strings = Volatile.Read(ref _strings);
            if (strings is null)
            {
                strings = new string?[refs.Length];
                for (int i = 0; i < refs.Length; i++)
                {
                    strings[i] = refs[i] < 0 ? null : new string(Chars(chunks, refs[i], lengths[i]));
                }

                strings = Interlocked.CompareExchange(ref _strings, strings, null) ?? strings; // a race only repeats the work
            }

            return strings;
        }
    }

    /// <summary>The id of <paramref name="row"/> without making a string (empty when absent).</summary>
    public ReadOnlySpan<char> Of(int row) => refs[row] < 0 ? default : Chars(chunks, refs[row], lengths[row]);

    /// <summary>The characters of an id stored at <paramref name="reference"/>.</summary>
    private static ReadOnlySpan<char> Chars(char[][] chunks, long reference, int length) =>
        chunks[(int)(reference >> 32)].AsSpan((int)(uint)reference, length);
}
