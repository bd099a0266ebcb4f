using Microsoft.Data.Sqlite;

namespace JourneyKit.Storage.Sqlite;

/// <summary>Options of the SQLite store.</summary>
/// <remarks>
/// The file path and a connection string are two separate settings: <see cref="DataSource"/> is only ever a path (a
/// <c>;</c> or <c>=</c> in it is part of the file name, never parsed as connection-string keywords), and
/// <see cref="ConnectionString"/> is only ever parsed as a Microsoft.Data.Sqlite connection string.
/// </remarks>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the database file path; created with its schema on first use.</summary>
    /// <value>Used unless <see cref="ConnectionString"/> is set. Taken literally as a file path: <c>a;Mode=Memory</c> is a file
    /// of that name. The default value is <c>journeykit.db</c>.</value>
    public string DataSource { get; set; } = "journeykit.db";

    /// <summary>Gets or sets a full Microsoft.Data.Sqlite connection string; overrides <see cref="DataSource"/> when set.</summary>
    /// <value>Null (the default) to use <see cref="DataSource"/>. Must name a file: in-memory databases are rejected.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how long a command waits for a lock held by another connection.</summary>
    /// <value>Positive. The default value is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets whether deleted and overwritten content is overwritten with zeros in the file (SQLite
    /// <c>PRAGMA secure_delete</c>), so that an erased customer's id and events do not linger in free pages.
    /// </summary>
    /// <value>The default value is <see langword="true"/>. Turning it off makes erasure remove rows only: their bytes stay
    /// in free space of the file until reused or <c>VACUUM</c>.</value>
    public bool SecureDelete { get; set; } = true;

    /// <summary>Checks the options.</summary>
    /// <returns>The problems; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ConnectionString is not null)
        {
            SqliteConnectionStringBuilder? builder = null;
            try
            {
                builder = new SqliteConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException e)
            {
                problems.Add($"SqliteStoreOptions.ConnectionString is not a valid SQLite connection string: {e.Message} (for a file path, set DataSource instead).");
            }

            if (builder is not null)
            {
                if (string.IsNullOrWhiteSpace(builder.DataSource))
                {
                    problems.Add("SqliteStoreOptions.ConnectionString names no file (Data Source=…); for a file path, set DataSource instead.");
                }
                else if (IsInMemory(builder))
                {
                    problems.Add($"SqliteStoreOptions.ConnectionString opens an in-memory database ({ConnectionString}); the store opens a connection per operation, so an in-memory SQLite database would lose everything between calls. Use a file, or UseInMemoryStorage() for a store that lives in the process.");
                }
            }
        }
        else if (string.IsNullOrWhiteSpace(DataSource))
        {
            problems.Add("SqliteStoreOptions: set DataSource (a database file path) or ConnectionString.");
        }
        else if (DataSource == ":memory:")
        {
            problems.Add("SqliteStoreOptions.DataSource ':memory:' is an in-memory database, which would lose everything between calls. Use a file, or UseInMemoryStorage().");
        }

        if (BusyTimeout <= TimeSpan.Zero)
        {
            problems.Add($"SqliteStoreOptions.BusyTimeout must be positive; got {BusyTimeout}.");
        }

        return problems;
    }

    /// <summary>The connection string the store uses: the path put in as a value (never parsed), or the connection string.</summary>
    internal string BuildConnectionString()
    {
        SqliteConnectionStringBuilder builder = ConnectionString is null
            ? new SqliteConnectionStringBuilder { DataSource = DataSource }
            : new SqliteConnectionStringBuilder(ConnectionString);
        builder.DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds);
        builder.Pooling = true;
        return builder.ToString();
    }

    private static bool IsInMemory(SqliteConnectionStringBuilder builder) =>
        builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:";
}
