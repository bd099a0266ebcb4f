using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>
/// Journey analytics as a journey manager reads them: the stage funnel (by persona, first channel and cohort), time in stage
/// against standard times, who is stuck now, dead ends, path variants and conformance, channel switches, Markov attribution,
/// and the risk of not progressing before the standard time is up. See docs/analytics.md for every definition.
/// </summary>
/// <remarks>
/// <para>Analyse a whole batch with <see cref="Analyze(EventBatch, DateTimeOffset)"/>, or partitions of customers with one
/// <see cref="JourneyAnalysisAccumulator"/> each (<see cref="CreateAccumulator(DateTimeOffset)"/>), merged with
/// <see cref="JourneyAnalysisAccumulator.Merge(JourneyAnalysisAccumulator)"/>: the result is the same.</para>
/// <threadsafety>The analyzer is thread-safe; an accumulator is not.</threadsafety>
/// </remarks>
public sealed class JourneyAnalyzer
{
    /// <summary>Creates an analyzer.</summary>
    /// <param name="journey">The compiled journey.</param>
    /// <param name="options">The options, or null for defaults.</param>
    public JourneyAnalyzer(CompiledJourney journey, AnalyticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(journey);
        options ??= new AnalyticsOptions();
        options.Validate();
        Journey = journey;
        Options = options;
        Evaluator = new JourneyEvaluator(journey, options.Evaluation);
    }

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey { get; }

    /// <summary>Gets the options.</summary>
    public AnalyticsOptions Options { get; }

    internal JourneyEvaluator Evaluator { get; }

    /// <summary>Creates an empty accumulator for one partition of customers.</summary>
    /// <param name="asOf">The instant stuck, dead ends and risk are judged at.</param>
    /// <returns>The accumulator.</returns>
    public JourneyAnalysisAccumulator CreateAccumulator(DateTimeOffset asOf) => new(this, asOf.UtcTicks);

    /// <summary>Analyses every customer of a batch as of its latest event (<see cref="EventBatch.LatestTimestamp"/>).</summary>
    /// <param name="batch">The events.</param>
    /// <returns>The analysis (as of <see cref="DateTimeOffset.MinValue"/> for an empty batch).</returns>
    public JourneyAnalysis Analyze(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Analyze(batch, batch.LatestTimestamp ?? DateTimeOffset.MinValue);
    }

    /// <summary>Analyses every customer of a batch as of an instant: events after it are ignored, and every run's lifecycle state is judged at it.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>The analysis.</returns>
    public JourneyAnalysis Analyze(EventBatch batch, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        JourneyAnalysisAccumulator accumulator = CreateAccumulator(asOf);
        accumulator.Add(batch);
        return accumulator.Build();
    }
}
