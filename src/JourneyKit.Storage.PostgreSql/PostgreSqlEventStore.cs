using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model;
using Npgsql;
using NpgsqlTypes;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>The event log of <see cref="PostgreSqlJourneyStore"/>.</summary>
internal sealed class PostgreSqlEventStore(PostgreSqlJourneyStore store) : EventStore
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override Task<AppendResult> AppendAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (int i = 0; i < events.Count; i++)
        {
            JourneyEvent e = events[i] ?? throw new ArgumentNullException(nameof(events), $"events[{i}] is null.");
            Check(e, i);
        }

        if (events.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(default(AppendResult));
        }

        return events.Count >= store.CopyThreshold ? CopyAsync(events, cancellationToken) : InsertAsync(events, cancellationToken);
    }

    public override Task<IReadOnlyList<JourneyEvent>> ReadAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        PostgreSqlText.Check(customerId, "The customer id", nameof(customerId));
        return store.RunAsync<IReadOnlyList<JourneyEvent>>("events.read", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.ReadRange, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from?.UtcTicks ?? long.MinValue });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to?.UtcTicks ?? long.MaxValue });
                var result = new List<JourneyEvent>();
                await using NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(ReadEvent(r, null));
                }

                return result;
            },
            cancellationToken);
    }

    /// <summary>
    /// Streams from the (customer, ts, append) index. PostgreSQL's "C" collation orders by code point; the contract orders
    /// customers by UTF-16 code unit (ordinal). The two differ only where one id has a character U+E000–U+FFFF and the
    /// other a character above U+FFFF at the first difference, so customers whose ids hold U+E000–U+FFFF are held back and
    /// released in ordinal order; no other customer can be out of place (see docs/storage-postgresql.md).
    /// </summary>
    public override async IAsyncEnumerable<JourneyEvent> ScanAsync(IReadOnlyCollection<string>? touchpoints = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string[]? filter = null;
        if (touchpoints is not null)
        {
            filter = new string[touchpoints.Count];
            int i = 0;
            foreach (string t in touchpoints)
            {
                PostgreSqlText.Check(t, "A touchpoint", nameof(touchpoints));
                filter[i++] = t;
            }
        }

        await using NpgsqlConnection connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(filter is null ? store.Sql.Scan : store.Sql.ScanTouchpoints, connection);
        if (filter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = filter });
        }

        NpgsqlDataReader r = await Step(command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            var heldBack = new SortedDictionary<string, List<JourneyEvent>>(StringComparer.Ordinal);
            string? customer = null;
            List<JourneyEvent>? held = null;
            while (await Step(r.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                JourneyEvent e = ReadEvent(r, customer);
                if (!ReferenceEquals(e.CustomerId, customer))
                {
                    customer = e.CustomerId;
                    held = null;
                    if (NeedsHolding(customer))
                    {
                        held = [];
                        heldBack.Add(customer, held);
                    }
                    else
                    {
                        while (heldBack.Count > 0 && First(heldBack) is var (key, list) && string.CompareOrdinal(key, customer) < 0)
                        {
                            heldBack.Remove(key);
                            foreach (JourneyEvent h in list)
                            {
                                yield return h;
                            }
                        }
                    }
                }

                if (held is not null)
                {
                    held.Add(e);
                }
                else
                {
                    yield return e;
                }
            }

            foreach (List<JourneyEvent> list in heldBack.Values)
            {
                foreach (JourneyEvent h in list)
                {
                    yield return h;
                }
            }
        }
    }

    public override Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        store.RunAsync("events.count", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.Count, connection);
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken);

    /// <summary>A small append: one INSERT from arrays, one round trip, atomic as one statement.</summary>
    private Task<AppendResult> InsertAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
    {
        int n = events.Count;
        var customers = new string[n];
        var timestamps = new long[n];
        var touchpoints = new string[n];
        var channels = new string?[n];
        var ids = new string?[n];
        var values = new double?[n];
        var attributes = new string?[n];
        var json = new AttributeJson();
        for (int i = 0; i < n; i++)
        {
            JourneyEvent e = events[i];
            customers[i] = e.CustomerId;
            timestamps[i] = e.TimestampTicks;
            touchpoints[i] = e.Touchpoint;
            channels[i] = e.Channel.IsNone ? null : e.Channel.Name;
            ids[i] = e.EventId;
            values[i] = e.Value;
            attributes[i] = json.Write(e.Attributes);
        }

        return store.RunAsync("events.append", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.InsertFromArrays, connection);
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = customers });
                command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = timestamps });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = touchpoints });
                command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = channels });
                command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = ids });
                command.Parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = values });
                command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = attributes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
                int appended = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new AppendResult(appended, n - appended);
            },
            cancellationToken);
    }

    /// <summary>
    /// A bulk append. First one binary COPY straight into the events table (one statement, so atomic): when no event's
    /// (customer, event id) is already stored or repeated in the batch — the common case — that is all, with no staging
    /// table, sort or per-row conflict check (about half the server's work per event). A COPY that hits a duplicate
    /// (unique violation) or a concurrent append of the same ids (deadlock, detected by the server) writes nothing; the
    /// append then takes the path that handles duplicates: COPY into a temporary table and one
    /// INSERT … ON CONFLICT DO NOTHING in key order, in one transaction.
    /// </summary>
    private Task<AppendResult> CopyAsync(IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken) =>
        store.RunAsync("events.append", 
            async connection =>
            {
                long appendNo;
                await using (var next = new NpgsqlCommand(store.Sql.NextAppendNo, connection))
                {
                    appendNo = (long)(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                if (await TryCopyDirectAsync(connection, events, appendNo, cancellationToken).ConfigureAwait(false))
                {
                    return new AppendResult(events.Count, 0);
                }

                // The staged INSERT takes its keys in order, so two staged appends never deadlock, but one can with a
                // direct COPY still in flight (random order); the server then rolls one of them back whole. A staged
                // victim retries (the direct one falls back to staging itself), so the retries converge.
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await CopyStagedAsync(connection, events, cancellationToken).ConfigureAwait(false);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MaxStagedAttempts)
                    {
                        await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken).ConfigureAwait(false);
                    }
                }
            },
            cancellationToken);

    /// <summary>How many times a staged append the server chose as a deadlock victim is tried in all.</summary>
    private const int MaxStagedAttempts = 8;

    /// <summary>COPY into the events table; false (nothing written) when an event is a duplicate or a concurrent append deadlocked with it.</summary>
    private async Task<bool> TryCopyDirectAsync(NpgsqlConnection connection, IReadOnlyList<JourneyEvent> events, long appendNo, CancellationToken cancellationToken)
    {
        var json = new AttributeJson();
        try
        {
            NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(store.Sql.CopyEvents, cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                for (int i = 0; i < events.Count; i++)
                {
                    JourneyEvent e = events[i];
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(e.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(e.TimestampTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(appendNo, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(i + 1, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await WriteColumnsAsync(importer, e, json, cancellationToken).ConfigureAwait(false);
                }

                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            return false;
        }
    }

    /// <summary>COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING in key order, in one transaction.</summary>
    private async Task<AppendResult> CopyStagedAsync(NpgsqlConnection connection, IReadOnlyList<JourneyEvent> events, CancellationToken cancellationToken)
    {
        await using NpgsqlTransaction tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(PostgreSqlSql.CreateStaging, connection, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var json = new AttributeJson();
        NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(PostgreSqlSql.CopyStaging, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            for (int i = 0; i < events.Count; i++)
            {
                JourneyEvent e = events[i];
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(e.CustomerId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(e.TimestampTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(i + 1, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await WriteColumnsAsync(importer, e, json, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        int appended;
        await using (var insert = new NpgsqlCommand(store.Sql.InsertFromStaging, connection, tx))
        {
            appended = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AppendResult(appended, events.Count - appended);
    }

    /// <summary>Writes touchpoint, channel, event id, value and attributes (the columns both COPY paths share, in that order).</summary>
    private static async Task WriteColumnsAsync(NpgsqlBinaryImporter importer, JourneyEvent e, AttributeJson json, CancellationToken cancellationToken)
    {
        await importer.WriteAsync(e.Touchpoint, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, e.Channel.IsNone ? null : e.Channel.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, e.EventId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        if (e.Value is { } value)
        {
            await importer.WriteAsync(value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }

        await WriteNullableAsync(importer, json.Write(e.Attributes), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private static void Check(JourneyEvent e, int index)
    {
        if (string.IsNullOrEmpty(e.CustomerId))
        {
            throw new ArgumentException($"events[{index}].CustomerId is empty.", "events");
        }

        PostgreSqlText.Check(e.CustomerId, $"events[{index}].CustomerId", "events");
        PostgreSqlText.Check(e.Touchpoint, $"events[{index}].Touchpoint", "events");
        PostgreSqlText.Check(e.EventId, $"events[{index}].EventId", "events");
        if (!e.Channel.IsNone)
        {
            PostgreSqlText.Check(e.Channel.Name, $"events[{index}].Channel", "events");
        }

        if (e.Attributes is { } attributes)
        {
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                PostgreSqlText.Check(pair.Key, $"An attribute name of events[{index}]", "events");
                PostgreSqlText.Check(pair.Value, $"events[{index}].Attributes[\"{pair.Key}\"]", "events");
            }
        }
    }

    /// <summary>Awaits one step of a streaming read, translating Npgsql failures as <see cref="PostgreSqlJourneyStore.RunAsync"/> does.</summary>
    private async Task<T> Step<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception e) when (store.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    private static KeyValuePair<string, List<JourneyEvent>> First(SortedDictionary<string, List<JourneyEvent>> d)
    {
        using SortedDictionary<string, List<JourneyEvent>>.Enumerator e = d.GetEnumerator();
        e.MoveNext();
        return e.Current;
    }

    /// <summary>Whether the id has a character U+E000–U+FFFF, the only ones whose code-point and UTF-16 orders differ.</summary>
    private static bool NeedsHolding(string id)
    {
        foreach (char c in id)
        {
            if (c >= '\uE000')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads one event row; reuses <paramref name="previousCustomer"/> when the row has the same customer.</summary>
    private static JourneyEvent ReadEvent(NpgsqlDataReader r, string? previousCustomer)
    {
        string customer = r.GetString(0);
        if (previousCustomer is not null && string.Equals(customer, previousCustomer, StringComparison.Ordinal))
        {
            customer = previousCustomer;
        }

        return new JourneyEvent(customer, r.GetString(1), new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero), r.IsDBNull(3) ? Channel.None : new Channel(r.GetString(3)))
        {
            EventId = r.IsDBNull(4) ? null : r.GetString(4),
            Value = r.IsDBNull(5) ? null : r.GetDouble(5),
            Attributes = r.IsDBNull(6) ? null : JsonSerializer.Deserialize(r.GetString(6), PostgreSqlJsonContext.Default.DictionaryStringString),
        };
    }

    /// <summary>Writes attribute maps as JSON objects, reusing one buffer for a whole append.</summary>
    private sealed class AttributeJson
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private Utf8JsonWriter? _writer;

        public string? Write(IReadOnlyDictionary<string, string>? attributes)
        {
            if (attributes is not { Count: > 0 })
            {
                return null;
            }

            _buffer.ResetWrittenCount();
            if (_writer is null)
            {
                _writer = new Utf8JsonWriter(_buffer, JsonOptions);
            }
            else
            {
                _writer.Reset(_buffer);
            }

            _writer.WriteStartObject();
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                _writer.WriteString(pair.Key, pair.Value);
            }

            _writer.WriteEndObject();
            _writer.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
    }
}
