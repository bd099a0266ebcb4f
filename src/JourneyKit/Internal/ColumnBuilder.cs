using System.Runtime.CompilerServices;

namespace JourneyKit.Internal;

/// <summary>A growable array for building columns; a mutable struct: keep it in a field, never copy it.</summary>
internal struct ColumnBuilder<T>
{
    private T[] _items;
    private int _count;

    public ColumnBuilder(int capacity) => _items = capacity == 0 ? [] : new T[capacity];

    public readonly int Count => _count;

    public readonly Span<T> Span => _items.AsSpan(0, _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        T[] items = _items;
        int count = _count;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = item;
            _count = count + 1;
        }
        else
        {
            AddWithResize(item);
        }
    }

    /// <summary>Appends <paramref name="item"/> until the column holds <paramref name="count"/> items.</summary>
    public void PadTo(int count, T item)
    {
        while (_count < count)
        {
            Add(item);
        }
    }

    public void Set(int index, T item) => _items[index] = item;

    /// <summary>Appends <paramref name="count"/> items and returns them to be written (their values are not defined).</summary>
    public Span<T> Extend(int count)
    {
        if (_count + count > _items.Length)
        {
            EnsureCapacity(Math.Max(_count + count, (int)Math.Min(Array.MaxLength, _items.Length * 2L)));
        }

        Span<T> added = _items.AsSpan(_count, count);
        _count += count;
        return added;
    }

    public readonly T[] ToArray() => _items.AsSpan(0, _count).ToArray();

    /// <summary>The items as an array of exactly <see cref="Count"/>: the array itself when it is that long, else a copy.</summary>
    public readonly T[] Trimmed() => _items.Length == _count ? _items : ToArray();

    /// <summary>
    /// The array itself when its unused tail is at most an eighth of the items (a reader's close estimate), else a
    /// trimmed copy: a batch may hold an array a little longer than its rows instead of copying every column.
    /// </summary>
    public readonly T[] TrimmedOrShared() => _items.Length - _count <= _count >> 3 ? _items : ToArray();

    /// <summary>Makes room for <paramref name="capacity"/> items in all.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length)
        {
            Array.Resize(ref _items, capacity);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddWithResize(T item)
    {
        int newSize = Math.Max(16, _items.Length * 2);
        Array.Resize(ref _items, newSize);
        _items[_count++] = item;
    }
}
