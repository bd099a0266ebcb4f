namespace JourneyKit.Matching;

/// <summary>
/// A time bound on one transition of a funnel: the time from the matched step <see cref="ToStep"/> − 1 event to the
/// matched step <see cref="ToStep"/> event must be at least <see cref="MinTime"/> and at most <see cref="MaxTime"/>
/// (both inclusive), whatever events lie between them. It applies besides the whole-funnel window. See docs/funnels.md.
/// </summary>
/// <param name="ToStep">The later step of the transition, 1-based: 2 constrains step 1 → step 2.</param>
/// <param name="MinTime">The least time between the two steps (inclusive); <see cref="TimeSpan.Zero"/> for none.</param>
/// <param name="MaxTime">The most time between the two steps (inclusive); <see cref="Duration.Unbounded"/> for none.</param>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
public sealed record FunnelStepConstraint(int ToStep, TimeSpan MinTime, TimeSpan MaxTime)
{
    /// <summary>Step <paramref name="toStep"/> at most <paramref name="maxTime"/> after step <paramref name="toStep"/> − 1 (<c>--step-within</c>).</summary>
    /// <param name="toStep">The later step, 2 or more.</param>
    /// <param name="maxTime">The most time between the two steps (inclusive).</param>
    /// <returns>The constraint.</returns>
    public static FunnelStepConstraint Within(int toStep, TimeSpan maxTime) => new(toStep, TimeSpan.Zero, maxTime);

    /// <summary>Step <paramref name="toStep"/> at least <paramref name="minTime"/> after step <paramref name="toStep"/> − 1 (<c>--step-after</c>).</summary>
    /// <param name="toStep">The later step, 2 or more.</param>
    /// <param name="minTime">The least time between the two steps (inclusive).</param>
    /// <returns>The constraint.</returns>
    public static FunnelStepConstraint After(int toStep, TimeSpan minTime) => new(toStep, minTime, Duration.Unbounded);

    /// <summary>Gets whether the constraint restricts nothing (zero minimum, unbounded maximum).</summary>
    public bool IsUnconstrained => MinTime <= TimeSpan.Zero && MaxTime == TimeSpan.MaxValue;

    /// <summary>
    /// Combines constraints into per-step bounds in ticks (index k: the transition into 0-based step k; index 0 unused);
    /// several constraints on one step intersect. Returns null when no step is constrained.
    /// </summary>
    internal static (long[] Min, long[] Max)? Resolve(IReadOnlyList<FunnelStepConstraint>? constraints, int steps, string paramName)
    {
        if (constraints is null || constraints.Count == 0)
        {
            return null;
        }

        var min = new long[steps];
        var max = new long[steps];
        Array.Fill(max, long.MaxValue);
        bool any = false;
        foreach (FunnelStepConstraint? c in constraints)
        {
            if (c is null)
            {
                throw new ArgumentException("A step constraint is null.", paramName);
            }

            if (c.ToStep < 2 || c.ToStep > steps)
            {
                throw new ArgumentException($"A step constraint names the later step of a transition, 2 to {steps}; got {c.ToStep}.", paramName);
            }

            if (c.MinTime < TimeSpan.Zero || c.MaxTime < TimeSpan.Zero)
            {
                throw new ArgumentException($"The times of the step {c.ToStep - 1} → {c.ToStep} constraint must not be negative.", paramName);
            }

            int k = c.ToStep - 1;
            min[k] = Math.Max(min[k], c.MinTime.Ticks);
            max[k] = Math.Min(max[k], c.MaxTime.Ticks);
            if (min[k] > max[k])
            {
                throw new ArgumentException(
                    $"The step {c.ToStep - 1} → {c.ToStep} constraints cannot all hold: at least {Duration.Format(TimeSpan.FromTicks(min[k]))} but at most {Duration.Format(TimeSpan.FromTicks(max[k]))}.",
                    paramName);
            }

            any |= !c.IsUnconstrained;
        }

        return any ? (min, max) : null;
    }
}
