using JourneyKit;
using JourneyKit.DependencyInjection;
using JourneyKit.Storage.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL store to JourneyKit's builder.</summary>
public static class PostgreSqlJourneyKitBuilderExtensions
{
    /// <summary>Stores events, definitions and instance state in PostgreSQL, in the schema <c>journeykit</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The Npgsql connection string, e.g. <c>Host=db;Database=journeys;Username=app;Password=…</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is missing or invalid.</exception>
    /// <remarks>See <see cref="UsePostgreSql(JourneyKitBuilder, Action{PostgreSqlStoreOptions})"/> for what happens at start-up.</remarks>
    public static JourneyKitBuilder UsePostgreSql(this JourneyKitBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UsePostgreSql(o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Stores events, definitions and instance state in PostgreSQL, configured by <paramref name="configure"/>. The
    /// options are checked now (every problem in one message); when the host starts (options validated on start) the
    /// store connects and, unless <see cref="PostgreSqlStoreOptions.AutoMigrate"/> is off, creates or migrates its
    /// schema, so an unreachable server or a bad schema stops the start with an <see cref="OptionsValidationException"/>
    /// that names the server, never later on the first event. The store is a singleton owning one Npgsql connection pool,
    /// disposed with the container.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; called again when the options are built, so keep it free of side effects.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static JourneyKitBuilder UsePostgreSql(this JourneyKitBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var probe = new PostgreSqlStoreOptions();
        configure(probe);
        IReadOnlyList<string> problems = probe.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(configure));
        }

        builder.Services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStartupValidator>());
        return builder.UseStore(sp => new PostgreSqlJourneyStore(sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value));
    }
}
