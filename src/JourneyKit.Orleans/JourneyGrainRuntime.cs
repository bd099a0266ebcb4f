using JourneyKit.Orchestration;
using JourneyKit.Storage;
using Microsoft.Extensions.Logging;

namespace JourneyKit.Orleans;

/// <summary>
/// What the journey grains of a silo share: the steps (one per journey id), the store, the outbox dispatcher and the
/// clock. Register one as a singleton in each silo (<see cref="JourneyOrleansServiceCollectionExtensions.AddJourneyGrains"/>).
/// </summary>
/// <threadsafety>Thread-safe.</threadsafety>
public sealed class JourneyGrainRuntime
{
    private readonly Dictionary<string, JourneyStep> _steps = new(StringComparer.Ordinal);

    /// <summary>Creates the runtime.</summary>
    /// <param name="steps">The steps, one per journey id.</param>
    /// <param name="store">The store every silo uses (events and instance states; the ETags keep silos consistent).</param>
    /// <param name="dispatcher">The intervention dispatcher.</param>
    /// <param name="options">The options, or null for defaults.</param>
    /// <param name="timeProvider">The clock, or null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger, or null.</param>
    /// <exception cref="ArgumentException">Two steps share a journey id, or there is none.</exception>
    public JourneyGrainRuntime(IEnumerable<JourneyStep> steps, JourneyStore store, InterventionDispatcher dispatcher, JourneyGrainOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dispatcher);
        foreach (JourneyStep step in steps)
        {
            if (!_steps.TryAdd(step.Journey.Journey.Id, step))
            {
                throw new ArgumentException($"Two steps for journey '{step.Journey.Journey.Id}'.", nameof(steps));
            }
        }

        if (_steps.Count == 0)
        {
            throw new ArgumentException("At least one step is needed.", nameof(steps));
        }

        Store = store;
        Options = options ?? new JourneyGrainOptions();
        Options.Validate();
        TimeProvider = timeProvider ?? TimeProvider.System;
        JourneyStep first = _steps.Values.First();
        Outbox = new OutboxDispatcher(dispatcher, new RetryBackoff(first.Options.DispatchRetryDelay, first.Options.MaxDispatchRetryDelay, first.Options.DispatchRetryJitter), logger);
    }

    /// <summary>Gets the store.</summary>
    public JourneyStore Store { get; }

    /// <summary>Gets the outbox dispatcher.</summary>
    public OutboxDispatcher Outbox { get; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the options.</summary>
    public JourneyGrainOptions Options { get; }

    /// <summary>Gets the step of a journey.</summary>
    /// <param name="journeyId">The journey id.</param>
    /// <returns>The step.</returns>
    /// <exception cref="KeyNotFoundException">No step for the journey.</exception>
    public JourneyStep GetStep(string journeyId) =>
        _steps.TryGetValue(journeyId, out JourneyStep? step) ? step : throw new KeyNotFoundException($"No journey '{journeyId}' is registered with the grain runtime.");
}
