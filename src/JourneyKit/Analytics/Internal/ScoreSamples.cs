using System.Numerics;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Internal;

/// <summary>
/// The runs' scores and whether each reached the goal, for <see cref="ScoreSummary"/>: exact up to a cap (the list), beyond
/// it exact integer sums of the scores quantised to 2⁻³² (Σq, Σq², Σq over goal runs, in <see cref="Int128"/>), which
/// give the mean and the point-biserial correlation to within that quantisation and one final rounding — in any order of
/// adding and merging. The 10-bin histogram is always exact.
/// </summary>
internal sealed class ScoreSamples(int exactSamples)
{
    private const double Scale = 4294967296.0; // 2³²
    private readonly int[] _histogram = new int[10];
    private List<(double Score, bool Goal)>? _exact = [];
    private Int128 _sum, _sumSquares, _sumGoal;
    private int _goals;

    /// <summary>Gets the number of scores.</summary>
    public int Count { get; private set; }

    /// <summary>Gets a value indicating whether the summary comes from the sums (more than the cap).</summary>
    public bool IsApproximate => _exact is null;

    public void Add(double score, bool goal)
    {
        Count++;
        _histogram[Math.Clamp((int)(score / 10), 0, 9)]++;
        long q = (long)Math.Round(Math.Clamp(score, -1e6, 1e6) * Scale);
        _sum += q;
        _sumSquares += (Int128)q * q;
        _sumGoal += goal ? q : 0;
        _goals += goal ? 1 : 0;
        if (_exact is not null)
        {
            _exact.Add((score, goal));
            _exact = _exact.Count > exactSamples ? null : _exact;
        }
    }

    public void Merge(ScoreSamples other)
    {
        Count += other.Count;
        for (int b = 0; b < _histogram.Length; b++)
        {
            _histogram[b] += other._histogram[b];
        }

        _sum += other._sum;
        _sumSquares += other._sumSquares;
        _sumGoal += other._sumGoal;
        _goals += other._goals;
        if (_exact is not null && other._exact is not null && (long)_exact.Count + other._exact.Count <= exactSamples)
        {
            _exact.AddRange(other._exact);
        }
        else
        {
            _exact = null;
        }
    }

    public ScoreSummary Summary()
    {
        if (_exact is null)
        {
            // n·Σq² − (Σq)², n·Σqy − Σq·Σy and n·Σy − (Σy)² (y ∈ {0, 1}) exactly; their scales cancel in the ratio.
            BigInteger n = Count, sum = (BigInteger)_sum, goals = _goals;
            BigInteger sxx = (n * (BigInteger)_sumSquares) - (sum * sum);
            BigInteger sxy = (n * (BigInteger)_sumGoal) - (sum * goals);
            BigInteger syy = (n * goals) - (goals * goals);
            double? correlation = Count < 2 || sxx.IsZero || syy.IsZero ? null : (double)sxy / Math.Sqrt((double)sxx * (double)syy);
            return new ScoreSummary((double)_sum / Scale / Count, [.. _histogram], correlation);
        }

        List<(double Score, bool Goal)> scores = [.. _exact];
        scores.Sort(static (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Goal.CompareTo(b.Goal));
        var values = new double[scores.Count];
        var outcomes = new bool[scores.Count];
        double total = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            (values[i], outcomes[i]) = scores[i];
            total += values[i];
        }

        return new ScoreSummary(scores.Count == 0 ? 0 : total / scores.Count, [.. _histogram], ScoreAggregates.Correlation(values, outcomes));
    }
}

/// <summary>
/// One KPI's responses (each responding run's value): exact up to a cap, beyond it the counts and an exact sum (each
/// value's 53-bit significand added into an <see cref="Int128"/> per binary exponent), so the NPS stays exact and the mean
/// is the exact mean rounded once — in any order of adding and merging.
/// </summary>
internal sealed class ResponseSamples(int exactSamples)
{
    private List<double>? _exact = [];
    private Int128[]? _byExponent; // Σ signed significand per biased exponent (0–2046): value = m · 2^(max(e, 1) − 1075)
    private double _special; // the sum of the infinities (NaN when both signs)
    private int _promoters, _detractors;

    /// <summary>Gets the number of responses.</summary>
    public int Count { get; private set; }

    /// <summary>Gets a value indicating whether the mean comes from the exact sum (more than the cap).</summary>
    public bool IsApproximate => _exact is null;

    public void Add(double value)
    {
        Count++;
        _promoters += value >= 9 ? 1 : 0;
        _detractors += value <= 6 ? 1 : 0;
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0x7FF)
        {
            _special += value;
        }
        else
        {
            long significand = (bits & 0xF_FFFF_FFFF_FFFFL) | (exponent == 0 ? 0 : 1L << 52);
            (_byExponent ??= new Int128[0x7FF])[exponent] += bits < 0 ? -significand : significand;
        }

        if (_exact is not null)
        {
            _exact.Add(value);
            _exact = _exact.Count > exactSamples ? null : _exact;
        }
    }

    public void Merge(ResponseSamples other)
    {
        Count += other.Count;
        _promoters += other._promoters;
        _detractors += other._detractors;
        _special += other._special;
        if (other._byExponent is not null)
        {
            _byExponent ??= new Int128[0x7FF];
            for (int e = 0; e < _byExponent.Length; e++)
            {
                _byExponent[e] += other._byExponent[e];
            }
        }

        if (_exact is not null && other._exact is not null && (long)_exact.Count + other._exact.Count <= exactSamples)
        {
            _exact.AddRange(other._exact);
        }
        else
        {
            _exact = null;
        }
    }

    /// <summary>
    /// The KPI over the responding runs: NPS = 100 × (share answering 9 or 10 − share answering 0 to 6) on the 0–10 scale;
    /// any other kind the mean (revenue: the mean per responding run), exact ones summed in sorted order, so merging
    /// partitions in any order gives the same value. Null without responses.
    /// </summary>
    public double? Value(KpiKind kind)
    {
        if (Count == 0)
        {
            return null;
        }

        if (kind == KpiKind.Nps)
        {
            return 100.0 * (_promoters - _detractors) / Count;
        }

        if (_exact is null)
        {
            return (ExactSum() + _special) / Count;
        }

        double[] sorted = [.. _exact];
        Array.Sort(sorted);
        double total = 0;
        foreach (double v in sorted)
        {
            total += v;
        }

        return total / sorted.Length;
    }

    /// <summary>Σ m_e · 2^(max(e, 1) − 1075) as one integer in units of 2⁻¹⁰⁷⁴, then to the nearest double (its top 120 bits).</summary>
    private double ExactSum()
    {
        if (_byExponent is null)
        {
            return 0;
        }

        BigInteger total = BigInteger.Zero;
        for (int e = 0; e < _byExponent.Length; e++)
        {
            if (_byExponent[e] != 0)
            {
                total += (BigInteger)_byExponent[e] << (Math.Max(e, 1) - 1);
            }
        }

        int drop = (int)Math.Max(0, total.GetBitLength() - 120);
        return Math.ScaleB((double)(total >> drop), drop - 1074);
    }
}
