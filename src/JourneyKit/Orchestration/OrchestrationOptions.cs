using JourneyKit.Orchestration.Internal;
using JourneyKit.Scoring;

namespace JourneyKit.Orchestration;

/// <summary>Options of a <see cref="JourneyStep"/> (firing policy) and of the drivers that run it (<see cref="JourneyEngine"/>). Defaults are in <see cref="OrchestrationDefaults"/>.</summary>
public sealed class OrchestrationOptions
{
    /// <summary>Gets how many times a save that lost an optimistic-concurrency race is retried from fresh state.</summary>
    /// <value>At least 1. The default value is 16.</value>
    public int MaxConflictRetries { get; init; } = OrchestrationDefaults.MaxConflictRetries;

    /// <summary>Gets how many due customers one scheduler query fetches.</summary>
    /// <value>Positive. The default value is 256.</value>
    public int DueBatchSize { get; init; } = OrchestrationDefaults.DueBatchSize;

    /// <summary>Gets the delay before the first retry of a failed dispatch; it doubles per attempt up to <see cref="MaxDispatchRetryDelay"/>.</summary>
    /// <value>Positive. The default value is 1 second.</value>
    public TimeSpan DispatchRetryDelay { get; init; } = OrchestrationDefaults.DispatchRetryDelay;

    /// <summary>Gets the longest delay between dispatch retries.</summary>
    /// <value>At least <see cref="DispatchRetryDelay"/>. The default value is 5 minutes.</value>
    public TimeSpan MaxDispatchRetryDelay { get; init; } = OrchestrationDefaults.MaxDispatchRetryDelay;

    /// <summary>
    /// Gets the largest fraction a dispatch retry delay is shortened by, at random per intervention and attempt (see
    /// <see cref="RetryBackoff"/>), so many customers' retries after a receiver outage do not all come at once.
    /// </summary>
    /// <value>In [0, 1]. The default value is 0 (no jitter: exactly <see cref="DispatchRetryDelay"/>, twice that, …).</value>
    public double DispatchRetryJitter { get; init; }

    /// <summary>Gets the most interventions per customer per <see cref="FrequencyCapPeriod"/> over all rules, or 0 for no cap.</summary>
    /// <value>Zero or positive. The default value is 0.</value>
    public int MaxInterventionsPerCustomer { get; init; }

    /// <summary>Gets the period of <see cref="MaxInterventionsPerCustomer"/> (sliding, by occurrence time).</summary>
    /// <value>Positive. The default value is 1 day.</value>
    public TimeSpan FrequencyCapPeriod { get; init; } = OrchestrationDefaults.FrequencyCapPeriod;

    /// <summary>Gets the most interventions recorded for one customer in one evaluation (highest priority first).</summary>
    /// <value>Positive. The default value is <see cref="int.MaxValue"/>.</value>
    public int MaxInterventionsPerEvaluation { get; init; } = int.MaxValue;

    /// <summary>Gets how often a risk rule is re-checked when the estimator cannot say when the threshold will be reached.</summary>
    /// <value>Positive. The default value is 1 hour.</value>
    public TimeSpan RiskRecheckInterval { get; init; } = OrchestrationDefaults.RiskRecheckInterval;

    /// <summary>Gets the risk estimator for <see cref="Model.RuleTriggerKind.RiskAtLeast"/> rules.</summary>
    /// <value>The default value is <see cref="StandardTimeRiskEstimator.Instance"/>.</value>
    public RiskEstimator RiskEstimator { get; init; } = StandardTimeRiskEstimator.Instance;

    /// <summary>Gets how many customers of one ingest batch or tick are read and evaluated concurrently (saves stay one batch).</summary>
    /// <value>At least 1. The default value is 4.</value>
    public int MaxDegreeOfParallelism { get; init; } = OrchestrationDefaults.MaxDegreeOfParallelism;

    /// <summary>Gets how many handled occurrence keys each customer's state remembers (oldest forgotten first).</summary>
    /// <value>At least 16. The default value is 256.</value>
    public int HandledOccurrenceCapacity { get; init; } = OrchestrationDefaults.HandledOccurrenceCapacity;

    /// <summary>
    /// Gets how many finished runs each customer's state keeps (journeys with re-entry; the oldest is forgotten first,
    /// the current run is always kept). See <see cref="CustomerState.FinishedRuns"/>.
    /// </summary>
    /// <value>Zero or positive. The default value is 16.</value>
    public int FinishedRunCapacity { get; init; } = OrchestrationDefaults.FinishedRunCapacity;

    /// <summary>Gets what happens to runs that started under an earlier journey version.</summary>
    /// <value>The default value is <see cref="JourneyVersionPolicy.Move"/>.</value>
    public JourneyVersionPolicy VersionPolicy { get; init; }

    /// <summary>Gets the stage mappings from earlier versions (at most one per earlier version); see <see cref="JourneyVersionMigration"/>.</summary>
    /// <value>The default value is empty (stages map by id).</value>
    public IReadOnlyList<JourneyVersionMigration> Migrations { get; init; } = [];

    internal void Validate()
    {
        var problems = new List<string>();
        if (MaxConflictRetries < 1)
        {
            problems.Add($"MaxConflictRetries must be at least 1; got {MaxConflictRetries}.");
        }

        if (DueBatchSize < 1)
        {
            problems.Add($"DueBatchSize must be positive; got {DueBatchSize}.");
        }

        if (DispatchRetryDelay <= TimeSpan.Zero)
        {
            problems.Add($"DispatchRetryDelay must be positive; got {DispatchRetryDelay}.");
        }

        if (MaxDispatchRetryDelay < DispatchRetryDelay)
        {
            problems.Add($"MaxDispatchRetryDelay must be at least DispatchRetryDelay; got {MaxDispatchRetryDelay}.");
        }

        if (!(DispatchRetryJitter >= 0 && DispatchRetryJitter <= 1))
        {
            problems.Add($"DispatchRetryJitter must be in [0, 1]; got {DispatchRetryJitter}.");
        }

        if (MaxInterventionsPerCustomer < 0)
        {
            problems.Add($"MaxInterventionsPerCustomer must not be negative; got {MaxInterventionsPerCustomer}.");
        }

        if (FrequencyCapPeriod <= TimeSpan.Zero)
        {
            problems.Add($"FrequencyCapPeriod must be positive; got {FrequencyCapPeriod}.");
        }

        if (MaxInterventionsPerEvaluation < 1)
        {
            problems.Add($"MaxInterventionsPerEvaluation must be positive; got {MaxInterventionsPerEvaluation}.");
        }

        if (RiskRecheckInterval <= TimeSpan.Zero)
        {
            problems.Add($"RiskRecheckInterval must be positive; got {RiskRecheckInterval}.");
        }

        if (RiskEstimator is null)
        {
            problems.Add("RiskEstimator must not be null.");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            problems.Add($"MaxDegreeOfParallelism must be at least 1; got {MaxDegreeOfParallelism}.");
        }

        if (HandledOccurrenceCapacity < 16)
        {
            problems.Add($"HandledOccurrenceCapacity must be at least 16; got {HandledOccurrenceCapacity}.");
        }

        if (Migrations is null)
        {
            problems.Add("Migrations must not be null.");
        }

        if (FinishedRunCapacity < 0)
        {
            problems.Add($"FinishedRunCapacity must not be negative; got {FinishedRunCapacity}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(OrchestrationMessages.InvalidOptions(problems));
        }
    }
}
