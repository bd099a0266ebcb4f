using JourneyKit;
using JourneyKit.DependencyInjection;
using JourneyKit.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SQLite store to JourneyKit's builder.</summary>
public static class SqliteJourneyKitBuilderExtensions
{
    /// <summary>Stores events, definitions and instance state in a SQLite file (created on first use).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The database file path, e.g. <c>journeys.db</c>; taken literally (a <c>;</c> is part of the
    /// name, never connection-string keywords). For a connection string, set <see cref="SqliteStoreOptions.ConnectionString"/>.</param>
    /// <returns>The builder.</returns>
    public static JourneyKitBuilder UseSqlite(this JourneyKitBuilder builder, string dataSource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataSource);
        return builder.UseSqlite(o => o.DataSource = dataSource);
    }

    /// <summary>
    /// Stores events, definitions and instance state in SQLite, configured by <paramref name="configure"/>. The options are
    /// checked now (every problem in one message); when the host starts (options validated on start) the store opens the
    /// file, creates or migrates the schema and checks it can write, so a missing directory, a file that is not a
    /// database or a read-only file stops the start with an <see cref="OptionsValidationException"/> naming the file,
    /// never later on the first event.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; called again when the options are built, so keep it free of side effects.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static JourneyKitBuilder UseSqlite(this JourneyKitBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var probe = new SqliteStoreOptions();
        configure(probe);
        IReadOnlyList<string> problems = probe.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(configure));
        }

        builder.Services.AddOptions<SqliteStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStartupValidator>());
        return builder.UseStore(sp => new SqliteJourneyStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
    }
}
