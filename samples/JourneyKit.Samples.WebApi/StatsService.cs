using JourneyKit.Events;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;

namespace JourneyKit.Samples.WebApi;

/// <summary>Live journey stats, evaluated from the event log (cached for 2 seconds) plus the dispatcher's counters.</summary>
public sealed class StatsService(JourneyEngine engine, ScoringModel scoring, SampleDispatcher dispatcher)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, object Value)? _cached;

    /// <summary>Gets the stats.</summary>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>A JSON result.</returns>
    public async Task<IResult> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            DateTimeOffset now = engine.TimeProvider.GetUtcNow();
            if (_cached is not { } c || now - c.At > TimeSpan.FromSeconds(2))
            {
                c = (now, await ComputeAsync(now, cancellationToken));
                _cached = c;
            }

            return Results.Ok(c.Value);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<object> ComputeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        EventBatch batch = (await engine.Store.Events.ReadBatchAsync(cancellationToken: cancellationToken)).Until(now); // one as-of rule: events after now are ignored
        IReadOnlyList<JourneyInstance> instances = engine.Evaluator.Evaluate(batch);
        var byStage = new int[engine.Journey.Stages.Length];
        var stuckByStage = new int[byStage.Length];
        var states = new int[(int)LifecycleState.Failed + 1];
        double scoreSum = 0;
        foreach (JourneyInstance instance in instances)
        {
            JourneyStatus status = engine.Evaluator.GetStatus(instance, now);
            if (instance.CurrentStage >= 0)
            {
                byStage[instance.CurrentStage]++;
                if (status.IsStuck)
                {
                    stuckByStage[instance.CurrentStage]++;
                }
            }

            states[(int)status.State]++;
            scoreSum += scoring.Score(engine.Evaluator, instance, now).Value;
        }

        return new
        {
            asOf = now,
            journey = engine.Journey.Journey.Id,
            events = batch.Count,
            customers = instances.Count,
            states = new // exclusive: they add up to customers
            {
                inProgress = states[(int)LifecycleState.InProgress],
                stuck = states[(int)LifecycleState.Stuck],
                dormant = states[(int)LifecycleState.Dormant],
                converted = states[(int)LifecycleState.Converted],
                failed = states[(int)LifecycleState.Failed],
            },
            meanScore = instances.Count == 0 ? 0 : Math.Round(scoreSum / instances.Count, 1),
            stages = engine.Journey.Stages.Select((s, i) => new { stage = s.Id, customers = byStage[i], stuck = stuckByStage[i] }),
            interventions = new
            {
                dispatched = dispatcher.Dispatched,
                recent = dispatcher.Recent.Select(r => new { r.CustomerId, r.Name, r.Rule, channel = r.Channel.Name, r.Occurrence }),
            },
        };
    }
}
