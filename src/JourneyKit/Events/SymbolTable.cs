using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace JourneyKit.Events;

/// <summary>
/// Interns strings (customer ids, touchpoints, channels, attribute values) to dense integer ids 0, 1, 2, … in the
/// order they are first added.
/// </summary>
/// <remarks>
/// <para>Comparison is ordinal and case-sensitive. Ids are stable: once a string has an id it keeps it.</para>
/// <para>A table can be made read-only (<see cref="MakeReadOnly"/>, for good), like <c>JsonSerializerOptions</c>: then
/// <see cref="GetOrAdd(string)"/> throws and the table never changes. The tables of compiled journeys, funnels and
/// patterns, and those a batch builder created for its batch, are read-only. An <see cref="EventBatchBuilder"/> given a
/// read-only table interns into a copy of it, so the ids of the symbols already there coincide and the table itself
/// never changes.</para>
/// <threadsafety>Reads (<see cref="TryGetId(string, out int)"/>, the indexer, <see cref="Count"/>) may run concurrently
/// with each other; <see cref="GetOrAdd(string)"/> must not run concurrently with any other member. A read-only table is
/// safe to share between threads.</threadsafety>
/// </remarks>
public sealed class SymbolTable
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly List<string> _names;
    private bool _readOnly;

    /// <summary>The symbols [0, _indexed) are in <see cref="_ids"/>; those after were added by <see cref="GetOrAddAscii"/> and are indexed on the next lookup.</summary>
    private int _indexed;

    /// <summary>The readers' index of ASCII symbols by a hash of their bytes (<see cref="GetOrAddAscii"/>); null until used, dropped when read-only.</summary>
    private AsciiIndex? _ascii;

    /// <summary>Creates an empty table.</summary>
    public SymbolTable()
        : this(0)
    {
    }

    /// <summary>Creates an empty table with room for <paramref name="capacity"/> symbols.</summary>
    /// <param name="capacity">The initial capacity.</param>
    public SymbolTable(int capacity)
    {
        _ids = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _names = new List<string>(capacity);
    }

    /// <summary>Creates a table holding <paramref name="symbols"/> with ids in their order.</summary>
    /// <param name="symbols">The symbols; duplicates keep the id of their first occurrence.</param>
    public SymbolTable(IEnumerable<string> symbols)
        : this(0)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        foreach (string s in symbols)
        {
            GetOrAdd(s);
        }
    }

    /// <summary>Gets the number of symbols.</summary>
    public int Count => _names.Count;

    /// <summary>Gets a value indicating whether the table is read-only: <see cref="GetOrAdd(string)"/> throws.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>Gets the string of an id.</summary>
    /// <param name="id">The id, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The string.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a valid id.</exception>
    public string this[int id] => _names[id];

    /// <summary>Gets the id of <paramref name="symbol"/>, adding it when new.</summary>
    /// <param name="symbol">The string.</param>
    /// <returns>The id.</returns>
    /// <exception cref="InvalidOperationException">The table is read-only (also when the symbol is already in it, so the
    /// outcome never depends on the data); use <see cref="TryGetId(string, out int)"/>, or intern into a copy.</exception>
    public int GetOrAdd(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        if (_readOnly)
        {
            ThrowReadOnly();
        }

        EnsureIndexed();
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, symbol, out bool exists); // one hash, hit or miss
        if (!exists)
        {
            slot = _names.Count;
            _names.Add(symbol);
            _indexed = _names.Count;
        }

        return slot;
    }

    /// <summary>Gets the id of <paramref name="symbol"/>, adding it when new; allocates a string only when new.</summary>
    /// <param name="symbol">The characters of the string.</param>
    /// <returns>The id.</returns>
    /// <exception cref="InvalidOperationException">The table is read-only.</exception>
    public int GetOrAdd(ReadOnlySpan<char> symbol)
    {
        if (_readOnly)
        {
            ThrowReadOnly();
        }

        EnsureIndexed();
        if (_spanIds.TryGetValue(symbol, out int id))
        {
            return id;
        }

        string name = symbol.ToString();
        id = _names.Count;
        _ids.Add(name, id); // known to be new: one more hash, not a second lookup
        _names.Add(name);
        _indexed = _names.Count;
        return id;
    }

    /// <summary>Looks up the id of a string without adding it.</summary>
    /// <param name="symbol">The string.</param>
    /// <param name="id">The id, or -1 when absent.</param>
    /// <returns><see langword="true"/> when the string is in the table.</returns>
    public bool TryGetId([NotNullWhen(true)] string? symbol, out int id)
    {
        EnsureIndexed();
        if (symbol is not null && _ids.TryGetValue(symbol, out id))
        {
            return true;
        }

        id = -1;
        return false;
    }

    /// <summary>Looks up the id of a string without adding it or allocating.</summary>
    /// <param name="symbol">The characters of the string.</param>
    /// <param name="id">The id, or -1 when absent.</param>
    /// <returns><see langword="true"/> when the string is in the table.</returns>
    public bool TryGetId(ReadOnlySpan<char> symbol, out int id)
    {
        EnsureIndexed();
        if (_spanIds.TryGetValue(symbol, out id))
        {
            return true;
        }

        id = -1;
        return false;
    }

    /// <summary>Gets the symbols in id order.</summary>
    /// <returns>A read-only view of the symbols.</returns>
    public IReadOnlyList<string> ToList() => _names.AsReadOnly();

    /// <summary>
    /// Makes the table read-only, for good: from now on <see cref="GetOrAdd(string)"/> throws and the table never
    /// changes. Calling it again does nothing. Not to be called while another thread adds symbols.
    /// </summary>
    public void MakeReadOnly()
    {
        _readOnly = true;
        _ascii = null; // nothing more is added: the readers' index is not needed
    }

    /// <summary>
    /// The hash of an ASCII symbol's bytes that <see cref="GetOrAddAscii"/> takes: computed once by the reader (on the
    /// thread that parsed the bytes), randomised per process like string hashing.
    /// </summary>
    internal static int AsciiHash(ReadOnlySpan<byte> ascii)
    {
        var hash = default(HashCode);
        hash.AddBytes(ascii);
        return hash.ToHashCode();
    }

    /// <summary>
    /// Gets the id of the symbol spelt by <paramref name="ascii"/> (bytes 0x00–0x7F; <paramref name="hash"/> is its
    /// <see cref="AsciiHash"/>), adding it when new — the readers' way to intern many ids from the file's bytes: one
    /// probe of an open-addressing table that keeps each hash beside its id (no string compared unless the hashes are
    /// equal, no string made unless the symbol is new), and the dictionary of the other members is filled only when one
    /// of them is next called. Same ids as <see cref="GetOrAdd(ReadOnlySpan{char})"/> on the widened characters.
    /// </summary>
    internal int GetOrAddAscii(ReadOnlySpan<byte> ascii, int hash)
    {
        if (_readOnly)
        {
            ThrowReadOnly();
        }

        AsciiIndex index = _ascii ??= new AsciiIndex();
        index.Catch(_names); // symbols added by the other members since the last call
        int id = index.Find(_names, ascii, hash, out int slot);
        if (id >= 0)
        {
            return id;
        }

        id = _names.Count;
        _names.Add(Encoding.ASCII.GetString(ascii));
        index.Add(slot, hash, id);
        index.Caught = _names.Count;
        return id;
    }

    /// <summary>
    /// Asks the processor to load the slot <see cref="GetOrAddAscii"/> will first probe for <paramref name="hash"/>: a
    /// reader that knows the next ids' hashes ahead hides the cache miss of a large table. Only a hint: no effect on
    /// any result.
    /// </summary>
    internal void PrefetchAscii(int hash) => _ascii?.Prefetch(hash);

    /// <summary>Adds the symbols <see cref="GetOrAddAscii"/> added to the dictionary (thread-safe: reads may call it concurrently).</summary>
    private void EnsureIndexed()
    {
        if (Volatile.Read(ref _indexed) != _names.Count)
        {
            IndexRest();
        }
    }

    private void IndexRest()
    {
        lock (_names)
        {
            int count = _names.Count;
            _ids.EnsureCapacity(count);
            for (int i = _indexed; i < count; i++)
            {
                _ids.Add(_names[i], i);
            }

            Volatile.Write(ref _indexed, count);
        }
    }

    /// <summary>
    /// Open addressing with linear probing over slots of (hash &lt;&lt; 32 | id + 1), 0 for empty, at most half full; it
    /// indexes the table's ASCII symbols (a symbol with other characters can never equal ASCII bytes).
    /// </summary>
    private sealed class AsciiIndex
    {
        private long[] _slots = new long[64];
        private int _count;

        /// <summary>Gets or sets how many of the table's symbols (from the first) the index has seen.</summary>
        public int Caught { get; set; }

        public int Find(List<string> names, ReadOnlySpan<byte> ascii, int hash, out int slot)
        {
            int mask = _slots.Length - 1;
            slot = hash & mask;
            while (true)
            {
                long entry = _slots[slot];
                if (entry == 0)
                {
                    return -1;
                }

                if ((int)(entry >> 32) == hash)
                {
                    int id = (int)entry - 1;
                    string name = names[id];
                    if (name.Length == ascii.Length && Ascii.Equals(ascii, name))
                    {
                        return id;
                    }
                }

                slot = (slot + 1) & mask;
            }
        }

        public unsafe void Prefetch(int hash)
        {
            if (Sse.IsSupported)
            {
                long[] slots = _slots;
                Sse.Prefetch0(Unsafe.AsPointer(ref slots[hash & (slots.Length - 1)])); // a stale address after a move is harmless
            }
        }

        public void Add(int slot, int hash, int id)
        {
            _slots[slot] = ((long)hash << 32) | (uint)(id + 1);
            _count++;
            if (_count * 2 > _slots.Length)
            {
                Grow();
            }
        }

        /// <summary>Indexes the symbols from the last one indexed to the end (added by the other members).</summary>
        public void Catch(List<string> names)
        {
            Span<byte> bytes = stackalloc byte[256];
            for (; Caught < names.Count; Caught++)
            {
                string name = names[Caught];
                if (name.Length > bytes.Length)
                {
                    bytes = new byte[name.Length]; // rare: an id this long is read from a file once
                }

                if (Ascii.FromUtf16(name, bytes, out int written) != System.Buffers.OperationStatus.Done)
                {
                    continue; // not ASCII: never equal to ASCII bytes
                }

                int hash = AsciiHash(bytes[..written]);
                int id = Find(names, bytes[..written], hash, out int slot);
                if (id < 0)
                {
                    Add(slot, hash, Caught);
                }
            }
        }

        private void Grow()
        {
            long[] old = _slots;
            _slots = new long[old.Length * 2];
            int mask = _slots.Length - 1;
            foreach (long entry in old)
            {
                if (entry != 0)
                {
                    int slot = (int)(entry >> 32) & mask;
                    while (_slots[slot] != 0)
                    {
                        slot = (slot + 1) & mask;
                    }

                    _slots[slot] = entry;
                }
            }
        }
    }

    /// <summary>A writable table with the same symbols and ids.</summary>
    internal SymbolTable CopyWritable()
    {
        var copy = new SymbolTable(_names.Count);
        foreach (string s in _names)
        {
            copy._ids.Add(s, copy._names.Count);
            copy._names.Add(s);
        }

        copy._indexed = copy._names.Count;

        return copy;
    }

    [DoesNotReturn]
    private static void ThrowReadOnly() =>
        throw new InvalidOperationException("The symbol table is read-only (it belongs to a compiled journey, funnel or pattern, or to a built batch). Look symbols up with TryGetId, or give the table to an EventBatchBuilder, which interns into a copy.");
}
