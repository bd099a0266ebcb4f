namespace JourneyKit.Analytics.Prediction.Internal;

/// <summary>
/// The Kaplan–Meier curve S(t) = P(goal not reached within t of an event), from samples that reached the goal after t,
/// were still open after being followed for t (censored: they leave the risk set after t) or ended without it (never:
/// they stay in the risk set for ever, so the curve levels off at the share that never reaches the goal).
/// </summary>
internal sealed class RemainingTimeCurve
{
    private const double Tolerance = 1e-12;

    private readonly long[] _times;
    private readonly double[] _survival;

    private RemainingTimeCurve(long[] times, double[] survival, int samples)
    {
        _times = times;
        _survival = survival;
        Samples = samples;
    }

    /// <summary>Gets the number of samples the curve was fitted on.</summary>
    public int Samples { get; }

    /// <summary>Gets S after the last observed arrival: the share estimated never to reach the goal (1 with no arrival).</summary>
    public double Plateau => _survival.Length == 0 ? 1 : _survival[^1];

    public static RemainingTimeCurve Fit(List<long> reached, List<long> censored, int never)
    {
        long[] r = [.. reached];
        long[] c = [.. censored];
        Array.Sort(r);
        Array.Sort(c);
        var times = new List<long>();
        var survival = new List<double>();
        int atRisk = r.Length + c.Length + never;
        double s = 1;
        int ci = 0;
        for (int i = 0; i < r.Length;)
        {
            long t = r[i];
            while (ci < c.Length && c[ci] < t)
            {
                atRisk--; // censored before t: no longer at risk (censored at t still is)
                ci++;
            }

            int d = 0;
            while (i < r.Length && r[i] == t)
            {
                d++;
                i++;
            }

            s *= 1 - ((double)d / atRisk);
            times.Add(t);
            survival.Add(s);
            atRisk -= d;
        }

        return new RemainingTimeCurve([.. times], [.. survival], r.Length + c.Length + never);
    }

    /// <summary>S(t) = P(T &gt; t): the survival just after the last arrival at or before t (1 before the first).</summary>
    public double Survival(long ticks)
    {
        int i = Array.BinarySearch(_times, ticks);
        i = i >= 0 ? i : ~i - 1;
        return i < 0 ? 1 : _survival[i];
    }

    /// <summary>P(goal reached at all | not reached within <paramref name="elapsed"/>) = (S(e) − S∞)/S(e); 0 when S(e) is 0.</summary>
    public double GoalProbability(long elapsed)
    {
        double s = Survival(elapsed);
        return s <= Tolerance ? 0 : Math.Max(0, (s - Plateau) / s);
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile of the time still to go, given not reached within <paramref name="elapsed"/> and
    /// reached at all: the least u with (S(e) − S(e + u))/(S(e) − S∞) ≥ q, i.e. the first arrival τ &gt; e with
    /// S(τ) ≤ S(e) − q·(S(e) − S∞), u = τ − e. Null when no arrival comes after e.
    /// </summary>
    public long? Quantile(long elapsed, double q)
    {
        double s = Survival(elapsed);
        if (s - Plateau <= Tolerance)
        {
            return null;
        }

        double level = s - (q * (s - Plateau));
        int i = Array.BinarySearch(_times, elapsed);
        i = i >= 0 ? i + 1 : ~i;
        for (; i < _times.Length; i++)
        {
            if (_survival[i] <= level + Tolerance)
            {
                return _times[i] - elapsed;
            }
        }

        return _times[^1] - elapsed;
    }
}
