namespace JourneyKit.Model;

/// <summary>
/// The codes of <see cref="JourneyProblem"/>: one code per kind of fault, the same whichever entry point finds it (journey
/// JSON, <see cref="JourneyBuilder"/>, <see cref="Journey.Validate"/>, rules given in code, orchestration migrations).
/// Documented in docs/journey-definitions.md.
/// </summary>
public static class JourneyProblemCodes
{
    /// <summary>JK0100: a problem without a more precise code (a <see cref="JourneyValidationException"/> made from a message).</summary>
    public const string General = "JK0100";

    /// <summary>JK0101: A required value is missing (an id, the name of a part, a null list entry).</summary>
    public const string Required = "JK0101";

    /// <summary>JK0102: An id or name is used twice (stages, touchpoints, personas, moments of truth, KPIs, rules).</summary>
    public const string DuplicateId = "JK0102";

    /// <summary>JK0103: A stage references a touchpoint the catalog does not have.</summary>
    public const string UnknownTouchpoint = "JK0103";

    /// <summary>JK0104: A touchpoint or rule names a channel the journey does not declare.</summary>
    public const string UnknownChannel = "JK0104";

    /// <summary>JK0105: A stage id (in <c>next</c>, a rule or a migration) names no stage of the journey.</summary>
    public const string UnknownStage = "JK0105";

    /// <summary>JK0106: A stage cannot be reached from the first stage.</summary>
    public const string UnreachableStage = "JK0106";

    /// <summary>JK0107: No stage is the goal.</summary>
    public const string NoGoal = "JK0107";

    /// <summary>JK0108: A goal or failure stage has <c>next</c> stages.</summary>
    public const string TerminalWithNext = "JK0108";

    /// <summary>JK0109: A stage is both goal and failure.</summary>
    public const string GoalAndFailure = "JK0109";

    /// <summary>JK0110: A duration is missing, negative or not positive where it must be.</summary>
    public const string InvalidDuration = "JK0110";

    /// <summary>JK0111: <c>maxTime</c> is not positive or is below <c>standardTime</c>.</summary>
    public const string InvalidMaxTime = "JK0111";

    /// <summary>JK0112: A touchpoint places customers in two stages.</summary>
    public const string TouchpointInTwoStages = "JK0112";

    /// <summary>JK0113: An invalid persona rule.</summary>
    public const string InvalidRule = "JK0113";

    /// <summary>JK0114: A moment of truth's weight is not a positive number.</summary>
    public const string InvalidWeight = "JK0114";

    /// <summary>JK0115: A pattern does not compile (the message gives the column).</summary>
    public const string InvalidPattern = "JK0115";

    /// <summary>JK0116: A KPI target is outside the range of its kind.</summary>
    public const string InvalidKpiTarget = "JK0116";

    /// <summary>JK0117: The version is below 1.</summary>
    public const string InvalidVersion = "JK0117";

    /// <summary>JK0118: The journey has no stages.</summary>
    public const string NoStages = "JK0118";

    /// <summary>JK0119: From a stage no goal or failure stage can be reached.</summary>
    public const string NoWayOut = "JK0119";

    /// <summary>JK0120: Malformed JSON, a wrong type or too deep nesting (the message gives line and column).</summary>
    public const string Json = "JK0120";

    /// <summary>JK0121: An unknown JSON property.</summary>
    public const string UnknownProperty = "JK0121";

    /// <summary>JK0122: An invalid value (an enum name, an empty channel, an unknown moment of truth, a rule value out of range).</summary>
    public const string InvalidValue = "JK0122";

    /// <summary>JK0123: The moments of truth together pass the compile budget (more than 256, or more than 4,096
    /// automaton states or 16,384 edges in all); reported by <c>Compile()</c>.</summary>
    public const string MomentsOverBudget = "JK0123";

    /// <summary>JK3004: an orchestration migration names a version that is not earlier than the journey's, or names one twice.</summary>
    public const string InvalidMigration = "JK3004";
}
