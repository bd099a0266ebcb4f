using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

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

        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, symbol, out bool exists); // one hash, hit or miss
        if (!exists)
        {
            slot = _names.Count;
            _names.Add(symbol);
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

        if (_spanIds.TryGetValue(symbol, out int id))
        {
            return id;
        }

        string name = symbol.ToString();
        id = _names.Count;
        _ids.Add(name, id); // known to be new: one more hash, not a second lookup
        _names.Add(name);
        return id;
    }

    /// <summary>Looks up the id of a string without adding it.</summary>
    /// <param name="symbol">The string.</param>
    /// <param name="id">The id, or -1 when absent.</param>
    /// <returns><see langword="true"/> when the string is in the table.</returns>
    public bool TryGetId([NotNullWhen(true)] string? symbol, out int id)
    {
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
    public void MakeReadOnly() => _readOnly = true;

    /// <summary>A writable table with the same symbols and ids.</summary>
    internal SymbolTable CopyWritable()
    {
        var copy = new SymbolTable(_names.Count);
        foreach (string s in _names)
        {
            copy._ids.Add(s, copy._names.Count);
            copy._names.Add(s);
        }

        return copy;
    }

    [DoesNotReturn]
    private static void ThrowReadOnly() =>
        throw new InvalidOperationException("The symbol table is read-only (it belongs to a compiled journey, funnel or pattern, or to a built batch). Look symbols up with TryGetId, or give the table to an EventBatchBuilder, which interns into a copy.");
}
