namespace JourneyKit.Analytics;

/// <summary>
/// The Kaplan–Meier estimate of S(t) = P(T &gt; t) from observations that either ended with the event at a duration or were
/// censored (still without the event when last seen). Observations censored at an event time count as at risk at that time.
/// </summary>
/// <remarks>S(t) is a step function: 1 before the first event time, multiplied by (1 − dᵢ/nᵢ) at each event time tᵢ
/// with dᵢ events among nᵢ at risk.</remarks>
public sealed class SurvivalCurve
{
    private readonly SurvivalPoint[] _points;

    private SurvivalCurve(SurvivalPoint[] points, int observations, int events)
    {
        _points = points;
        Observations = observations;
        EventCount = events;
    }

    /// <summary>Gets the steps of the curve, by time.</summary>
    public IReadOnlyList<SurvivalPoint> Points => _points;

    /// <summary>Gets the number of observations.</summary>
    public int Observations { get; }

    /// <summary>Gets the number of observations that ended with the event.</summary>
    public int EventCount { get; }

    /// <summary>Gets the value the curve levels off at after the last event time (1 without events): the estimated share that never has the event.</summary>
    public double Plateau => _points.Length == 0 ? 1 : _points[^1].Survival;

    /// <summary>Estimates the curve.</summary>
    /// <param name="observations">Each observation's duration (ticks) and whether it ended with the event (false: censored).</param>
    /// <returns>The curve.</returns>
    public static SurvivalCurve Estimate(IReadOnlyList<(long Duration, bool Event)> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var all = new Internal.DurationSamples(int.MaxValue);
        for (int i = 0; i < observations.Count; i++)
        {
            all.Add(observations[i].Duration, observations[i].Event ? Internal.CumulativeIncidence.Event : Internal.CumulativeIncidence.Censored);
        }

        return Estimate(all);
    }

    /// <summary>Estimates the curve from durations with outcome <see cref="Internal.CumulativeIncidence.Event"/> or censored, grouped by time (a sketch's buckets: the curve at the buckets' representatives).</summary>
    internal static SurvivalCurve Estimate(Internal.DurationSamples observations)
    {
        var points = new List<SurvivalPoint>();
        double survival = 1;
        int atRisk = observations.Count, events = 0;
        foreach (Internal.TimeGroup g in observations.Groups())
        {
            int d = g.Events;
            if (d > 0)
            {
                survival *= 1 - ((double)d / atRisk);
                points.Add(new SurvivalPoint(TimeSpan.FromTicks(g.Time), survival, atRisk, d));
                events += d;
            }

            atRisk -= g.All;
        }

        return new SurvivalCurve([.. points], observations.Count, events);
    }

    /// <summary>Gets S(t): the estimated share still without the event after <paramref name="time"/>.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The survival probability.</returns>
    public double SurvivalAt(TimeSpan time)
    {
        int lo = 0, hi = _points.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_points[mid].Time <= time)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? 1 : _points[found].Survival;
    }

    /// <summary>
    /// Gets P(never having the event | no event by <paramref name="time"/>) = <see cref="Plateau"/> / S(t), a cure-model reading of
    /// the curve; 0 when S(t) is 0 (everyone observed that long had the event).
    /// </summary>
    /// <param name="time">The time already spent without the event.</param>
    /// <returns>The probability, 0..1.</returns>
    public double ProbabilityOfNever(TimeSpan time)
    {
        double s = SurvivalAt(time);
        return s <= 0 ? 0 : Math.Min(1, Plateau / s);
    }
}
