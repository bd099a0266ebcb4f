namespace JourneyKit.Events.Internal;

/// <summary>What the synthetic generator needs from a journey, in flat arrays: stages, touchpoints, channels, personas.</summary>
internal sealed class GeneratorPlan
{
    /// <summary>Gets the stages in journey order, failure stages included.</summary>
    public required PlanStage[] Stages { get; init; }

    /// <summary>Gets the personas; empty means one anonymous persona.</summary>
    public required PlanPersona[] Personas { get; init; }

    /// <summary>Gets the attribute keys every generated event may carry (from the personas).</summary>
    public required string[] AttributeKeys { get; init; }
}

/// <summary>A stage: its touchpoints, standard time and role.</summary>
internal sealed class PlanStage
{
    public required string Id { get; init; }

    public required PlanTouchpoint[] Touchpoints { get; init; }

    /// <summary>Gets the standard (expected) time in the stage in ticks; 0 when the journey does not say.</summary>
    public long StandardTicks { get; init; }

    public bool IsGoal { get; init; }

    public bool IsFailure { get; init; }
}

/// <summary>A touchpoint and its channel (empty when none).</summary>
internal readonly record struct PlanTouchpoint(string Id, string Channel);

/// <summary>A persona: how often it occurs and the attribute values its customers carry (aligned with the plan's keys).</summary>
internal sealed class PlanPersona
{
    public required string Id { get; init; }

    public double Weight { get; init; } = 1;

    public required string?[] AttributeValues { get; init; }
}
