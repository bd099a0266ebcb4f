using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// What a <see cref="FittedRiskModel"/> is asked: the runs open at an instant, evaluated from the events up to it, and those
/// events (for features the runs do not keep, such as event attributes).
/// </summary>
/// <remarks><threadsafety>Immutable and thread-safe.</threadsafety></remarks>
public sealed class RiskQuery
{
    private readonly int[] _rows;

    /// <summary>Creates a query.</summary>
    /// <param name="evaluator">The evaluator the runs were evaluated with.</param>
    /// <param name="events">The events, all at or before <paramref name="asOf"/>.</param>
    /// <param name="asOf">The instant of the prediction.</param>
    /// <param name="horizon">The horizon of <see cref="RiskTarget.NotProgressing"/>; positive.</param>
    /// <param name="runs">The runs to predict for, each evaluated from <paramref name="events"/> (its customer must have events there).</param>
    /// <exception cref="ArgumentException"><paramref name="events"/> holds an event after <paramref name="asOf"/>, or a run's customer has no events.</exception>
    public RiskQuery(JourneyEvaluator evaluator, EventBatch events, DateTimeOffset asOf, TimeSpan horizon, IReadOnlyList<JourneyInstance> runs)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(horizon, TimeSpan.Zero);
        if (events.LatestTimestamp is { } latest && latest > asOf)
        {
            throw new ArgumentException($"The events must end at the instant {asOf:O}; the latest is at {latest:O} (cut them with EventBatch.Until).", nameof(events));
        }

        var runOf = new Dictionary<int, int>(events.CustomerCount);
        for (int r = 0; r < events.CustomerCount; r++)
        {
            runOf[events.CustomerOfRun(r)] = r;
        }

        _rows = new int[runs.Count];
        for (int i = 0; i < runs.Count; i++)
        {
            if (!events.Customers.TryGetId(runs[i].CustomerId, out int customer) || !runOf.TryGetValue(customer, out int run))
            {
                throw new ArgumentException($"Customer '{runs[i].CustomerId}' has no events in the batch.", nameof(runs));
            }

            _rows[i] = run;
        }

        Evaluator = evaluator;
        Events = events;
        AsOf = asOf;
        Horizon = horizon;
        Runs = runs;
    }

    /// <summary>Gets the compiled journey.</summary>
    public CompiledJourney Journey => Evaluator.Journey;

    /// <summary>Gets the evaluator the runs were evaluated with.</summary>
    public JourneyEvaluator Evaluator { get; }

    /// <summary>Gets the events, all at or before <see cref="AsOf"/>.</summary>
    public EventBatch Events { get; }

    /// <summary>Gets the instant of the prediction.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Gets the horizon of <see cref="RiskTarget.NotProgressing"/>.</summary>
    public TimeSpan Horizon { get; }

    /// <summary>Gets the runs to predict for: open at <see cref="AsOf"/>, in a stage with a later designed stage.</summary>
    public IReadOnlyList<JourneyInstance> Runs { get; }

    /// <summary>Gets the rows of <see cref="Events"/> that belong to run <paramref name="index"/>'s customer.</summary>
    /// <param name="index">The run's index in <see cref="Runs"/>.</param>
    /// <returns>The first row and the row after the last.</returns>
    public (int Start, int End) EventRows(int index)
    {
        int run = _rows[index];
        return (Events.CustomerStarts[run], Events.CustomerStarts[run + 1]);
    }
}
