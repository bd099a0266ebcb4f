using System.Collections.Concurrent;
using System.Diagnostics;
using JourneyKit.Orchestration.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyKit.Orchestration;

/// <summary>
/// Delivers the due entries of customers' outboxes through an <see cref="InterventionDispatcher"/> and says what to
/// record: acknowledged, or failed with the next attempt after a <see cref="RetryBackoff"/> delay. Drivers
/// (<see cref="JourneyEngine"/>, the Orleans grain) record the outcomes with <see cref="JourneyStep.RecordDispatch"/>.
/// </summary>
/// <remarks>
/// An entry being dispatched through this object is <em>claimed</em> until the returned
/// <see cref="OutboxDispatch"/> is disposed — dispose it after the outcomes are saved — so a concurrent call of the same
/// driver does not send it again. Delivery is at least once: an intervention whose acknowledgement was not saved is
/// sent again, with the same <see cref="Intervention.IdempotencyKey"/>.
/// <threadsafety>Thread-safe.</threadsafety>
/// </remarks>
public sealed class OutboxDispatcher
{
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    /// <summary>Creates an outbox dispatcher.</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="backoff">The backoff of failed attempts (seeded by idempotency key).</param>
    /// <param name="logger">The logger, or null.</param>
    public OutboxDispatcher(InterventionDispatcher dispatcher, RetryBackoff backoff, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(backoff);
        Dispatcher = dispatcher;
        Backoff = backoff;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the dispatcher.</summary>
    public InterventionDispatcher Dispatcher { get; }

    /// <summary>Gets the backoff.</summary>
    public RetryBackoff Backoff { get; }

    /// <summary>
    /// Dispatches the outbox entries of <paramref name="state"/> due at <paramref name="now"/> that are not claimed by
    /// another call, one at a time, oldest first.
    /// </summary>
    /// <param name="state">The customer's state, as saved.</param>
    /// <param name="now">The instant: entries whose next attempt is later are skipped; a failure's next attempt is
    /// <c>now</c> plus the backoff for its attempt number.</param>
    /// <param name="cancellationToken">Cancels; an entry whose dispatch was cancelled has no outcome.</param>
    /// <returns>The outcomes, holding the claims until disposed.</returns>
    public async Task<OutboxDispatch> DispatchDueAsync(CustomerState state, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var dispatch = new OutboxDispatch(_inFlight);
        try
        {
            long ticks = now.UtcTicks;
            foreach (OutboxEntry entry in state.OutboxList)
            {
                Intervention intervention = entry.Intervention;
                if (entry.NextAttemptTicks > ticks || !dispatch.TryClaim(intervention.IdempotencyKey))
                {
                    continue; // not due, or being dispatched by a concurrent call
                }

                using Activity? activity = OrchestrationTelemetry.ActivitySource.StartActivity("JourneyKit.Dispatch");
                activity?.SetTag("journeykit.intervention", intervention.Name);
                activity?.SetTag("journeykit.idempotency_key", intervention.IdempotencyKey);
                try
                {
                    await Dispatcher.DispatchAsync(intervention, cancellationToken).ConfigureAwait(false);
                    dispatch.Add(new DispatchOutcome(intervention.IdempotencyKey, true, entry.Attempts, now));
                    OrchestrationTelemetry.InterventionsDispatched.Add(1, OrchestrationTelemetry.Journey(intervention.JourneyId));
                    Log.InterventionDispatched(_logger, intervention.Name, state.CustomerId, intervention.IdempotencyKey);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    int attempts = entry.Attempts + 1;
                    DateTimeOffset next = now + Backoff.GetDelay(attempts, RetryBackoff.Seed(intervention.IdempotencyKey));
                    dispatch.Add(new DispatchOutcome(intervention.IdempotencyKey, false, attempts, next));
                    OrchestrationTelemetry.InterventionsFailed.Add(1, OrchestrationTelemetry.Journey(intervention.JourneyId));
                    activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                    Log.DispatchFailed(_logger, e, intervention.Name, state.CustomerId, attempts, next);
                }
            }

            return dispatch;
        }
        catch
        {
            dispatch.Dispose();
            throw;
        }
    }
}
