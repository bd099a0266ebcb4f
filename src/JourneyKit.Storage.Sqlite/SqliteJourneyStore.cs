using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using Microsoft.Data.Sqlite;

namespace JourneyKit.Storage.Sqlite;

/// <summary>
/// The durable embedded <see cref="JourneyStore"/>: one SQLite file in WAL mode, schema created and migrated on first
/// use (a <c>schema_version</c> table, embedded <c>.sql</c> files), one transaction per append, parameterized SQL only,
/// events indexed by (customer, timestamp) and unique by (customer, event id). An acknowledged append survives a process
/// kill; a killed append leaves nothing half-written.
/// </summary>
/// <threadsafety>All members are thread-safe; each operation uses its own pooled connection.</threadsafety>
public sealed class SqliteJourneyStore : JourneyStore
{
    private const int SchemaVersion = 2;
    private readonly string _connectionString;
    private readonly bool _secureDelete;
    private readonly SemaphoreSlim _init = new(1, 1);
    private readonly SemaphoreSlim _write = new(1, 1); // one writer at a time in this process: no busy waits between our own transactions
    private volatile bool _initialized;

    /// <summary>Creates a store over a database file.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteJourneyStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        _connectionString = options.BuildConnectionString();
        _secureDelete = options.SecureDelete;
        Events = new SqliteEvents(this);
        Definitions = new SqliteDefinitions(this);
        Instances = new SqliteStates(this);
    }

    /// <summary>Creates a store over a database file path.</summary>
    /// <param name="dataSource">The file path.</param>
    public SqliteJourneyStore(string dataSource)
        : this(new SqliteStoreOptions { DataSource = dataSource })
    {
    }

    /// <inheritdoc/>
    public override EventStore Events { get; }

    /// <inheritdoc/>
    public override JourneyDefinitionStore Definitions { get; }

    /// <inheritdoc/>
    public override InstanceStateStore Instances { get; }

    /// <summary>
    /// Removes all of a customer's events and instance states in one transaction, then checkpoints the write-ahead log
    /// into the file and truncates it. With <see cref="SqliteStoreOptions.SecureDelete"/> (the default) the removed rows
    /// and index entries are overwritten with zeros, so after the checkpoint the customer's id and events no longer occur
    /// in the database file or its WAL. A checkpoint blocked by a concurrent reader leaves the old pages in the WAL until
    /// the next checkpoint (SQLite's automatic one runs every 1,000 pages).
    /// </summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels before anything is removed.</param>
    /// <returns>What was removed.</returns>
    public override Task<ErasureResult> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return RunAsync(
            async connection =>
            {
                ErasureResult result;
                using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
                {
                    int events = await ExecuteAsync(connection, tx, "DELETE FROM events WHERE customer = $c", cancellationToken, ("$c", customerId)).ConfigureAwait(false);
                    int states = await ExecuteAsync(connection, tx, "DELETE FROM states WHERE customer = $c", cancellationToken, ("$c", customerId)).ConfigureAwait(false);
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    result = new ErasureResult(events, states);
                }

                // the deleted pages' old versions live in the WAL until a checkpoint copies the zeroed pages over them
                await ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE);", CancellationToken.None).ConfigureAwait(false);
                return result;
            },
            cancellationToken,
            write: true);
    }

    /// <summary>
    /// Opens the database, creates or migrates its schema and checks it can be written, so that a host fails at start-up
    /// (a missing directory, a file that is not a database, a newer schema, a read-only file) instead of at the first event.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task.</returns>
    /// <exception cref="JourneyStoreException">The store cannot be used; the message names the reason.</exception>
    public Task CheckAsync(CancellationToken cancellationToken = default) =>
        RunAsync(
            async connection =>
            {
                // a write that changes nothing: proves the file is writable without leaving a trace
                using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, "DELETE FROM schema_version WHERE version < 0", cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken,
            write: true);

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken, bool write = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_initialized)
            {
                await InitializeAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            if (_secureDelete && write)
            {
                await ExecuteAsync(connection, null, "PRAGMA secure_delete=ON;", cancellationToken).ConfigureAwait(false);
            }

            if (!write)
            {
                return await work(connection).ConfigureAwait(false);
            }

            await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(connection).ConfigureAwait(false);
            }
            finally
            {
                _write.Release();
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 or 10 or 13 or 14 or 26)
        {
            // BUSY, LOCKED, IOERR, FULL, CANTOPEN, NOTADB
            throw new JourneyStoreUnavailableException($"The SQLite store is unavailable: {e.Message}", e);
        }
        catch (SqliteException e)
        {
            throw new JourneyStoreException($"The SQLite store failed: {e.Message}", e);
        }
    }

    private async Task InitializeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA synchronous=FULL;", cancellationToken).ConfigureAwait(false);
            using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
            using (SqliteCommand read = connection.CreateCommand())
            {
                read.Transaction = tx;
                read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
                long current = (long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (current > SchemaVersion)
                {
                    throw new JourneyStoreException($"The database has schema version {current}; this JourneyKit knows up to {SchemaVersion}. Upgrade JourneyKit.");
                }

                for (long v = current + 1; v <= SchemaVersion; v++)
                {
                    await ExecuteAsync(connection, tx, Script(v), cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, tx, "INSERT INTO schema_version (version) VALUES ($v)", cancellationToken, ("$v", v)).ConfigureAwait(false);
                }
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _init.Release();
        }
    }

    private static string Script(long version)
    {
        string name = version switch
        {
            1 => "001_initial",
            2 => "002_event_identity_per_customer",
            _ => throw new InvalidOperationException($"No schema script for version {version}."),
        };
        using Stream stream = typeof(SqliteJourneyStore).Assembly.GetManifestResourceStream($"JourneyKit.Storage.Sqlite.Schema.{name}.sql")
            ?? throw new InvalidOperationException($"Schema script {name}.sql is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static JourneyEvent ReadEvent(SqliteDataReader r)
    {
        string? attributes = r.IsDBNull(6) ? null : r.GetString(6);
        return new JourneyEvent(r.GetString(0), r.GetString(1), new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero), r.IsDBNull(3) ? Channel.None : new Channel(r.GetString(3)))
        {
            EventId = r.IsDBNull(4) ? null : r.GetString(4),
            Value = r.IsDBNull(5) ? null : r.GetDouble(5),
            Attributes = attributes is null ? null : JsonSerializer.Deserialize(attributes, SqliteJsonContext.Default.DictionaryStringString),
        };
    }

    private const string EventColumns = "customer, touchpoint, ts, channel, event_id, value, attributes";

    private sealed class SqliteEvents(SqliteJourneyStore store) : EventStore
    {
        public override Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(events);
            foreach (JourneyEvent e in events)
            {
                ArgumentNullException.ThrowIfNull(e, nameof(events));
            }

            return store.RunAsync(async connection =>
            {
                using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO events ({EventColumns}) VALUES ($c, $t, $ts, $ch, $id, $v, $a) ON CONFLICT DO NOTHING";
                SqliteParameter c = insert.Parameters.Add("$c", SqliteType.Text);
                SqliteParameter t = insert.Parameters.Add("$t", SqliteType.Text);
                SqliteParameter ts = insert.Parameters.Add("$ts", SqliteType.Integer);
                SqliteParameter ch = insert.Parameters.Add("$ch", SqliteType.Text);
                SqliteParameter id = insert.Parameters.Add("$id", SqliteType.Text);
                SqliteParameter v = insert.Parameters.Add("$v", SqliteType.Real);
                SqliteParameter a = insert.Parameters.Add("$a", SqliteType.Text);
                insert.Prepare();
                int appended = 0;
                foreach (JourneyEvent e in events)
                {
                    cancellationToken.ThrowIfCancellationRequested(); // disposing the open transaction rolls back
                    c.Value = e.CustomerId;
                    t.Value = e.Touchpoint;
                    ts.Value = e.TimestampTicks;
                    ch.Value = e.Channel.IsNone ? DBNull.Value : e.Channel.Name;
                    id.Value = (object?)e.EventId ?? DBNull.Value;
                    v.Value = e.Value is { } value ? value : DBNull.Value;
                    a.Value = e.Attributes is { Count: > 0 } attributes
                        ? JsonSerializer.Serialize(new Dictionary<string, string>(attributes, StringComparer.Ordinal), SqliteJsonContext.Default.DictionaryStringString)
                        : DBNull.Value;
                    appended += insert.ExecuteNonQuery();
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new AppendResult(appended, events.Count - appended);
            }, cancellationToken, write: true);
        }

        public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            return store.RunAsync<IReadOnlyList<JourneyEvent>>(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = $"SELECT {EventColumns} FROM events WHERE customer = $c AND ts >= $from AND ts < $to ORDER BY ts, seq";
                command.Parameters.AddWithValue("$c", customerId);
                command.Parameters.AddWithValue("$from", from?.UtcTicks ?? long.MinValue);
                command.Parameters.AddWithValue("$to", to?.UtcTicks ?? long.MaxValue);
                var result = new List<JourneyEvent>();
                using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(ReadEvent(r));
                }

                return result;
            }, cancellationToken);
        }

        public override async IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            IReadOnlyList<JourneyEvent> all = await store.RunAsync<IReadOnlyList<JourneyEvent>>(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = $"SELECT {EventColumns} FROM events ORDER BY customer, ts, seq";
                var result = new List<JourneyEvent>();
                using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (touchpoints is null || touchpoints.Contains(r.GetString(1)))
                    {
                        result.Add(ReadEvent(r));
                    }
                }

                return result;
            }, cancellationToken).ConfigureAwait(false);

            // SQLite orders text by UTF-8 bytes; the contract orders customers ordinally (UTF-16), so sort stably here.
            foreach (JourneyEvent e in all.OrderBy(e => e.CustomerId, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return e;
            }
        }

        public override Task<long> CountAsync(CancellationToken cancellationToken = default) =>
            store.RunAsync(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM events";
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }, cancellationToken);
    }

    private sealed class SqliteDefinitions(SqliteJourneyStore store) : JourneyDefinitionStore
    {
        public override Task SaveAsync(Journey journey, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(journey);
            journey.EnsureValid();
            string json = JourneyJson.Save(journey);
            return store.RunAsync(async connection =>
            {
                using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                int inserted = await ExecuteAsync(connection, tx, "INSERT INTO journeys (id, version, definition) VALUES ($id, $v, $d) ON CONFLICT DO NOTHING", cancellationToken, ("$id", journey.Id), ("$v", journey.Version), ("$d", json)).ConfigureAwait(false);
                if (inserted == 0)
                {
                    using SqliteCommand read = connection.CreateCommand();
                    read.Transaction = tx;
                    read.CommandText = "SELECT definition FROM journeys WHERE id = $id AND version = $v";
                    read.Parameters.AddWithValue("$id", journey.Id);
                    read.Parameters.AddWithValue("$v", journey.Version);
                    if ((string?)await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) != json)
                    {
                        throw JourneyConcurrencyException.VersionExists(journey.Id, journey.Version);
                    }
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken, write: true);
        }

        public override Task<Journey?> GetAsync(string journeyId, int? version = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            return store.RunAsync(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = version is null
                    ? "SELECT definition FROM journeys WHERE id = $id ORDER BY version DESC LIMIT 1"
                    : "SELECT definition FROM journeys WHERE id = $id AND version = $v";
                command.Parameters.AddWithValue("$id", journeyId);
                command.Parameters.AddWithValue("$v", version ?? 0);
                string? json = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return json is null ? null : JourneyJson.Load(json);
            }, cancellationToken);
        }

        public override Task<IReadOnlyList<(string Id, int Version)>> ListAsync(CancellationToken cancellationToken = default) =>
            store.RunAsync<IReadOnlyList<(string Id, int Version)>>(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "SELECT id, version FROM journeys";
                var result = new List<(string Id, int Version)>();
                using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add((r.GetString(0), r.GetInt32(1)));
                }

                result.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id) is var c && c != 0 ? c : a.Version.CompareTo(b.Version));
                return result;
            }, cancellationToken);
    }

    private sealed class SqliteStates(SqliteJourneyStore store) : InstanceStateStore
    {
        private const string Columns = "customer, journey, journey_version, state, etag, due";

        public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            return store.RunAsync(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM states WHERE customer = $c AND journey = $j";
                command.Parameters.AddWithValue("$c", customerId);
                command.Parameters.AddWithValue("$j", journeyId);
                using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(r) : null;
            }, cancellationToken);
        }

        /// <summary>One query for the whole batch: the ids go in as one JSON array parameter (<c>json_each</c>).</summary>
        public override Task<IReadOnlyList<StoredState?>> GetManyAsync(string journeyId, IReadOnlyList<string> customerIds, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            ArgumentNullException.ThrowIfNull(customerIds);
            var distinct = new HashSet<string>(StringComparer.Ordinal);
            foreach (string customer in customerIds)
            {
                ArgumentException.ThrowIfNullOrEmpty(customer, nameof(customerIds));
                if (!IsWellFormed(customer))
                {
                    // a lone surrogate survives neither JSON nor UTF-8 unchanged: read such batches one by one
                    return base.GetManyAsync(journeyId, customerIds, cancellationToken);
                }

                distinct.Add(customer);
            }

            if (customerIds.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<StoredState?>>([]);
            }

            string ids = JsonArray(distinct);
            return store.RunAsync<IReadOnlyList<StoredState?>>(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM states WHERE journey = $j AND customer IN (SELECT value FROM json_each($ids))";
                command.Parameters.AddWithValue("$j", journeyId);
                command.Parameters.AddWithValue("$ids", ids);
                var found = new Dictionary<string, StoredState>(distinct.Count, StringComparer.Ordinal);
                using (SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        StoredState state = Read(r);
                        found[state.CustomerId] = state;
                    }
                }

                var result = new StoredState?[customerIds.Count];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = found.GetValueOrDefault(customerIds[i]);
                }

                return result;
            }, cancellationToken);
        }

        public override Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            byte[] bytes = state.ToArray();
            string etag = Guid.NewGuid().ToString("N");
            return store.RunAsync(async connection =>
            {
                (string, object?)[] p = [("$c", customerId), ("$j", journeyId), ("$v", journeyVersion), ("$s", bytes), ("$e", etag), ("$due", dueAt?.UtcTicks), ("$old", expectedETag)];
                int changed = expectedETag is null
                    ? await ExecuteAsync(connection, null, $"INSERT INTO states ({Columns}) VALUES ($c, $j, $v, $s, $e, $due) ON CONFLICT DO NOTHING", cancellationToken, p).ConfigureAwait(false)
                    : await ExecuteAsync(connection, null, "UPDATE states SET journey_version = $v, state = $s, etag = $e, due = $due WHERE customer = $c AND journey = $j AND etag = $old", cancellationToken, p).ConfigureAwait(false);
                return changed == 1 ? etag : throw JourneyConcurrencyException.StaleETag(customerId, journeyId, expectedETag);
            }, cancellationToken, write: true);
        }

        /// <summary>All writes in one transaction (one flush), each with its own ETag check.</summary>
        public override Task<IReadOnlyList<string?>> SaveManyAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(writes);
            foreach (StateWrite w in writes)
            {
                ArgumentException.ThrowIfNullOrEmpty(w.CustomerId);
                ArgumentException.ThrowIfNullOrEmpty(w.JourneyId);
            }

            if (writes.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<string?>>([]);
            }

            return store.RunAsync<IReadOnlyList<string?>>(async connection =>
            {
                var etags = new string?[writes.Count];
                using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO states ({Columns}) VALUES ($c, $j, $v, $s, $e, $due) ON CONFLICT DO NOTHING";
                using SqliteCommand update = connection.CreateCommand();
                update.Transaction = tx;
                update.CommandText = "UPDATE states SET journey_version = $v, state = $s, etag = $e, due = $due WHERE customer = $c AND journey = $j AND etag = $old";
                for (int i = 0; i < writes.Count; i++)
                {
                    StateWrite w = writes[i];
                    string etag = Guid.NewGuid().ToString("N");
                    SqliteCommand command = w.ExpectedETag is null ? insert : update;
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$c", w.CustomerId);
                    command.Parameters.AddWithValue("$j", w.JourneyId);
                    command.Parameters.AddWithValue("$v", w.JourneyVersion);
                    command.Parameters.AddWithValue("$s", w.State.ToArray());
                    command.Parameters.AddWithValue("$e", etag);
                    command.Parameters.AddWithValue("$due", w.DueAt is { } due ? due.UtcTicks : DBNull.Value);
                    if (w.ExpectedETag is { } old)
                    {
                        command.Parameters.AddWithValue("$old", old);
                    }

                    etags[i] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? etag : null;
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return etags;
            }, cancellationToken, write: true);
        }

        public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            return store.RunAsync<IReadOnlyList<StoredState>>(async connection =>
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM states WHERE journey = $j AND due IS NOT NULL AND due <= $asOf ORDER BY due, customer LIMIT $limit";
                command.Parameters.AddWithValue("$j", journeyId);
                command.Parameters.AddWithValue("$asOf", asOf.UtcTicks);
                command.Parameters.AddWithValue("$limit", limit);
                var result = new List<StoredState>();
                using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(Read(r));
                }

                return result;
            }, cancellationToken);
        }

        /// <summary>A JSON array of the ids, non-ASCII written as UTF-8 (no escapes for SQLite's JSON reader to undo).</summary>
        private static string JsonArray(IEnumerable<string> ids)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartArray();
                foreach (string id in ids)
                {
                    json.WriteStringValue(id);
                }

                json.WriteEndArray();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private static bool IsWellFormed(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static StoredState Read(SqliteDataReader r) => new(
            r.GetString(0),
            r.GetString(1),
            r.GetInt32(2),
            (byte[])r.GetValue(3),
            r.GetString(4),
            r.IsDBNull(5) ? null : new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero));
    }
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
