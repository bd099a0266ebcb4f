using JourneyKit.Analytics.Prediction.Internal;
using JourneyKit.Events;
using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>
/// Finds the runs that were open at earlier instants (landmarks) and labels what became of them — the training examples of
/// a risk model that never look past the data they are given. Each customer's events stream through
/// <see cref="JourneyEvaluator.Advance"/> once; at each landmark every open run in a predictable stage (a non-terminal
/// designed stage with a later one) is a sample, judged exactly as <see cref="JourneyEvaluator.GetStatus(JourneyInstance, DateTimeOffset)"/>
/// judges the run evaluated from the events at or before the landmark.
/// </summary>
/// <remarks>
/// <para>With re-entry (<see cref="Model.Journey.Reentry"/>) a customer has several runs; each sample belongs to the run open at
/// its landmark and is labelled from that run alone.</para>
/// <threadsafety>Thread-safe (no shared state).</threadsafety>
/// </remarks>
public static class OpenRunSampler
{
    /// <summary>Samples the runs open at each landmark and labels them from the events up to <paramref name="observedUntil"/>.</summary>
    /// <param name="evaluator">The evaluator.</param>
    /// <param name="events">The events; those after <paramref name="observedUntil"/> are ignored.</param>
    /// <param name="landmarks">The instants; those after <paramref name="observedUntil"/> are ignored.</param>
    /// <param name="horizon">The horizon of <see cref="RiskTarget.NotProgressing"/>; positive.</param>
    /// <param name="observedUntil">The end of the observation (for training: the cut-off).</param>
    /// <param name="visitor">Called with each run as of its landmark, to read features the sample does not keep; or null.</param>
    /// <returns>The samples, by customer run and then landmark, with their labels.</returns>
    public static IReadOnlyList<OpenRunSample> Sample(JourneyEvaluator evaluator, EventBatch events, IReadOnlyList<DateTimeOffset> landmarks, TimeSpan horizon, DateTimeOffset observedUntil, OpenRunVisitor? visitor = null)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(landmarks);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(horizon, TimeSpan.Zero);
        long until = observedUntil.UtcTicks;
        long h = horizon.Ticks;
        var marks = new List<long>(landmarks.Count);
        foreach (DateTimeOffset l in landmarks)
        {
            if (l.UtcTicks <= until && !marks.Contains(l.UtcTicks))
            {
                marks.Add(l.UtcTicks);
            }
        }

        marks.Sort();
        var order = new DesignedOrder(evaluator.Journey);
        var samples = new List<OpenRunSample>();
        var pending = new List<(int Index, int Stage, long Landmark, bool Progressed)>();
        ReadOnlySpan<int> starts = events.CustomerStarts;
        ReadOnlySpan<long> ticks = events.TimestampTicks;
        for (int run = 0; run < events.CustomerCount; run++)
        {
            string customer = events.Customers[events.CustomerOfRun(run)];
            JourneyInstance instance = evaluator.CreateInstance(customer);
            pending.Clear();
            int k = 0, row = starts[run];
            for (; row < starts[run + 1] && ticks[row] <= until; row++)
            {
                while (k < marks.Count && marks[k] < ticks[row])
                {
                    Snap(marks[k++], row);
                }

                int visits = instance.Visits.Count;
                JourneyInstance next = evaluator.Advance(instance, events.GetEvent(row));
                if (!ReferenceEquals(next, instance))
                {
                    Resolve(instance); // the event starts a new run (re-entry): the samples so far belong to the old one
                    (instance, visits) = (next, 0);
                }

                if (instance.Visits.Count > visits)
                {
                    for (int p = 0; p < pending.Count; p++)
                    {
                        (int index, int stage, long landmark, bool progressed) = pending[p];
                        if (!progressed && ticks[row] <= landmark + h && order.IsProgress(stage, instance.CurrentStage))
                        {
                            pending[p] = (index, stage, landmark, true);
                        }
                    }
                }
            }

            while (k < marks.Count)
            {
                Snap(marks[k++], row);
            }

            Resolve(instance);

            void Resolve(JourneyInstance run)
            {
                if (pending.Count == 0)
                {
                    return;
                }

                JourneyStatus end = evaluator.GetStatus(run, observedUntil);
                bool? missed = run.GoalReached ? false : end.IsOpen ? null : true;
                foreach ((int index, _, long landmark, bool progressed) in pending)
                {
                    bool? notProgressed = progressed ? false : landmark + h <= until || !end.IsOpen ? true : null;
                    samples[index] = samples[index] with { NotProgressed = notProgressed, MissedGoal = missed };
                }

                pending.Clear();
            }

            void Snap(long landmark, int endRow)
            {
                if (instance.EventCount == 0)
                {
                    return;
                }

                JourneyStatus status = evaluator.GetStatus(instance, new DateTimeOffset(landmark, TimeSpan.Zero));
                if (!status.IsOpen || !order.IsPredictable(status.Stage))
                {
                    return;
                }

                var sample = new OpenRunSample(customer, run, endRow, new DateTimeOffset(landmark, TimeSpan.Zero), status.Stage, status.TimeInStage, status.State, null, null);
                int index = samples.Count;
                samples.Add(sample);
                pending.Add((index, status.Stage, landmark, false));
                visitor?.Invoke(index, instance, sample);
            }
        }

        return samples;
    }
}
