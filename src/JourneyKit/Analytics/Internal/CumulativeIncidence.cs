namespace JourneyKit.Analytics.Internal;

/// <summary>
/// Time-to-event estimates with censoring and a competing outcome. Each sample is a run's follow-up time and how it
/// ended: <see cref="Event"/> (the outcome of interest), <see cref="Competing"/> (an outcome that rules it out, e.g.
/// failure or dormancy) or <see cref="Censored"/> (still open at the analysis instant). The estimates read the samples
/// grouped by time (<see cref="DurationSamples.Groups"/>): exact times, or a sketch's buckets.
/// </summary>
internal static class CumulativeIncidence
{
    public const byte Censored = 0;
    public const byte Event = 1;
    public const byte Competing = 2;

    /// <summary>The Aalen–Johansen estimate of raw samples (exact): see <see cref="Estimate(List{TimeGroup}, int, long)"/>.</summary>
    public static double? Estimate(List<(long Time, byte Outcome)> samples, long horizonTicks = long.MaxValue)
    {
        var all = new DurationSamples(int.MaxValue);
        foreach ((long time, byte outcome) in samples)
        {
            all.Add(time, outcome);
        }

        return Estimate(all.Groups(), all.Count, horizonTicks);
    }

    /// <summary>
    /// The Aalen–Johansen cumulative incidence of <see cref="Event"/> at <paramref name="horizonTicks"/> (inclusive):
    /// Σ over event times t ≤ horizon of S(t−) · d(t) / n(t), with S the Kaplan–Meier probability of no outcome of either
    /// kind and n the runs at risk (follow-up ≥ t; censoring at t happens after the outcomes at t). Null without samples.
    /// </summary>
    public static double? Estimate(List<TimeGroup> groups, int count, long horizonTicks = long.MaxValue)
    {
        if (count == 0)
        {
            return null;
        }

        double survival = 1, incidence = 0;
        int atRisk = count;
        foreach (TimeGroup g in groups)
        {
            if (g.Time > horizonTicks)
            {
                break;
            }

            incidence += survival * g.Events / atRisk;
            survival *= 1 - ((double)(g.Events + g.Competing) / atRisk);
            atRisk -= g.All;
        }

        return incidence;
    }

    /// <summary>
    /// The censoring-aware median time to <see cref="Event"/> among the runs that reach it: the first event time at which
    /// the cumulative incidence reaches half its value at the last event time. Open runs count for as long as they were
    /// followed (a run still open after 5 days may yet convert, later than the conversions seen so far); competing outcomes
    /// never reach it. Null without an event.
    /// </summary>
    public static long? MedianEventTime(List<TimeGroup> groups, int count)
    {
        var steps = new List<(long Time, double Incidence)>();
        double survival = 1, incidence = 0;
        int atRisk = count;
        foreach (TimeGroup g in groups)
        {
            if (g.Events > 0)
            {
                incidence += survival * g.Events / atRisk;
                steps.Add((g.Time, incidence));
            }

            survival *= 1 - ((double)(g.Events + g.Competing) / atRisk);
            atRisk -= g.All;
        }

        if (steps.Count == 0)
        {
            return null;
        }

        double half = steps[^1].Incidence / 2;
        foreach ((long time, double value) in steps)
        {
            if (value >= half - 1e-12)
            {
                return time;
            }
        }

        return steps[^1].Time;
    }

    /// <summary>
    /// The share among runs whose outcome at the horizon is known: an outcome at or before it, or followed for at least
    /// the horizon. Runs censored before the horizon are left out. Returns (known, events by the horizon).
    /// </summary>
    public static (int Known, int Events) Decided(List<TimeGroup> groups, long horizonTicks = long.MaxValue)
    {
        int known = 0, events = 0;
        foreach (TimeGroup g in groups)
        {
            known += g.Events + g.Competing + (g.Time >= horizonTicks ? g.Censored : 0);
            events += g.Time <= horizonTicks ? g.Events : 0;
        }

        return (known, events);
    }
}
