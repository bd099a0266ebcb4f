namespace JourneyKit.Internal;

/// <summary>
/// The 64-bit hash a customer id is remembered by where keeping the strings would cost too much: the grouping check of
/// a read by customer, the sort on disk, the analysis's set of customers (one function, so they agree).
/// </summary>
internal static class CustomerHash
{
    /// <summary>FNV-1a over the UTF-16 code units, then a 64-bit finaliser (MurmurHash3's) to spread the bits.</summary>
    public static ulong Of(ReadOnlySpan<char> text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h ^= (ulong)text.Length;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
