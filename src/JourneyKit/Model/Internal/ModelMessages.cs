using System.Globalization;

namespace JourneyKit.Model.Internal;

/// <summary>The message texts of journey problems, in one place.</summary>
internal static class ModelMessages
{
    public static string UnknownMomentOfTruth(string id, string? suggestion) =>
        $"unknown moment of truth '{id}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)");

    public static string RuleValue(string what, object? value) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}; got {value?.ToString() ?? "nothing"}");

    public const string NoStages = "a journey needs at least one stage";
    public const string InvalidText = "not valid text: invalid UTF-8 or an unpaired surrogate in the string";
    public const string NoGoal = "no stage is marked as the goal (isGoal: true)";
    public const string GoalAndFailure = "a stage cannot be both the goal and a failure";
    public const string TerminalWithNext = "a goal or failure stage ends the journey and cannot have next stages";

    public static string RuleIncomplete(string rule, bool noTrigger, bool noIntervention) =>
        $"Rule '{rule}' is incomplete: {(noTrigger ? "call When… to set a trigger" : string.Empty)}{(noTrigger && noIntervention ? " and " : string.Empty)}{(noIntervention ? "call Then to set an intervention" : string.Empty)}.";

    public static string Required(string what) => $"{what} is required";

    public static string DuplicateId(string what, string id) => $"duplicate {what} id '{id}'";

    public static string UnknownTouchpoint(string id, string? suggestion) => $"unknown touchpoint '{id}'" + DidYouMean(suggestion);

    public static string UnknownChannel(string name, string? suggestion) =>
        $"unknown channel '{name}'" + DidYouMean(suggestion) + " (declare custom channels in 'channels')";

    public static string UnknownStage(string id, string? suggestion) => $"unknown stage '{id}'" + DidYouMean(suggestion);

    public static string Unreachable(string id, string first) => $"stage '{id}' cannot be reached from the first stage '{first}' through 'next'";

    public static string NoWayOut(string id) => $"from stage '{id}' no goal or failure stage can be reached: its 'next' stages only cycle";

    public static string InvalidStandardTime(TimeSpan value) =>
        $"the standard time must be positive, got {JourneyValidator.Format(value)}";

    public static string InvalidMaxTime(TimeSpan max, TimeSpan standard) =>
        $"the max time ({JourneyValidator.Format(max)}) must be positive and not below the standard time ({JourneyValidator.Format(standard)})";

    public static string TouchpointInTwoStages(string id, string other) =>
        $"touchpoint '{id}' already places customers in stage '{other}'; a touchpoint belongs to one stage";

    public static string UnknownOperator(string op) => $"unknown operator '{op}' (use eq, ne, in, exists, gt, ge, lt, le)";

    public static string RuleValueCount(string op, string expected) => $"operator '{op}' takes {expected}";

    public static string RuleNotNumber(string value) => $"'{value}' is not a number (numeric operators compare invariant-culture numbers)";

    public static string InvalidWeight(double weight) =>
        $"the weight must be a positive number, got {weight.ToString(CultureInfo.InvariantCulture)}";

    public static string InvalidPattern(string error, int column) => $"invalid pattern at column {column}: {error}";

    public static string InvalidKpiTarget(Model.KpiKind kind, double target) => kind switch
    {
        Model.KpiKind.Conversion or Model.KpiKind.Retention => $"a {kind} target is a share from 0 to 1, got {Num(target)}",
        Model.KpiKind.Nps => $"an NPS target lies from -100 to 100, got {Num(target)}",
        Model.KpiKind.Revenue => $"a revenue target cannot be negative, got {Num(target)}",
        _ => $"a {kind} target must be positive, got {Num(target)}",
    };

    public static string InvalidVersion(int version) => $"the version must be 1 or more, got {version}";

    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string DidYouMean(string? suggestion) => suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)";
}
