namespace JourneyKit.Storage.PostgreSql;

/// <summary>The texts of the store's errors, in one place.</summary>
internal static class PostgreSqlMessages
{
    public static string VersionExists(string id, int version) =>
        $"Journey '{id}' version {version} is already stored with different content; versions are immutable: save a new version.";

    public static string StaleETag(string customer, string journey, string? expected) => expected is null
        ? $"The state of customer '{customer}' in journey '{journey}' already exists; read it and pass its ETag."
        : $"The state of customer '{customer}' in journey '{journey}' changed since it was read (ETag '{expected}' is stale).";

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
