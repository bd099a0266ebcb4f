namespace JourneyKit.Orchestration;

/// <summary>What the firing policy decided for one new rule occurrence.</summary>
public enum OccurrenceOutcome
{
    /// <summary>An intervention was recorded in the outbox.</summary>
    Fired,

    /// <summary>Dropped: a stage-bound occurrence (entered, stuck, risk) of a stay the customer already left.</summary>
    Suppressed,

    /// <summary>Dropped by the rule's cooldown.</summary>
    Cooldown,

    /// <summary>Dropped by the rule's frequency cap.</summary>
    RuleFrequencyCap,

    /// <summary>Dropped by the customer-wide cap (<see cref="OrchestrationOptions.MaxInterventionsPerCustomer"/>).</summary>
    CustomerFrequencyCap,

    /// <summary>Dropped by <see cref="OrchestrationOptions.MaxInterventionsPerEvaluation"/>.</summary>
    EvaluationLimit,

    /// <summary>Not fired: it is in the history the run had before it moved to another journey version.</summary>
    History,
}
