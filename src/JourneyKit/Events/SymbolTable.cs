using System.Diagnostics.CodeAnalysis;

namespace JourneyKit.Events;

/// <summary>
/// Interns strings (customer ids, touchpoints, channels, attribute values) to dense integer ids 0, 1, 2, … in the
/// order they are first added.
/// </summary>
/// <remarks>
/// Comparison is ordinal and case-sensitive. Ids are stable: once a string has an id it keeps it.
/// <threadsafety>Reads (<see cref="TryGetId(string, out int)"/>, the indexer, <see cref="Count"/>) may run concurrently
/// with each other; <see cref="GetOrAdd(string)"/> must not run concurrently with any other member.</threadsafety>
/// </remarks>
public sealed class SymbolTable
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly List<string> _names;

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

    /// <summary>Gets the string of an id.</summary>
    /// <param name="id">The id, from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The string.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not a valid id.</exception>
    public string this[int id] => _names[id];

    /// <summary>Gets the id of <paramref name="symbol"/>, adding it when new.</summary>
    /// <param name="symbol">The string.</param>
    /// <returns>The id.</returns>
    public int GetOrAdd(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        if (_ids.TryGetValue(symbol, out int id))
        {
            return id;
        }

        id = _names.Count;
        _ids.Add(symbol, id);
        _names.Add(symbol);
        return id;
    }

    /// <summary>Gets the id of <paramref name="symbol"/>, adding it when new; allocates a string only when new.</summary>
    /// <param name="symbol">The characters of the string.</param>
    /// <returns>The id.</returns>
    public int GetOrAdd(ReadOnlySpan<char> symbol)
    {
        if (_spanIds.TryGetValue(symbol, out int id))
        {
            return id;
        }

        return GetOrAdd(symbol.ToString());
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
}
