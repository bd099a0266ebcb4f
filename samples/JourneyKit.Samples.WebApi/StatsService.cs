using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;

namespace JourneyKit.Samples.WebApi;

/// <summary>
/// Live journey stats kept up to date incrementally: every state the engine saves (<see cref="JourneyEngine.StatesSaved"/>)
/// replaces that customer's small summary (stage, stage deadline, last event, goal/failed, events, score) and moves the
/// counters; an erasure removes it. <c>/stats</c> reads no events and evaluates nothing: it adds the counters up and
/// judges each open customer's time-dependent state (stuck, dormant) from its summary as of now — memory is one summary
/// per customer, whatever the number of events. At start-up the summaries are read once from the stored states.
/// </summary>
public sealed class StatsService : IHostedService
{
    private readonly JourneyEngine _engine;
    private readonly ScoringModel _scoring;
    private readonly SampleDispatcher _dispatcher;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Summary> _customers = new(StringComparer.Ordinal);
    private readonly int[] _byStage;
    private readonly long _inactivityTicks;
    private long _events;
    private double _scoreSum;

    /// <summary>Creates the service and subscribes to the engine's saves.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="scoring">The scoring model (the score of each customer as of its last event).</param>
    /// <param name="dispatcher">The dispatcher (its counters).</param>
    public StatsService(JourneyEngine engine, ScoringModel scoring, SampleDispatcher dispatcher)
    {
        _engine = engine;
        _scoring = scoring;
        _dispatcher = dispatcher;
        _byStage = new int[engine.Journey.Stages.Length];
        _inactivityTicks = engine.Evaluator.Options.InactivityPeriod.Ticks;
        engine.StatesSaved += (_, e) => Apply(e.States);
    }

    /// <summary>A customer's summary: what the stats need of its state.</summary>
    /// <param name="Stage">The current stage, or -1.</param>
    /// <param name="StuckAtTicks">When it becomes stuck in the stage (stuck strictly after), or null.</param>
    /// <param name="LastEventTicks">Its latest event.</param>
    /// <param name="Events">Its events (all runs).</param>
    /// <param name="Goal">Reached the goal.</param>
    /// <param name="Failed">Reached a failure stage.</param>
    /// <param name="Score">Its score as of its latest event.</param>
    public readonly record struct Summary(int Stage, long? StuckAtTicks, long LastEventTicks, int Events, bool Goal, bool Failed, double Score)
    {
        /// <summary>The lifecycle state as of <paramref name="nowTicks"/> (or its latest event when that is later),
        /// by the evaluator's table: converted, failed, dormant (idle ≥ inactivity), stuck (past the stage's standard
        /// time), in progress.</summary>
        /// <param name="nowTicks">Now.</param>
        /// <param name="inactivityTicks">The inactivity period.</param>
        /// <returns>The state.</returns>
        public LifecycleState StateAt(long nowTicks, long inactivityTicks)
        {
            long asOf = Math.Max(nowTicks, LastEventTicks);
            return Events == 0 ? LifecycleState.NotStarted
                : Goal ? LifecycleState.Converted
                : Failed ? LifecycleState.Failed
                : asOf - LastEventTicks >= inactivityTicks ? LifecycleState.Dormant
                : StuckAtTicks is { } stuck && asOf > stuck ? LifecycleState.Stuck
                : LifecycleState.InProgress;
        }
    }

    /// <summary>Summarises an instance as the stats use it.</summary>
    /// <param name="state">The customer's state.</param>
    /// <returns>The summary.</returns>
    public Summary Summarize(CustomerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        JourneyInstance instance = state.Instance;
        int events = instance.EventCount;
        foreach (JourneyInstance run in state.FinishedRuns)
        {
            events += run.EventCount;
        }

        double score = instance.EventCount == 0 ? 0 : _scoring.Score(_engine.Evaluator, instance, new DateTimeOffset(instance.LastEventTicks, TimeSpan.Zero)).Value;
        return new Summary(instance.CurrentStage, _engine.Evaluator.StuckAt(instance)?.UtcTicks, instance.LastEventTicks, events, instance.GoalReached, instance.Failed, score);
    }

    /// <summary>Removes an erased customer.</summary>
    /// <param name="customerId">The customer.</param>
    public void Forget(string customerId)
    {
        lock (_gate)
        {
            if (_customers.Remove(customerId, out Summary old))
            {
                Count(old, -1);
            }
        }
    }

    /// <summary>Reads every stored state once (customers from the event log, states in batches of 500).</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var batch = new List<string>(500);
        string? last = null;
        await foreach (JourneyKit.Events.JourneyEvent e in _engine.Store.Events.ScanAsync(cancellationToken: cancellationToken))
        {
            if (e.CustomerId != last)
            {
                last = e.CustomerId;
                batch.Add(last);
                if (batch.Count == 500)
                {
                    await SeedAsync(batch, cancellationToken);
                }
            }
        }

        await SeedAsync(batch, cancellationToken);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Gets the stats.</summary>
    /// <returns>A JSON result.</returns>
    public IResult Get()
    {
        DateTimeOffset now = _engine.TimeProvider.GetUtcNow();
        var stuckByStage = new int[_byStage.Length];
        var byStage = new int[_byStage.Length];
        var states = new int[(int)LifecycleState.Failed + 1];
        int customers;
        long events;
        double scoreSum;
        lock (_gate)
        {
            customers = _customers.Count;
            events = _events;
            scoreSum = _scoreSum;
            Array.Copy(_byStage, byStage, byStage.Length);
            foreach (Summary s in _customers.Values)
            {
                LifecycleState state = s.StateAt(now.UtcTicks, _inactivityTicks);
                states[(int)state]++;
                if (state == LifecycleState.Stuck && s.Stage >= 0)
                {
                    stuckByStage[s.Stage]++;
                }
            }
        }

        return Results.Ok(new
        {
            asOf = now,
            journey = _engine.Journey.Journey.Id,
            events,
            customers,
            states = new // exclusive: they add up to customers
            {
                inProgress = states[(int)LifecycleState.InProgress],
                stuck = states[(int)LifecycleState.Stuck],
                dormant = states[(int)LifecycleState.Dormant],
                converted = states[(int)LifecycleState.Converted],
                failed = states[(int)LifecycleState.Failed],
            },
            meanScore = customers == 0 ? 0 : Math.Round(scoreSum / customers, 1),
            stages = _engine.Journey.Stages.Select((s, i) => new { stage = s.Id, customers = byStage[i], stuck = stuckByStage[i] }),
            interventions = new
            {
                dispatched = _dispatcher.Dispatched,
                recent = _dispatcher.Recent.Select(r => new { r.CustomerId, r.Name, r.Rule, channel = r.Channel.Name, r.Occurrence }),
            },
        });
    }

    private async Task SeedAsync(List<string> customers, CancellationToken cancellationToken)
    {
        if (customers.Count == 0)
        {
            return;
        }

        IReadOnlyList<StoredState?> stored = await _engine.Store.Instances.GetManyAsync(_engine.Journey.Journey.Id, customers, cancellationToken);
        foreach (StoredState? s in stored)
        {
            if (s is not null)
            {
                Summary summary = Summarize(CustomerState.Deserialize(s.State.Span));
                lock (_gate)
                {
                    if (_customers.TryAdd(s.CustomerId, summary)) // a save since start-up is newer: keep it
                    {
                        Count(summary, +1);
                    }
                }
            }
        }

        customers.Clear();
    }

    private void Apply(IReadOnlyList<CustomerState> saved)
    {
        var summaries = new Summary[saved.Count];
        for (int i = 0; i < summaries.Length; i++)
        {
            summaries[i] = Summarize(saved[i]);
        }

        lock (_gate)
        {
            for (int i = 0; i < summaries.Length; i++)
            {
                if (_customers.TryGetValue(saved[i].CustomerId, out Summary old))
                {
                    Count(old, -1);
                }

                _customers[saved[i].CustomerId] = summaries[i];
                Count(summaries[i], +1);
            }
        }
    }

    private void Count(Summary s, int sign)
    {
        if (s.Stage >= 0)
        {
            _byStage[s.Stage] += sign;
        }

        _events += sign * s.Events;
        _scoreSum += sign * s.Score;
    }
}
