namespace JourneyKit;

/// <summary>
/// The one retry backoff of JourneyKit: exponential with an optional jitter. Retry <c>n</c> (1 for the first retry)
/// waits <c>min(MaxDelay, BaseDelay × 2^(n−1)) × (1 − Jitter × u)</c>, where <c>u</c> in [0, 1) is drawn
/// deterministically from a caller's seed and <c>n</c>.
/// </summary>
/// <remarks>
/// <para>The jitter only shortens a delay, so <see cref="MaxDelay"/> is a bound on every delay; with
/// <see cref="Jitter"/> 0 (the default, as in Polly) the delays are exactly <see cref="BaseDelay"/>, twice that, and so
/// on. The jitter is a hash of (seed, attempt), not a random number: the same seed (say, an intervention's idempotency
/// key) retries at the same instants after a restart, while different seeds spread out.</para>
/// <para>The outbox (<see cref="Orchestration.OutboxDispatcher"/>) and the hosted ingestion queue retry with it.</para>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed class RetryBackoff
{
    /// <summary>Creates a backoff.</summary>
    /// <param name="baseDelay">The delay before the first retry; positive.</param>
    /// <param name="maxDelay">The longest delay; at least <paramref name="baseDelay"/>.</param>
    /// <param name="jitter">The largest fraction a delay is shortened by, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public RetryBackoff(TimeSpan baseDelay, TimeSpan maxDelay, double jitter = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        if (!(jitter >= 0 && jitter <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "The jitter must be in [0, 1].");
        }

        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
        Jitter = jitter;
    }

    /// <summary>Gets the delay before the first retry.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>Gets the longest delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Gets the largest fraction a delay is shortened by (0: no jitter).</summary>
    public double Jitter { get; }

    /// <summary>Gets the delay before retry <paramref name="attempt"/>.</summary>
    /// <param name="attempt">The retry number, 1 for the first retry; values below 1 count as 1.</param>
    /// <param name="seed">Seeds the jitter (ignored without jitter); the same seed and attempt give the same delay.</param>
    /// <returns>The delay, in (0, <see cref="MaxDelay"/>].</returns>
    public TimeSpan GetDelay(int attempt, ulong seed = 0)
    {
        int doublings = Math.Clamp(attempt - 1, 0, 62);
        double full = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, doublings));
        if (Jitter > 0)
        {
            full *= 1 - (Jitter * Unit(seed, attempt));
        }

        return TimeSpan.FromTicks(Math.Max(1, (long)full));
    }

    /// <summary>Gets a seed for <see cref="GetDelay"/> from a string (FNV-1a, stable across processes).</summary>
    /// <param name="text">The text, e.g. an idempotency key.</param>
    /// <returns>The seed.</returns>
    public static ulong Seed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>A value in [0, 1) from (seed, attempt): SplitMix64's finalizer, top 53 bits.</summary>
    private static double Unit(ulong seed, int attempt)
    {
        ulong z = seed + (0x9E3779B97F4A7C15UL * (ulong)(uint)attempt);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
