using System.Net.Sockets;
using Npgsql;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>
/// The server <see cref="JourneyStore"/> on PostgreSQL (Npgsql): an event log idempotent by (customer, event id) with
/// binary <c>COPY</c> for bulk appends, versioned journey definitions, instance state with ETags compared in SQL, erasure
/// of one customer, and a schema created and migrated on first use (a <c>schema_version</c> table, embedded <c>.sql</c>
/// files, an advisory lock for concurrent starts). Every value is a parameter; every append is one transaction, so an
/// acknowledged append is durable and a killed one leaves nothing half-written.
/// </summary>
/// <remarks>
/// Connections come from an <see cref="NpgsqlDataSource"/> (Npgsql's pool): one is taken per operation and returned
/// at its end, so one store serves a whole application; pool size and timeouts are set in the connection string.
/// </remarks>
/// <threadsafety>All members are thread-safe.</threadsafety>
public sealed class PostgreSqlJourneyStore : JourneyStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly bool _autoMigrate;
    private readonly string _server;
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates a store that opens its own connection pool from <see cref="PostgreSqlStoreOptions.ConnectionString"/>.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <remarks>Nothing is sent to the server until the first operation (or <see cref="MigrateAsync"/>).</remarks>
    public PostgreSqlJourneyStore(PostgreSqlStoreOptions options)
        : this(CheckedDataSource(options), options, ownsDataSource: true)
    {
    }

    /// <summary>Creates a store from a connection string, with the other options at their defaults.</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <exception cref="ArgumentException">The connection string is missing or invalid.</exception>
    public PostgreSqlJourneyStore(string connectionString)
        : this(new PostgreSqlStoreOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>
    /// Creates a store over a data source you own (e.g. one registered with <c>AddNpgsqlDataSource</c>, or shared by several
    /// stores under different schemas); the store does not dispose it.
    /// </summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="options">The options; <see cref="PostgreSqlStoreOptions.ConnectionString"/> is ignored. Null for the defaults.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public PostgreSqlJourneyStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), Checked(options ?? new PostgreSqlStoreOptions(), requireConnectionString: false), ownsDataSource: false)
    {
    }

    private PostgreSqlJourneyStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options, bool ownsDataSource)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _autoMigrate = options.AutoMigrate;
        SchemaName = options.Schema;
        CopyThreshold = options.CopyThreshold;
        Sql = new PostgreSqlSql(options.Schema);
        _server = Describe(dataSource.ConnectionString, options.Schema);
        Events = new PostgreSqlEventStore(this);
        Definitions = new PostgreSqlDefinitionStore(this);
        Instances = new PostgreSqlInstanceStateStore(this);
    }

    /// <inheritdoc/>
    public override EventStore Events { get; }

    /// <inheritdoc/>
    public override JourneyDefinitionStore Definitions { get; }

    /// <inheritdoc/>
    public override InstanceStateStore Instances { get; }

    internal PostgreSqlSql Sql { get; }

    internal string SchemaName { get; }

    internal int CopyThreshold { get; }

    /// <summary>
    /// Creates the schema or brings it to the version this JourneyKit needs, now. Idempotent, and safe when several
    /// processes call it at once (they wait on an advisory lock and the later ones find nothing to do). Runs even when
    /// <see cref="PostgreSqlStoreOptions.AutoMigrate"/> is off: that is how a deployment step migrates.
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration; a cancelled migration changes nothing.</param>
    /// <returns>A task.</returns>
    /// <exception cref="JourneyStoreUnavailableException">The server cannot be reached; the inner exception says why.</exception>
    /// <exception cref="JourneyStoreException">The schema is newer than this JourneyKit, or a script failed.</exception>
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        RunAsync("store.migrate", 
            async connection =>
            {
                await PostgreSqlSchema.EnsureAsync(connection, Sql, SchemaName, migrate: true, cancellationToken).ConfigureAwait(false);
                _initialized = true;
                return true;
            },
            cancellationToken,
            initialize: false);

    /// <inheritdoc/>
    public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        PostgreSqlText.Check(customerId, "The customer id", nameof(customerId));
        return RunAsync("store.erase_customer", 
            async connection =>
            {
                // One statement: both deletes are one atomic step.
                await using var command = new NpgsqlCommand(Sql.Erase, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
                await using NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await r.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new ErasureResult(checked((int)r.GetInt64(0)), checked((int)r.GetInt64(1)));
            },
            cancellationToken);
    }

    /// <summary>Disposes the connection pool when the store created it; a data source passed in is left open.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }

        _init.Dispose();
    }

    /// <summary>Disposes the connection pool when the store created it; a data source passed in is left open.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _init.Dispose();
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection, after the schema check, translating Npgsql failures.</summary>
    /// <remarks>Each call is one <c>journeykit.store.operations</c> measurement and one span (<see cref="StoreTelemetry"/>) named <paramref name="operation"/>.</remarks>
    internal async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken, bool initialize = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StoreOperation measured = StoreTelemetry.Begin("postgresql", operation);
        Exception? failure = null;
        try
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (initialize && !_initialized)
            {
                await InitializeAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            failure = translated;
            throw translated;
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            measured.End(failure);
        }
    }

    /// <summary>Opens a pooled connection for a streaming read (the caller disposes it), after the schema check.</summary>
    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (!_initialized)
            {
                await InitializeAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw translated;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// The store's exception for an Npgsql failure: <see cref="JourneyStoreUnavailableException"/> when the server
    /// cannot be reached or used (network, timeout, shutdown, authentication, missing database, out of resources),
    /// <see cref="JourneyStoreException"/> otherwise; null for exceptions that pass through unchanged (cancellation,
    /// argument errors, the store's own).
    /// </summary>
    internal Exception? Translate(Exception e) => e switch
    {
        OperationCanceledException or JourneyStoreException or ArgumentException => null,
        PostgresException pg when IsUnavailable(pg.SqlState) => new JourneyStoreUnavailableException(PostgreSqlMessages.Unavailable(_server, pg.Message), pg),
        PostgresException pg => new JourneyStoreException(PostgreSqlMessages.Failed(_server, pg.Message), pg),
        NpgsqlException npgsql => new JourneyStoreUnavailableException(PostgreSqlMessages.Unavailable(_server, npgsql.Message), npgsql),
        SocketException or TimeoutException or IOException => new JourneyStoreUnavailableException(PostgreSqlMessages.Unavailable(_server, e.Message), e),
        _ => null,
    };

    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("28", StringComparison.Ordinal) // invalid authorization
        || sqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources (disk full, too many connections)
        || sqlState.StartsWith("57P", StringComparison.Ordinal) // admin/crash shutdown, cannot connect now
        || sqlState == PostgresErrorCodes.InvalidCatalogName // the database does not exist
        || sqlState == PostgresErrorCodes.ReadOnlySqlTransaction; // a standby, or a primary that is read-only

    private async Task InitializeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await PostgreSqlSchema.EnsureAsync(connection, Sql, SchemaName, _autoMigrate, cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _init.Release();
        }
    }

    private static PostgreSqlStoreOptions Checked(PostgreSqlStoreOptions options, bool requireConnectionString)
    {
        IReadOnlyList<string> problems = options.Validate(requireConnectionString);
        return problems.Count == 0 ? options : throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
    }

    private static NpgsqlDataSource CheckedDataSource(PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Checked(options, requireConnectionString: true);
        return NpgsqlDataSource.Create(options.ConnectionString!);
    }

    /// <summary>"host:port/database (schema s)" for messages; never the password.</summary>
    internal static string Describe(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} (schema '{schema}')";
    }
}
