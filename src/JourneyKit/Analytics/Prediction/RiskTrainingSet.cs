using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// What a <see cref="RiskModelTrainer"/> may learn from: a journey and its events up to a cut-off — never after it — with the
/// horizon of the <see cref="RiskTarget.NotProgressing"/> target and a seed.
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public sealed class RiskTrainingSet
{
    /// <summary>Creates a training set.</summary>
    /// <param name="evaluator">The evaluator (journey and evaluation options) the runs are judged with.</param>
    /// <param name="events">The events, all at or before <paramref name="cutoff"/> (cut them with <see cref="EventBatch.Until"/>).</param>
    /// <param name="cutoff">The cut-off: the instant the model is fitted at.</param>
    /// <param name="horizon">The horizon of <see cref="RiskTarget.NotProgressing"/>; positive.</param>
    /// <param name="seed">The seed for anything random in fitting; the same seed gives the same model.</param>
    /// <exception cref="ArgumentException"><paramref name="events"/> holds an event after <paramref name="cutoff"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="horizon"/> is not positive.</exception>
    public RiskTrainingSet(JourneyEvaluator evaluator, EventBatch events, DateTimeOffset cutoff, TimeSpan horizon, int seed)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(horizon, TimeSpan.Zero);
        if (events.LatestTimestamp is { } latest && latest > cutoff)
        {
            throw new ArgumentException($"The training events must end at the cut-off {cutoff:O}; the latest is at {latest:O} (cut them with EventBatch.Until).", nameof(events));
        }

        Evaluator = evaluator;
        Events = events;
        Cutoff = cutoff;
        Horizon = horizon;
        Seed = seed;
    }

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey => Evaluator.Journey;

    /// <summary>Gets the evaluator the runs are judged with.</summary>
    public JourneyEvaluator Evaluator { get; }

    /// <summary>Gets the events, all at or before <see cref="Cutoff"/>.</summary>
    public EventBatch Events { get; }

    /// <summary>Gets the cut-off.</summary>
    public DateTimeOffset Cutoff { get; }

    /// <summary>Gets the horizon of <see cref="RiskTarget.NotProgressing"/>.</summary>
    public TimeSpan Horizon { get; }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; }

    /// <summary>
    /// Gets earlier instants to learn from, whose whole horizon lies before the cut-off: <see cref="Cutoff"/> − <see cref="Horizon"/>,
    /// then every <paramref name="spacing"/> before it, newest first, while after the first event; at most
    /// <paramref name="maxCount"/>.
    /// </summary>
    /// <param name="spacing">The time between landmarks; positive.</param>
    /// <param name="maxCount">The most landmarks; positive.</param>
    /// <returns>The landmarks (empty when the data starts after <see cref="Cutoff"/> − <see cref="Horizon"/>).</returns>
    public IReadOnlyList<DateTimeOffset> Landmarks(TimeSpan spacing, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(spacing, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return LandmarksAfter(Events.EarliestTimestamp, Cutoff, Horizon, spacing, maxCount);
    }

    /// <summary>The landmarks of <see cref="Landmarks"/> for data starting at <paramref name="first"/> (none when null).</summary>
    internal static List<DateTimeOffset> LandmarksAfter(DateTimeOffset? first, DateTimeOffset cutoff, TimeSpan horizon, TimeSpan spacing, int maxCount)
    {
        var landmarks = new List<DateTimeOffset>();
        if (first is not { } start)
        {
            return landmarks;
        }

        for (DateTimeOffset l = cutoff - horizon; l > start && landmarks.Count < maxCount; l -= spacing)
        {
            landmarks.Add(l);
        }

        return landmarks;
    }
}
