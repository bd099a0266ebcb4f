namespace JourneyKit.Analytics.Internal;

/// <summary>
/// A set of 64-bit hashes in one open-addressing table (linear probing, at most 3/4 full, doubling): 8 to 16 bytes per
/// element where <see cref="HashSet{T}"/> of <see cref="ulong"/> takes 20 to 40 and grows by copying. Zero is stored as
/// one (the hashes it holds are well spread already: <c>CustomerHash.Of</c>).
/// </summary>
internal sealed class HashSet64
{
    private ulong[] _slots = new ulong[16];

    /// <summary>Gets the number of hashes.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a hash; false when it was there.</summary>
    public bool Add(ulong hash)
    {
        hash = hash == 0 ? 1 : hash;
        if ((Count + 1) * 4L > _slots.Length * 3L)
        {
            Grow();
        }

        if (!Insert(_slots, hash))
        {
            return false;
        }

        Count++;
        return true;
    }

    /// <summary>Every hash, in table order.</summary>
    public IEnumerable<ulong> Items()
    {
        foreach (ulong h in _slots)
        {
            if (h != 0)
            {
                yield return h;
            }
        }
    }

    private static bool Insert(ulong[] slots, ulong hash)
    {
        int mask = slots.Length - 1;
        for (int i = (int)(hash >> 32) & mask; ; i = (i + 1) & mask)
        {
            if (slots[i] == hash)
            {
                return false;
            }

            if (slots[i] == 0)
            {
                slots[i] = hash;
                return true;
            }
        }
    }

    private void Grow()
    {
        var slots = new ulong[_slots.Length * 2];
        foreach (ulong h in _slots)
        {
            if (h != 0)
            {
                Insert(slots, h);
            }
        }

        _slots = slots;
    }
}
