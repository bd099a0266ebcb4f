using JourneyKit.Storage.PostgreSql;
using Npgsql;

namespace JourneyKit.Storage.PostgreSql.Tests;

/// <summary>
/// A fresh database for one test class on the server named by the environment variable <c>JOURNEYKIT_POSTGRES</c> (an
/// Npgsql connection string of a role that may create databases); dropped when the class is done. <c>bash eng/test.sh</c>
/// starts a private server and sets the variable; without it every test here fails with a message saying so (never a
/// silent skip).
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "JOURNEYKIT_POSTGRES";

    private readonly string _name = "jk_test_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource? _dataSource;
    private int _schemas;

    /// <summary>Gets the connection string of this class's database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Gets a pooled data source on this class's database, shared by its stores.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>Gets the server's connection string (the variable's value), or throws saying how to get one.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need a PostgreSQL server. Run 'bash eng/test.sh' (it installs PostgreSQL and starts a private " +
                $"cluster), or start one with 'eval \"$(bash eng/postgres.sh start)\"', or point {Variable} at a " +
                "server of yours (a role that may create databases), e.g. Host=localhost;Username=postgres;Password=…");

    /// <summary>A fresh schema name in this database.</summary>
    public string NewSchema() => "s" + Interlocked.Increment(ref _schemas).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A store on a fresh schema of this database, over the shared data source.</summary>
    public PostgreSqlJourneyStore NewStore(int copyThreshold = 64) =>
        new(DataSource, new PostgreSqlStoreOptions { Schema = NewSchema(), CopyThreshold = copyThreshold });

    /// <summary>Runs one SQL statement on this database and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql);
        foreach (object p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return await command.ExecuteScalarAsync();
    }

    public async Task InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _name }.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is null)
        {
            return;
        }

        await _dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
