using System.Collections.Concurrent;

namespace JourneyKit.Events.Internal;

/// <summary>
/// A batch's attributes: keys on many events as dense columns (an id per event, -1 when absent), the rest as one
/// row-indexed sparse table, so memory follows the values present. A sparse key's column is made when first asked for
/// and kept.
/// </summary>
/// <threadsafety>Immutable apart from the column cache, which is safe for concurrent readers.</threadsafety>
internal sealed class EventAttributes
{
    private readonly Dictionary<int, int[]> _dense;
    private readonly int[]? _sparseStarts; // n + 1 entries; pairs of row r: [starts[r], starts[r + 1])
    private readonly int[] _sparseKeys;
    private readonly int[] _sparseValues;
    private readonly ConcurrentDictionary<int, int[]> _materialized = new();

    public EventAttributes(Dictionary<int, int[]> dense, int[]? sparseStarts, int[] sparseKeys, int[] sparseValues)
    {
        _dense = dense;
        _sparseStarts = sparseStarts;
        _sparseKeys = sparseKeys;
        _sparseValues = sparseValues;
    }

    public static EventAttributes None { get; } = new([], null, [], []);

    /// <summary>Gets the number of keys stored densely.</summary>
    public int DenseKeyCount => _dense.Count;

    /// <summary>Gets the number of values stored sparsely.</summary>
    public int SparseValueCount => _sparseKeys.Length;

    /// <summary>Gets the column of <paramref name="keyId"/> (null when no event has it).</summary>
    public int[]? Column(int keyId, int rows)
    {
        if (_dense.TryGetValue(keyId, out int[]? column))
        {
            return column;
        }

        if (_sparseStarts is null)
        {
            return null;
        }

        return _materialized.TryGetValue(keyId, out column) ? column : Materialize(keyId, rows);
    }

    /// <summary>Calls <paramref name="visit"/> with (key id, value id) for every attribute of <paramref name="row"/>.</summary>
    public void ForEach<TState>(int row, ref TState state, RowVisitor<TState> visit)
    {
        foreach (KeyValuePair<int, int[]> column in _dense)
        {
            int value = column.Value[row];
            if (value >= 0)
            {
                visit(ref state, column.Key, value);
            }
        }

        if (_sparseStarts is not null)
        {
            for (int p = _sparseStarts[row]; p < _sparseStarts[row + 1]; p++)
            {
                visit(ref state, _sparseKeys[p], _sparseValues[p]);
            }
        }
    }

    public delegate void RowVisitor<TState>(ref TState state, int keyId, int valueId);

    private int[]? Materialize(int keyId, int rows)
    {
        int[] starts = _sparseStarts!;
        int[]? column = null;
        for (int r = 0; r < rows; r++)
        {
            for (int p = starts[r]; p < starts[r + 1]; p++)
            {
                if (_sparseKeys[p] == keyId)
                {
                    if (column is null)
                    {
                        column = new int[rows];
                        Array.Fill(column, -1);
                    }

                    column[r] = _sparseValues[p];
                }
            }
        }

        return column is null ? null : _materialized.GetOrAdd(keyId, column);
    }
}
