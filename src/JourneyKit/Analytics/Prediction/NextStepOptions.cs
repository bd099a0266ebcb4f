namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// Options of <see cref="NextStepModel.Fit"/>: how many touchpoints of context the model looks back, how it smooths, and
/// which interval of the remaining time it gives. See docs/prediction.md ("What happens next").
/// </summary>
/// <remarks>
/// <para>With <see cref="Order"/> k the model is a Markov chain of order k over the touchpoints with interpolated backoff: the
/// probability of x next after the last k touchpoints c is Pₖ(x) = (n(c, x) + β·Pₖ₋₁(x))/(n(c) + β), down to the
/// frequency of x after any touchpoint and, below it, 1/V over the V touchpoints; a context never seen backs off to the
/// shorter one. The start of a run pads the context, so "first event was A" and "A after B" are different contexts.
/// <see cref="FirstOrderMarkov"/> (k = 1) is the baseline: last touchpoint → next touchpoint frequencies.</para>
/// <para>The remaining time to the goal comes from the longest of those contexts with at least <see cref="MinTimeSamples"/>
/// samples (every earlier event in that context, followed to the goal, to the end of the data, or to its run's end).</para>
/// </remarks>
public sealed class NextStepOptions
{
    /// <summary>The default <see cref="Order"/>: 3.</summary>
    public const int DefaultOrder = 3;

    /// <summary>The largest <see cref="Order"/>: 4.</summary>
    public const int MaxOrder = 4;

    /// <summary>Gets the first-order Markov baseline: <c>markov-1</c>, <see cref="Order"/> 1, plain transition counts (<see cref="ConditionOnIdleTime"/> false), other values default.</summary>
    public static NextStepOptions FirstOrderMarkov { get; } = new() { Name = "markov-1", Order = 1, ConditionOnIdleTime = false };

    /// <summary>Gets the default model: <c>markov-3</c>, <see cref="Order"/> 3 with backoff, conditioned on the idle time.</summary>
    public static NextStepOptions Default { get; } = new();

    /// <summary>Gets the model's name in backtests and output. The default value is <c>markov-3</c>.</summary>
    public string Name { get; init; } = "markov-" + DefaultOrder.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets how many of the latest touchpoints the prediction looks at, 1 to <see cref="MaxOrder"/>. The default value is <see cref="DefaultOrder"/>.</summary>
    public int Order { get; init; } = DefaultOrder;

    /// <summary>
    /// Gets whether the next touchpoint of a run idle for e since its latest event is predicted from the transitions that came
    /// more than e after their context's event only (the quicker ones can no longer be next). The default value is true.
    /// </summary>
    public bool ConditionOnIdleTime { get; init; } = true;

    /// <summary>Gets β, the weight of the shorter context in the interpolation; 0 gives the plain frequencies of the longest context seen. The default value is 1.</summary>
    public double Smoothing { get; init; } = 1;

    /// <summary>Gets how many next touchpoints a prediction lists, most likely first. The default value is 3.</summary>
    public int TopCount { get; init; } = 3;

    /// <summary>Gets the fewest samples a context needs for its own remaining-time curve; with fewer the shorter context's is used. The default value is 100.</summary>
    public int MinTimeSamples { get; init; } = 100;

    /// <summary>Gets the quantile of the remaining time that is the interval's lower end. The default value is 0.1.</summary>
    public double LowerQuantile { get; init; } = 0.1;

    /// <summary>Gets the quantile of the remaining time that is the interval's upper end (above <see cref="LowerQuantile"/>). The default value is 0.9.</summary>
    public double UpperQuantile { get; init; } = 0.9;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name, nameof(Name));
        ArgumentOutOfRangeException.ThrowIfLessThan(Order, 1, nameof(Order));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Order, MaxOrder, nameof(Order));
        if (!(Smoothing >= 0) || double.IsInfinity(Smoothing))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "The smoothing must be a finite number at or above 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(TopCount, 1, nameof(TopCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinTimeSamples, 1, nameof(MinTimeSamples));
        if (!(LowerQuantile > 0 && LowerQuantile < UpperQuantile && UpperQuantile < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LowerQuantile), LowerQuantile, $"The quantiles must satisfy 0 < lower < upper < 1; got {LowerQuantile} and {UpperQuantile}.");
        }
    }
}
