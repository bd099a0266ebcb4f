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
    private const int MaxGroup = 256;
    private readonly System.Collections.Concurrent.ConcurrentQueue<WriteJob> _writes = new();
    private int _writing; // 1 while a writer drains _writes: one writer per store, so our own writes never wait on SQLite's lock
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
        return WriteAsync("store.erase_customer", 
            (connection, tx) =>
            {
                int events = Execute(connection, tx, "DELETE FROM events WHERE customer = $c", ("$c", customerId));
                int states = Execute(connection, tx, "DELETE FROM states WHERE customer = $c", ("$c", customerId));
                return new ErasureResult(events, states);
            },
            cancellationToken,
            checkpoint: true); // the deleted pages' old versions live in the WAL until a checkpoint copies the zeroed pages over them
    }

    /// <summary>
    /// Opens the database, creates or migrates its schema and checks it can be written, so that a host fails at start-up
    /// (a missing directory, a file that is not a database, a newer schema, a read-only file) instead of at the first event.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task.</returns>
    /// <exception cref="JourneyStoreException">The store cannot be used; the message names the reason.</exception>
    public Task CheckAsync(CancellationToken cancellationToken = default) =>
        WriteAsync("store.check", (connection, tx) => Execute(connection, tx, "DELETE FROM schema_version WHERE version < 0"), cancellationToken); // a write that changes nothing

    /// <summary>The store's name in <see cref="StoreTelemetry"/>'s <c>journeykit.store</c> tag.</summary>
    private const string TelemetryName = "sqlite";

    private async Task<T> RunAsync<T>(string operation, Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StoreOperation measured = StoreTelemetry.Begin(TelemetryName, operation);
        Exception? failure = null;
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_initialized)
            {
                await InitializeAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return await work(connection).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            JourneyStoreException mapped = Map(e);
            failure = mapped;
            throw mapped;
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

    /// <summary>Records a queued write in <see cref="StoreTelemetry"/> (metrics and span) when it is committed (or fails).</summary>
    /// <remarks>An async method, so the span it begins is <see cref="System.Diagnostics.Activity.Current"/> only inside it, not in the caller after it returns.</remarks>
    private async Task<T> MeasuredWriteAsync<T>(string operation, WriteJob<T> job)
    {
        StoreOperation measured = StoreTelemetry.Begin(TelemetryName, operation);
        Exception? failure = null;
        try
        {
            Enqueue(job);
            return await job.Task.ConfigureAwait(false);
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

    private static JourneyStoreException Map(SqliteException e) => e.SqliteErrorCode is 5 or 6 or 10 or 13 or 14 or 26
        ? new JourneyStoreUnavailableException($"The SQLite store is unavailable: {e.Message}", e) // BUSY, LOCKED, IOERR, FULL, CANTOPEN, NOTADB
        : new JourneyStoreException($"The SQLite store failed: {e.Message}", e);

    /// <summary>
    /// Runs a write in the next group commit: writes that arrive while one transaction is being written are queued and
    /// then run together in one transaction, each inside its own savepoint (a write that throws is rolled back alone and
    /// sees its exception), with one commit — one flush of the WAL — for all of them. Each task completes only after
    /// that commit, so an acknowledged write is durable, and none sees another's partial effects.
    /// </summary>
    private Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken, bool checkpoint = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var job = new WriteJob<T>(work, cancellationToken, checkpoint);
        if (StoreTelemetry.Enabled)
        {
            return MeasuredWriteAsync(operation, job);
        }

        Enqueue(job);
        return job.Task;
    }

    private void Enqueue(WriteJob job)
    {
        _writes.Enqueue(job);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = Task.Run(DrainWritesAsync, CancellationToken.None);
        }
    }

    /// <summary>The one writer: commits queued writes in groups until the queue is empty.</summary>
    private async Task DrainWritesAsync()
    {
        var group = new List<WriteJob>(MaxGroup);
        while (true)
        {
            while (_writes.TryDequeue(out WriteJob? job))
            {
                group.Add(job);
                if (group.Count == MaxGroup)
                {
                    await CommitGroupAsync(group).ConfigureAwait(false);
                    group.Clear();
                }
            }

            if (group.Count > 0)
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
                group.Clear();
            }

            Volatile.Write(ref _writing, 0);
            if (_writes.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task CommitGroupAsync(List<WriteJob> group)
    {
        var succeeded = new List<WriteJob>(group.Count);
        bool checkpoint = false;
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            if (!_initialized)
            {
                await InitializeAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }

            if (_secureDelete)
            {
                Execute(connection, null, "PRAGMA secure_delete=ON;");
            }

            using (SqliteTransaction tx = connection.BeginTransaction(deferred: false))
            {
                for (int i = 0; i < group.Count; i++)
                {
                    WriteJob job = group[i];
                    if (job.Token.IsCancellationRequested)
                    {
                        job.Cancel();
                        continue;
                    }

                    string savepoint = "w" + i.ToString(CultureInfo.InvariantCulture);
                    tx.Save(savepoint);
                    try
                    {
                        job.Run(connection, tx);
                        tx.Release(savepoint);
                        succeeded.Add(job);
                        checkpoint |= job.Checkpoint;
                    }
                    catch (Exception e) when (e is not SqliteException || ((SqliteException)e).SqliteErrorCode is not (5 or 6 or 10 or 13))
                    {
                        tx.Rollback(savepoint);
                        tx.Release(savepoint);
                        job.Fail(e is SqliteException sqlite ? Map(sqlite) : e);
                    }
                }

                tx.Commit();
            }

            if (checkpoint)
            {
                Execute(connection, null, "PRAGMA wal_checkpoint(TRUNCATE);");
            }
        }
        catch (Exception e)
        {
            // nothing of the group is committed (or the commit's fate is unknown): every write still waiting fails
            Exception failure = e is SqliteException sqlite ? Map(sqlite) : e;
            foreach (WriteJob job in group)
            {
                job.Fail(failure);
            }

            return;
        }

        foreach (WriteJob job in succeeded)
        {
            job.Complete();
        }
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>A queued write.</summary>
    private abstract class WriteJob(CancellationToken token, bool checkpoint)
    {
        public CancellationToken Token { get; } = token;

        public bool Checkpoint { get; } = checkpoint;

        public abstract void Run(SqliteConnection connection, SqliteTransaction tx);

        public abstract void Complete();

        public abstract void Fail(Exception e);

        public abstract void Cancel();
    }

    private sealed class WriteJob<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken token, bool checkpoint) : WriteJob(token, checkpoint)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override void Run(SqliteConnection connection, SqliteTransaction tx) => _result = work(connection, tx);

        public override void Complete() => _done.TrySetResult(_result!);

        public override void Fail(Exception e) => _done.TrySetException(e);

        public override void Cancel() => _done.TrySetCanceled(Token);
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

            return store.WriteAsync("events.append", (connection, tx) =>
            {
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
                    cancellationToken.ThrowIfCancellationRequested(); // the write's savepoint is rolled back
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

                return new AppendResult(appended, events.Count - appended);
            }, cancellationToken);
        }

        public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(customerId);
            return store.RunAsync<IReadOnlyList<JourneyEvent>>("events.read", async connection =>
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

        /// <summary>One query for the whole batch: the (customer, from) pairs go in as one JSON array parameter.</summary>
        public override Task<IReadOnlyList<IReadOnlyList<JourneyEvent>>> ReadManyAsync(IReadOnlyList<CustomerLogRead> reads, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(reads);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartArray();
                foreach (CustomerLogRead read in reads)
                {
                    ArgumentException.ThrowIfNullOrEmpty(read.CustomerId, nameof(reads));
                    if (!SqliteStates.IsWellFormed(read.CustomerId))
                    {
                        return base.ReadManyAsync(reads, cancellationToken); // a lone surrogate survives neither JSON nor UTF-8 unchanged
                    }

                    json.WriteStartArray();
                    json.WriteStringValue(read.CustomerId);
                    json.WriteNumberValue(read.From?.UtcTicks ?? long.MinValue);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
            }

            if (reads.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<IReadOnlyList<JourneyEvent>>>([]);
            }

            string pairs = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            return store.RunAsync<IReadOnlyList<IReadOnlyList<JourneyEvent>>>("events.read_many", async connection =>
            {
                var logs = new List<JourneyEvent>[reads.Count];
                for (int i = 0; i < logs.Length; i++)
                {
                    logs[i] = [];
                }

                using SqliteCommand command = connection.CreateCommand();
                // CROSS JOIN keeps the pairs as the outer loop: one index seek on (customer, ts, seq) per pair
                command.CommandText = "SELECT e.customer, e.touchpoint, e.ts, e.channel, e.event_id, e.value, e.attributes, q.key " +
                    "FROM json_each($q) AS q CROSS JOIN events AS e " +
                    "WHERE e.customer = json_extract(q.value, '$[0]') AND e.ts >= json_extract(q.value, '$[1]') ORDER BY q.key, e.ts, e.seq";
                command.Parameters.AddWithValue("$q", pairs);
                using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    logs[r.GetInt32(7)].Add(ReadEvent(r));
                }

                return logs;
            }, cancellationToken);
        }

        public override async IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            IReadOnlyList<JourneyEvent> all = await store.RunAsync<IReadOnlyList<JourneyEvent>>("events.scan", async connection =>
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
            store.RunAsync("events.count", async connection =>
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
            return store.WriteAsync("definitions.save", (connection, tx) =>
            {
                int inserted = Execute(connection, tx, "INSERT INTO journeys (id, version, definition) VALUES ($id, $v, $d) ON CONFLICT DO NOTHING", ("$id", journey.Id), ("$v", journey.Version), ("$d", json));
                if (inserted == 0)
                {
                    using SqliteCommand read = connection.CreateCommand();
                    read.Transaction = tx;
                    read.CommandText = "SELECT definition FROM journeys WHERE id = $id AND version = $v";
                    read.Parameters.AddWithValue("$id", journey.Id);
                    read.Parameters.AddWithValue("$v", journey.Version);
                    if ((string?)read.ExecuteScalar() != json)
                    {
                        throw JourneyConcurrencyException.VersionExists(journey.Id, journey.Version);
                    }
                }

                return true;
            }, cancellationToken);
        }

        public override Task<Journey?> GetAsync(string journeyId, int? version = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            return store.RunAsync("definitions.get", async connection =>
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
            store.RunAsync<IReadOnlyList<(string Id, int Version)>>("definitions.list", async connection =>
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
            return store.RunAsync("instances.get", async connection =>
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
            return store.RunAsync<IReadOnlyList<StoredState?>>("instances.get_many", async connection =>
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
            return store.WriteAsync("instances.save", (connection, tx) =>
            {
                (string, object?)[] p = [("$c", customerId), ("$j", journeyId), ("$v", journeyVersion), ("$s", bytes), ("$e", etag), ("$due", dueAt?.UtcTicks), ("$old", expectedETag)];
                int changed = expectedETag is null
                    ? Execute(connection, tx, $"INSERT INTO states ({Columns}) VALUES ($c, $j, $v, $s, $e, $due) ON CONFLICT DO NOTHING", p)
                    : Execute(connection, tx, "UPDATE states SET journey_version = $v, state = $s, etag = $e, due = $due WHERE customer = $c AND journey = $j AND etag = $old", p);
                return changed == 1 ? etag : throw JourneyConcurrencyException.StaleETag(customerId, journeyId, expectedETag);
            }, cancellationToken);
        }

        /// <summary>All writes in one transaction (one flush, shared with concurrent writes), each with its own ETag check.</summary>
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

            return store.WriteAsync<IReadOnlyList<string?>>("instances.save_many", (connection, tx) =>
            {
                var etags = new string?[writes.Count];
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

                    etags[i] = command.ExecuteNonQuery() == 1 ? etag : null;
                }

                return etags;
            }, cancellationToken);
        }

        public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(journeyId);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            return store.RunAsync<IReadOnlyList<StoredState>>("instances.get_due", async connection =>
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

        internal static bool IsWellFormed(string text)
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
