using JourneyKit;
using JourneyKit.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SQLite store to JourneyKit's builder.</summary>
public static class SqliteJourneyKitBuilderExtensions
{
    /// <summary>Stores events, definitions and instance state in a SQLite file (created on first use).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The database file path, e.g. <c>journeys.db</c>.</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder UseSqlite(this JourneyKitBuilder builder, string dataSource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataSource);
        return builder.UseSqlite(o => o.DataSource = dataSource);
    }

    /// <summary>Stores events, definitions and instance state in SQLite, configured by <paramref name="configure"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; they are validated now, with every problem in the message.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static JourneyKitBuilder UseSqlite(this JourneyKitBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteStoreOptions();
        configure(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(configure));
        }

        return builder.UseStore(_ => new SqliteJourneyStore(options));
    }
}
