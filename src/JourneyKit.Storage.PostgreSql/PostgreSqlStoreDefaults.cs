namespace JourneyKit.Storage.PostgreSql;

/// <summary>The default values of <see cref="PostgreSqlStoreOptions"/>, in one place.</summary>
internal static class PostgreSqlStoreDefaults
{
    public const string Schema = "journeykit";

    public const int CopyThreshold = 64;

    public const bool AutoMigrate = true;

    /// <summary>The longest schema name accepted (PostgreSQL's identifier limit is 63 bytes).</summary>
    public const int MaxSchemaLength = 63;
}
