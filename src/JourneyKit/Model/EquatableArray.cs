using System.Collections;
using System.Collections.Immutable;

namespace JourneyKit.Model;

/// <summary>
/// An immutable array with value equality (element by element), so model records compare structurally.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>The default value is an empty array.
/// <threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>Creates an array holding <paramref name="items"/>.</summary>
    /// <param name="items">The items.</param>
    public EquatableArray(ImmutableArray<T> items) => _items = items.IsDefault ? [] : items;

    /// <summary>Creates an array holding a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The items, or null for empty.</param>
    public EquatableArray(IEnumerable<T>? items) => _items = items is null ? [] : [.. items];

    /// <summary>Gets the items as an immutable array.</summary>
    public ImmutableArray<T> AsImmutableArray() => _items.IsDefault ? [] : _items;

    /// <summary>Gets the number of items.</summary>
    public int Count => _items.IsDefault ? 0 : _items.Length;

    /// <summary>Gets the item at <paramref name="index"/>.</summary>
    /// <param name="index">The index.</param>
    public T this[int index] => AsImmutableArray()[index];

    /// <summary>Converts an immutable array.</summary>
    /// <param name="items">The items.</param>
    public static implicit operator EquatableArray<T>(ImmutableArray<T> items) => new(items);

    /// <summary>Converts an array (copied).</summary>
    /// <param name="items">The items.</param>
    public static implicit operator EquatableArray<T>(T[]? items) => new((IEnumerable<T>?)items);

    /// <inheritdoc/>
    public bool Equals(EquatableArray<T> other) => AsImmutableArray().SequenceEqual(other.AsImmutableArray());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (T item in AsImmutableArray())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Gets an enumerator over the items.</summary>
    /// <returns>The enumerator.</returns>
    public ImmutableArray<T>.Enumerator GetEnumerator() => AsImmutableArray().GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)AsImmutableArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)AsImmutableArray()).GetEnumerator();

    /// <summary>Compares two arrays element by element.</summary>
    /// <param name="left">The left array.</param>
    /// <param name="right">The right array.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Compares two arrays element by element.</summary>
    /// <param name="left">The left array.</param>
    /// <param name="right">The right array.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
}
