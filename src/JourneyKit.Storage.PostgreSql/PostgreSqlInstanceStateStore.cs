using Npgsql;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>
/// The instance states of <see cref="PostgreSqlJourneyStore"/>. ETags are fresh GUIDs compared in the <c>UPDATE</c>'s
/// <c>WHERE</c> (a create is an <c>INSERT … ON CONFLICT DO NOTHING</c>), so the check and the write are one atomic
/// statement: of concurrent writers with the same ETag, the row lock lets exactly one through.
/// </summary>
internal sealed class PostgreSqlInstanceStateStore(PostgreSqlJourneyStore store) : InstanceStateStore
{
    public override Task<StoredState?> GetAsync(string customerId, string journeyId, CancellationToken cancellationToken = default)
    {
        CheckKey(customerId, journeyId);
        return store.RunAsync("instances.get", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.ReadState, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = customerId });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = journeyId });
                await using NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(r) : null;
            },
            cancellationToken);
    }

    /// <summary>One query (<c>customer = ANY($2)</c> on the primary key) for all the customers.</summary>
    public override Task<IReadOnlyList<StoredState?>> GetManyAsync(string journeyId, IReadOnlyList<string> customerIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        ArgumentNullException.ThrowIfNull(customerIds);
        PostgreSqlText.Check(journeyId, "The journey id", nameof(journeyId));
        var ids = new string[customerIds.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            string id = customerIds[i];
            if (string.IsNullOrEmpty(id))
            {
                throw new ArgumentException($"customerIds[{i}] is null or empty.", nameof(customerIds));
            }

            PostgreSqlText.Check(id, $"customerIds[{i}]", nameof(customerIds));
            ids[i] = id;
        }

        if (ids.Length == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult<IReadOnlyList<StoredState?>>([]);
        }

        return store.RunAsync<IReadOnlyList<StoredState?>>("instances.get_many", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.ReadStates, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = journeyId });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
                var found = new Dictionary<string, StoredState>(ids.Length, StringComparer.Ordinal);
                await using (NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        StoredState state = Read(r);
                        found[state.CustomerId] = state;
                    }
                }

                var result = new StoredState?[ids.Length];
                for (int i = 0; i < ids.Length; i++)
                {
                    result[i] = found.GetValueOrDefault(ids[i]);
                }

                return result;
            },
            cancellationToken);
    }

    public override Task<string> SaveAsync(string customerId, string journeyId, int journeyVersion, ReadOnlyMemory<byte> state, DateTimeOffset? dueAt, string? expectedETag, CancellationToken cancellationToken = default)
    {
        CheckKey(customerId, journeyId);
        PostgreSqlText.Check(expectedETag, "The expected ETag", nameof(expectedETag));
        string etag = NewETag();
        return store.RunAsync("instances.save", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(expectedETag is null ? store.Sql.InsertState : store.Sql.UpdateState, connection);
                AddParameters(command.Parameters, new StateWrite(customerId, journeyId, journeyVersion, state, dueAt, expectedETag), etag);
                int changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return changed == 1 ? etag : throw JourneyConcurrencyException.StaleETag(customerId, journeyId, expectedETag);
            },
            cancellationToken);
    }

    /// <summary>
    /// All writes in one batch — one round trip, one implicit transaction — each with its own ETag check. The statements
    /// run in (journey, customer) order so that concurrent batches lock rows in one order and cannot deadlock; the results
    /// come back in the caller's order.
    /// </summary>
    public override Task<IReadOnlyList<string?>> SaveManyAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        for (int i = 0; i < writes.Count; i++)
        {
            StateWrite w = writes[i];
            CheckKey(w.CustomerId, w.JourneyId);
            PostgreSqlText.Check(w.ExpectedETag, $"writes[{i}].ExpectedETag", nameof(writes));
        }

        if (writes.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult<IReadOnlyList<string?>>([]);
        }

        // A stable sort by (journey, customer): two writes of one state keep their order, so the second sees the first.
        var order = new int[writes.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = string.CompareOrdinal(writes[a].JourneyId, writes[b].JourneyId);
            if (c == 0)
            {
                c = string.CompareOrdinal(writes[a].CustomerId, writes[b].CustomerId);
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        var etags = new string[writes.Count];
        for (int i = 0; i < etags.Length; i++)
        {
            etags[i] = NewETag();
        }

        return store.RunAsync<IReadOnlyList<string?>>("instances.save_many", 
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                foreach (int i in order)
                {
                    StateWrite w = writes[i];
                    var command = new NpgsqlBatchCommand(w.ExpectedETag is null ? store.Sql.InsertState : store.Sql.UpdateState);
                    AddParameters(command.Parameters, w, etags[i]);
                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                var result = new string?[writes.Count];
                for (int k = 0; k < order.Length; k++)
                {
                    int i = order[k];
                    result[i] = batch.BatchCommands[k].RecordsAffected == 1 ? etags[i] : null;
                }

                return result;
            },
            cancellationToken);
    }

    public override Task<IReadOnlyList<StoredState>> GetDueAsync(string journeyId, DateTimeOffset asOf, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        PostgreSqlText.Check(journeyId, "The journey id", nameof(journeyId));
        return store.RunAsync<IReadOnlyList<StoredState>>("instances.get_due", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.ReadDue, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = journeyId });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = asOf.UtcTicks });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
                var result = new List<StoredState>();
                await using NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add(Read(r));
                }

                return result;
            },
            cancellationToken);
    }

    private static string NewETag() => Guid.NewGuid().ToString("N");

    private static void CheckKey(string customerId, string journeyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        PostgreSqlText.Check(customerId, "The customer id", nameof(customerId));
        PostgreSqlText.Check(journeyId, "The journey id", nameof(journeyId));
    }

    /// <summary>$1 customer, $2 journey, $3 version, $4 state, $5 new ETag, $6 due, and $7 the expected ETag when updating.</summary>
    private static void AddParameters(NpgsqlParameterCollection parameters, StateWrite w, string etag)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = w.CustomerId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = w.JourneyId });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = w.JourneyVersion });
        parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = w.State, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = etag });
        parameters.Add(w.DueAt is { } due ? new NpgsqlParameter<long> { TypedValue = due.UtcTicks } : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        if (w.ExpectedETag is { } expected)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = expected });
        }
    }

    private static StoredState Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetInt32(2),
        r.GetFieldValue<byte[]>(3),
        r.GetString(4),
        r.IsDBNull(5) ? null : new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero));
}
