namespace JourneyKit.Analytics.Internal;

/// <summary>The samples of one distribution that share a time: how many of each outcome (<see cref="CumulativeIncidence"/>'s codes).</summary>
/// <param name="Time">The time (ticks): the exact value, or a sketch bucket's representative.</param>
/// <param name="Censored">Samples with outcome <see cref="CumulativeIncidence.Censored"/> (plain durations: all of them).</param>
/// <param name="Events">Samples with outcome <see cref="CumulativeIncidence.Event"/>.</param>
/// <param name="Competing">Samples with outcome <see cref="CumulativeIncidence.Competing"/>.</param>
internal readonly record struct TimeGroup(long Time, int Censored, int Events, int Competing)
{
    /// <summary>Gets the number of samples at this time.</summary>
    public int All => Censored + Events + Competing;
}

/// <summary>
/// The samples behind one distribution (durations, or follow-up times with an outcome): exact up to a cap, one packed
/// <see cref="long"/> per sample (time × 4 + outcome); beyond the cap a mergeable log-bucket histogram in the manner of
/// DDSketch (Masson, Rim and Lee, VLDB 2019) with one count per bucket and outcome. Bucket i &gt; 0 holds the positive
/// times in (γ^(i−1), γ^i] with γ = (1 + α)/(1 − α), and its representative 2γ^i/(γ + 1) is within relative
/// <see cref="RelativeAccuracy"/> α of every time in it (negative times mirrored, zero its own bucket). Whether the
/// samples are exact depends only on how many there are (exact iff at most the cap), and the buckets only on the
/// samples, so adding and merging in any order or partition gives the same state.
/// </summary>
internal sealed class DurationSamples
{
    /// <summary>The relative accuracy α of a sketch's times (0.5 %).</summary>
    public const double RelativeAccuracy = 0.005;

    /// <summary>The default cap on exact samples per distribution (2²⁰: 8 MB of packed samples).</summary>
    public const int DefaultExactSamples = 1 << 20;

    private const long MaxTime = (1L << 61) - 1; // |time| × 4 + outcome fits a long; 7,300 years of ticks
    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);
    private static readonly int Buckets = (int)Math.Ceiling(Math.Log(MaxTime) / LogGamma) + 1; // index 0..Buckets-1 for 1..MaxTime

    private readonly int _cap;
    private List<long>? _exact = [];
    private int[]? _positive; // [bucket × 3 + outcome]
    private int[]? _negative;
    private int[]? _zero;

    /// <summary>Creates an empty distribution.</summary>
    /// <param name="exactSamples">How many samples are kept exactly; beyond that the sketch.</param>
    public DurationSamples(int exactSamples)
    {
        _cap = exactSamples;
    }

    /// <summary>Gets the number of samples.</summary>
    public int Count { get; private set; }

    /// <summary>Gets a value indicating whether the samples are summarised by the sketch (more than the cap).</summary>
    public bool IsApproximate => _exact is null;

    /// <summary>Adds a sample.</summary>
    /// <param name="time">The time (ticks), saturated at ±(2⁶¹ − 1).</param>
    /// <param name="outcome">Its outcome code (0 to 2; plain durations 0).</param>
    public void Add(long time, byte outcome = CumulativeIncidence.Censored)
    {
        time = Math.Clamp(time, -MaxTime, MaxTime);
        Count++;
        if (_exact is not null)
        {
            _exact.Add((time << 2) | outcome);
            if (_exact.Count > _cap)
            {
                ToSketch();
            }

            return;
        }

        Bucket(time, outcome);
    }

    /// <summary>Adds every sample of another distribution (same cap).</summary>
    /// <param name="other">The other distribution.</param>
    public void Merge(DurationSamples other)
    {
        Count += other.Count;
        if (_exact is not null && other._exact is not null && (long)_exact.Count + other._exact.Count <= _cap)
        {
            _exact.AddRange(other._exact);
            return;
        }

        if (_exact is not null)
        {
            ToSketch();
        }

        if (other._exact is not null)
        {
            foreach (long packed in other._exact)
            {
                Bucket(packed >> 2, (byte)(packed & 3));
            }

            return;
        }

        Add(ref _positive, other._positive);
        Add(ref _negative, other._negative);
        Add(ref _zero, other._zero);
    }

    /// <summary>The samples grouped by time, ascending: exact times, or the sketch's non-empty buckets at their representatives.</summary>
    /// <returns>The groups.</returns>
    public List<TimeGroup> Groups()
    {
        var groups = new List<TimeGroup>();
        if (_exact is not null)
        {
            long[] sorted = [.. _exact];
            Array.Sort(sorted);
            Span<int> counts = stackalloc int[3];
            for (int i = 0; i < sorted.Length;)
            {
                long time = sorted[i] >> 2;
                counts.Clear();
                for (; i < sorted.Length && sorted[i] >> 2 == time; i++)
                {
                    counts[(int)(sorted[i] & 3)]++;
                }

                groups.Add(new TimeGroup(time, counts[0], counts[1], counts[2]));
            }

            return groups;
        }

        for (int b = Buckets - 1; _negative is not null && b >= 0; b--)
        {
            AddGroup(groups, _negative, b, -Representative(b));
        }

        if (_zero is not null)
        {
            AddGroup(groups, _zero, 0, 0);
        }

        for (int b = 0; _positive is not null && b < Buckets; b++)
        {
            AddGroup(groups, _positive, b, Representative(b));
        }

        return groups;
    }

    /// <summary>Every sample, for callers that need them one by one: exact, or each bucket's representative repeated.</summary>
    /// <returns>(time, outcome) per sample, in no particular order.</returns>
    public List<(long Time, byte Outcome)> Expand()
    {
        var samples = new List<(long, byte)>(Count);
        if (_exact is not null)
        {
            foreach (long packed in _exact)
            {
                samples.Add((packed >> 2, (byte)(packed & 3)));
            }

            return samples;
        }

        foreach (TimeGroup g in Groups())
        {
            for (int k = 0; k < g.Censored; k++)
            {
                samples.Add((g.Time, CumulativeIncidence.Censored));
            }

            for (int k = 0; k < g.Events; k++)
            {
                samples.Add((g.Time, CumulativeIncidence.Event));
            }

            for (int k = 0; k < g.Competing; k++)
            {
                samples.Add((g.Time, CumulativeIncidence.Competing));
            }
        }

        return samples;
    }

    /// <summary>The sketch bucket of a positive time: ⌈log_γ t⌉, so that t ∈ (γ^(i−1), γ^i].</summary>
    internal static int BucketOf(long positiveTime) => Math.Clamp((int)Math.Ceiling(Math.Log(positiveTime) / LogGamma), 0, Buckets - 1);

    /// <summary>A bucket's representative, 2γ^i/(γ + 1) rounded to whole ticks: within α of every real time in the bucket (plus half a tick of rounding).</summary>
    internal static long Representative(int bucket) => (long)Math.Round(2 * Math.Pow(Gamma, bucket) / (Gamma + 1));

    private static void AddGroup(List<TimeGroup> groups, int[] counts, int bucket, long time)
    {
        int at = bucket * 3;
        if (counts[at] + counts[at + 1] + counts[at + 2] > 0)
        {
            groups.Add(new TimeGroup(time, counts[at], counts[at + 1], counts[at + 2]));
        }
    }

    private static void Add(ref int[]? mine, int[]? other)
    {
        if (other is null)
        {
            return;
        }

        mine ??= new int[other.Length];
        for (int i = 0; i < other.Length; i++)
        {
            mine[i] += other[i];
        }
    }

    private void ToSketch()
    {
        List<long> exact = _exact!;
        _exact = null;
        foreach (long packed in exact)
        {
            Bucket(packed >> 2, (byte)(packed & 3));
        }
    }

    private void Bucket(long time, byte outcome)
    {
        if (time == 0)
        {
            (_zero ??= new int[3])[outcome]++;
        }
        else if (time > 0)
        {
            (_positive ??= new int[Buckets * 3])[(BucketOf(time) * 3) + outcome]++;
        }
        else
        {
            (_negative ??= new int[Buckets * 3])[(BucketOf(-time) * 3) + outcome]++;
        }
    }
}
