namespace JourneyKit.Storage.PostgreSql;

/// <summary>Options of the PostgreSQL store.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>Gets or sets the Npgsql connection string, e.g. <c>Host=db;Database=journeys;Username=app;Password=…</c>.</summary>
    /// <value>
    /// Required, unless the store is given an <c>NpgsqlDataSource</c>. Pooling settings (<c>Maximum Pool Size</c>,
    /// <c>Connection Idle Lifetime</c>, …) and timeouts are taken from it. The default value is null.
    /// </value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the PostgreSQL schema that holds JourneyKit's tables; created on first use.</summary>
    /// <value>
    /// Lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters. Several
    /// stores (applications, tenants, tests) can share one database under different schemas. The default value is
    /// <c>journeykit</c>.
    /// </value>
    public string Schema { get; set; } = PostgreSqlStoreDefaults.Schema;

    /// <summary>Gets or sets from how many events an append goes through binary <c>COPY</c>.</summary>
    /// <value>
    /// At least 1. An append of at least this many events is copied in binary into a temporary table and inserted from
    /// there, in one transaction; a smaller one is a single <c>INSERT</c> from arrays (one round trip). Both are atomic
    /// and give the same result. The default value is 64.
    /// </value>
    public int CopyThreshold { get; set; } = PostgreSqlStoreDefaults.CopyThreshold;

    /// <summary>Gets or sets whether the store creates and migrates its schema itself.</summary>
    /// <value>
    /// When true, the first use (and, through <c>UsePostgreSql</c>, the host's start) creates the schema or brings it to
    /// the current version, under an advisory lock so that several processes starting at once are safe. When false, the
    /// store only checks the version and throws <see cref="JourneyStoreException"/> if the schema is missing or older;
    /// run <see cref="PostgreSqlJourneyStore.MigrateAsync"/> from a deployment step. The default value is true.
    /// </value>
    public bool AutoMigrate { get; set; } = PostgreSqlStoreDefaults.AutoMigrate;

    /// <summary>Checks the options (not the server: that happens on first use or at the host's start).</summary>
    /// <returns>The problems; empty when valid.</returns>
    public IReadOnlyList<string> Validate() => Validate(requireConnectionString: true);

    internal IReadOnlyList<string> Validate(bool requireConnectionString)
    {
        var problems = new List<string>();
        if (requireConnectionString && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("PostgreSqlStoreOptions.ConnectionString is required, e.g. \"Host=localhost;Database=journeys;Username=app;Password=…\".");
        }
        else if (requireConnectionString)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException e)
            {
                problems.Add($"PostgreSqlStoreOptions.ConnectionString is not a valid Npgsql connection string: {e.Message}");
            }
        }

        if (!IsValidSchema(Schema))
        {
            problems.Add($"PostgreSqlStoreOptions.Schema must be lower-case letters, digits and underscores, start with a letter or underscore and have at most {PostgreSqlStoreDefaults.MaxSchemaLength} characters; got '{Schema}'.");
        }

        if (CopyThreshold < 1)
        {
            problems.Add($"PostgreSqlStoreOptions.CopyThreshold must be at least 1; got {CopyThreshold}.");
        }

        return problems;
    }

    private static bool IsValidSchema(string? schema)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > PostgreSqlStoreDefaults.MaxSchemaLength || char.IsAsciiDigit(schema[0]))
        {
            return false;
        }

        foreach (char c in schema)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return !schema.StartsWith("pg_", StringComparison.Ordinal);
    }
}
