using Npgsql;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>
/// Creates and migrates a store's schema from the embedded <c>Schema/NNN_*.sql</c> scripts, recording each applied
/// version in <c>schema_version</c>. Idempotent; several processes starting at once are serialized by a
/// session-level advisory lock keyed by the schema name, and each re-reads the version under it in a fresh transaction.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const int Version = 1;

    private static readonly string[] Scripts = ["001_initial"];

    /// <summary>Brings the schema to <see cref="Version"/> (when <paramref name="migrate"/>) or checks that it is there.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, PostgreSqlSql sql, string schema, bool migrate, CancellationToken cancellationToken)
    {
        int current = await ReadVersionAsync(connection, null, sql, schema, cancellationToken).ConfigureAwait(false);
        if (current == Version)
        {
            return;
        }

        if (current > Version)
        {
            throw new JourneyStoreException(PostgreSqlMessages.NewerSchema(schema, current, Version));
        }

        if (!migrate)
        {
            throw new JourneyStoreException(PostgreSqlMessages.NotMigrated(schema, current, Version));
        }

        // A session-level lock, taken outside any transaction: the transaction below starts after the lock is held, so
        // it sees (in its catalog caches too) everything a process that migrated meanwhile committed. Released in the
        // finally; a broken connection releases it with its session.
        string key = "journeykit.migrate:" + schema;
        await AdvisoryAsync(connection, "SELECT pg_advisory_lock(hashtextextended($1, 0))", key, cancellationToken).ConfigureAwait(false);
        try
        {
            await using NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            current = await ReadVersionAsync(connection, tx, sql, schema, cancellationToken).ConfigureAwait(false); // another process may have migrated
            if (current > Version)
            {
                throw new JourneyStoreException(PostgreSqlMessages.NewerSchema(schema, current, Version));
            }

            if (current < Version)
            {
                if (!await SchemaExistsAsync(connection, tx, schema, cancellationToken).ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, tx, sql.CreateSchema, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, tx, sql.CreateVersionTable, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, sql.UseSchema, cancellationToken).ConfigureAwait(false);
                for (int v = current + 1; v <= Version; v++)
                {
                    await ExecuteAsync(connection, tx, Script(v), cancellationToken).ConfigureAwait(false);
                    await using var record = new NpgsqlCommand(sql.InsertVersion, connection, tx);
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = v });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await AdvisoryAsync(connection, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", key, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task AdvisoryAsync(NpgsqlConnection connection, string sql, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, PostgreSqlSql sql, string schema, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, tx))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sql.VersionTable });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return 0;
            }
        }

        await using var read = new NpgsqlCommand(sql.ReadVersion, connection, tx);
        return (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<bool> SchemaExistsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string text, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(text, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Script(int version)
    {
        if (version < 1 || version > Scripts.Length)
        {
            throw new InvalidOperationException($"No schema script for version {version}.");
        }

        string name = Scripts[version - 1];
        using Stream stream = typeof(PostgreSqlSchema).Assembly.GetManifestResourceStream($"JourneyKit.Storage.PostgreSql.Schema.{name}.sql")
            ?? throw new InvalidOperationException($"Schema script {name}.sql is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
