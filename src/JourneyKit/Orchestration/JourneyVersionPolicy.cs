namespace JourneyKit.Orchestration;

/// <summary>What happens to a customer's run that started under an earlier version of the journey when a step of a newer version meets it.</summary>
public enum JourneyVersionPolicy
{
    /// <summary>
    /// The run moves to the step's version: it is re-evaluated from the customer's log under the new version (so it never
    /// reads back empty); occurrences of the history it had are not fired again; rules of the new version fire for what
    /// happens under it. See <see cref="JourneyVersionMigration"/>.
    /// </summary>
    Move,

    /// <summary>
    /// The run stays on the version it started under (the step answers <see cref="StepStatus.OtherVersion"/> and a driver
    /// runs that version's step; <see cref="JourneyEngine.AddPreviousVersion"/>); new customers start under the new version.
    /// </summary>
    Pin,
}
