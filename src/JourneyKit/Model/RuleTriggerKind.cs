namespace JourneyKit.Model;

/// <summary>What makes a <see cref="JourneyRule"/> fire (JSON <c>when</c>: <c>entered</c>, <c>left</c>, <c>stuck</c>,
/// <c>momentOfTruth</c>, <c>pattern</c>, <c>risk</c>).</summary>
public enum RuleTriggerKind
{
    /// <summary>The customer entered a stage (each entry is one occurrence).</summary>
    EnteredStage,

    /// <summary>The customer left a stage (each exit is one occurrence).</summary>
    LeftStage,

    /// <summary>The customer has been in a stage for a fraction of its standard time (once per stay; fired by timers).</summary>
    StuckInStage,

    /// <summary>The customer hit a moment of truth (each hit is one occurrence).</summary>
    MomentOfTruth,

    /// <summary>The customer's events matched a pattern (each new non-overlapping match is one occurrence).</summary>
    PatternMatched,

    /// <summary>The customer's estimated risk in the current stage reached a threshold (once per stay).</summary>
    RiskAtLeast,
}
