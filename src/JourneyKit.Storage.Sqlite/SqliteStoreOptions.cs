namespace JourneyKit.Storage.Sqlite;

/// <summary>Options of the SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the database file path; created with its schema on first use.</summary>
    /// <value>Required unless <see cref="ConnectionString"/> is set. The default value is <c>journeykit.db</c>.</value>
    public string DataSource { get; set; } = "journeykit.db";

    /// <summary>Gets or sets a full Microsoft.Data.Sqlite connection string; overrides <see cref="DataSource"/> when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how long a command waits for a lock held by another connection.</summary>
    /// <value>Positive. The default value is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options.</summary>
    /// <returns>The problems; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(DataSource))
        {
            problems.Add("SqliteStoreOptions: set DataSource (a database file path) or ConnectionString.");
        }

        if (BusyTimeout <= TimeSpan.Zero)
        {
            problems.Add($"SqliteStoreOptions.BusyTimeout must be positive; got {BusyTimeout}.");
        }

        return problems;
    }
}
