namespace JourneyKit.Storage.PostgreSql;

/// <summary>The texts of the store's errors, in one place.</summary>
internal static class PostgreSqlMessages
{
    public static string Unavailable(string server, string message) =>
        $"The PostgreSQL store at {server} is unavailable: {message}";

    public static string Failed(string server, string message) =>
        $"The PostgreSQL store at {server} failed: {message}";

    public static string NewerSchema(string schema, int found, int known) =>
        $"Schema '{schema}' has JourneyKit schema version {found}; this JourneyKit knows up to {known}. Upgrade JourneyKit.";

    public static string NotMigrated(string schema, int found, int known) => found == 0
        ? $"Schema '{schema}' has no JourneyKit tables and AutoMigrate is off: run PostgreSqlJourneyStore.MigrateAsync (or turn AutoMigrate on)."
        : $"Schema '{schema}' is at JourneyKit schema version {found}, this JourneyKit needs {known}, and AutoMigrate is off: run PostgreSqlJourneyStore.MigrateAsync (or turn AutoMigrate on).";

    public static string NotStorable(string what, string problem) =>
        $"{what} {problem}, which PostgreSQL text cannot store.";
}
