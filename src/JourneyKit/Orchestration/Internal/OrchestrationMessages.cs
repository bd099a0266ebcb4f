namespace JourneyKit.Orchestration.Internal;

/// <summary>Message texts of the orchestration area.</summary>
internal static class OrchestrationMessages
{
    public const string StateFormat = "The stored orchestration state is not of a known format version.";

    public const string StateTruncated = "The stored orchestration state is truncated.";

    public static string InvalidOptions(IEnumerable<string> problems) =>
        "Invalid orchestration options:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p));

    public static string UnknownStage(string stage, string journey) => $"unknown stage '{stage}' in journey '{journey}'.";

    public static string BadMigrationVersion(int from, int current) =>
        $"a migration from version {from} must name an earlier version than the journey's ({current}), once.";

    public static string WrongCustomer(string expected, string actual) => $"The state of customer '{actual}' was stored under customer '{expected}'.";

    public static string GaveUp(string customer, int attempts) =>
        $"Customer '{customer}': the state kept changing under us; gave up after {attempts} optimistic-concurrency conflicts.";

}
