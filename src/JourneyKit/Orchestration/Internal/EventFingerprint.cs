namespace JourneyKit.Orchestration.Internal;

/// <summary>An order-sensitive 64-bit FNV-1a fingerprint of applied events (stable across processes).</summary>
internal static class EventFingerprint
{
    public const ulong Seed = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Add(ulong hash, Events.JourneyEvent e)
    {
        hash = AddString(hash, e.EventId);
        hash = AddString(hash, e.Touchpoint);
        hash = AddLong(hash, e.TimestampTicks);
        return AddString(hash, e.Channel.IsNone ? null : e.Channel.Name);
    }

    private static ulong AddString(ulong hash, string? s)
    {
        if (s is null)
        {
            return AddLong(hash, -1);
        }

        for (int i = 0; i < s.Length; i++)
        {
            hash = (hash ^ s[i]) * Prime;
        }

        return AddLong(hash, s.Length);
    }

    private static ulong AddLong(ulong hash, long value)
    {
        for (int i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * Prime;
        }

        return hash;
    }
}
