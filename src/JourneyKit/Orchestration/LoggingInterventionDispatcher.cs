using System.Collections.Concurrent;
using JourneyKit.Orchestration.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JourneyKit.Orchestration;

/// <summary>Writes each intervention to a logger (event id 3003) and acknowledges it. The default dispatcher.</summary>
/// <remarks><threadsafety>Thread-safe.</threadsafety></remarks>
public sealed class LoggingInterventionDispatcher : InterventionDispatcher
{
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="logger">The logger, or null for none.</param>
    public LoggingInterventionDispatcher(ILogger<LoggingInterventionDispatcher>? logger = null) => _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <inheritdoc/>
    public override Task DispatchAsync(Intervention intervention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        cancellationToken.ThrowIfCancellationRequested();
        Log.InterventionSent(_logger, intervention.Name, intervention.CustomerId, intervention.Channel.Name, intervention.Rule, intervention.IdempotencyKey);
        return Task.CompletedTask;
    }
}
