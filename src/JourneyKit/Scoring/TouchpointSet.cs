using System.Numerics;

namespace JourneyKit.Scoring;

/// <summary>A set of touchpoint ids: a 64-bit mask for ids below 64 (no allocation), a hash set only beyond.</summary>
internal struct TouchpointSet
{
    private ulong _low;
    private HashSet<int>? _high;

    public readonly int Count => BitOperations.PopCount(_low) + (_high?.Count ?? 0);

    /// <summary>Empties the set, keeping its storage for reuse.</summary>
    public void Clear()
    {
        _low = 0;
        _high?.Clear();
    }

    /// <summary>Adds an id (non-negative); false when it was already there.</summary>
    public bool Add(int id)
    {
        if (id < 64)
        {
            ulong bit = 1UL << id;
            bool added = (_low & bit) == 0;
            _low |= bit;
            return added;
        }

        return (_high ??= []).Add(id);
    }

    /// <summary>Gets the ids in ascending order.</summary>
    public readonly List<int> Ordered()
    {
        var ids = new List<int>(Count);
        for (ulong low = _low; low != 0; low &= low - 1)
        {
            ids.Add(BitOperations.TrailingZeroCount(low));
        }

        if (_high is not null)
        {
            var high = new List<int>(_high);
            high.Sort();
            ids.AddRange(high);
        }

        return ids;
    }
}
