using JourneyKit.Scoring;

namespace JourneyKit.Analytics;

/// <summary>One run in a drill-down list (<see cref="JourneyAnalyzer.ListCustomers(Events.EventBatch, DateTimeOffset, CustomerFilter?)"/>).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Run">The run number (1 unless the journey allows re-entry).</param>
/// <param name="State">The lifecycle state at the analysis instant.</param>
/// <param name="StageId">The current stage, or null before any stage.</param>
/// <param name="FurthestStageId">The furthest designed (non-failure) stage, or null.</param>
/// <param name="TimeInStage">Time in the current stage at the instant.</param>
/// <param name="OverdueBy">Time past the stage's standard time (stuck runs), else zero.</param>
/// <param name="Persona">The persona, or null.</param>
/// <param name="FirstChannel">The first channel (<c>(none)</c> when unknown).</param>
/// <param name="Cohort">The ISO week of the run's first event.</param>
/// <param name="LastTouchpoint">The last touchpoint, or null.</param>
/// <param name="LastChannel">The last channel (<c>(none)</c> when unknown).</param>
public sealed record CustomerRow(
    string CustomerId,
    int Run,
    LifecycleState State,
    string? StageId,
    string? FurthestStageId,
    TimeSpan TimeInStage,
    TimeSpan OverdueBy,
    string? Persona,
    string FirstChannel,
    string Cohort,
    string? LastTouchpoint,
    string LastChannel);
