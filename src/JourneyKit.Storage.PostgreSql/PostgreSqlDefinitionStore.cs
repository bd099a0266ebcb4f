using JourneyKit.Model;
using JourneyKit.Model.Json;
using Npgsql;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>The journey definitions of <see cref="PostgreSqlJourneyStore"/>: immutable (id, version) rows of JourneyJson.</summary>
internal sealed class PostgreSqlDefinitionStore(PostgreSqlJourneyStore store) : JourneyDefinitionStore
{
    public override Task SaveAsync(Journey journey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        journey.EnsureValid();
        PostgreSqlText.Check(journey.Id, "The journey id", nameof(journey));
        string json = JourneyJson.Save(journey);
        return store.RunAsync("definitions.save", 
            async connection =>
            {
                await using var insert = new NpgsqlCommand(store.Sql.InsertJourney, connection);
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = journey.Id });
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = journey.Version });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                {
                    return true;
                }

                // Already stored (rows are never updated, so reading it outside the insert's transaction is safe).
                string? stored = await ReadAsync(connection, journey.Id, journey.Version, cancellationToken).ConfigureAwait(false);
                return stored == json ? true : throw JourneyConcurrencyException.VersionExists(journey.Id, journey.Version);
            },
            cancellationToken);
    }

    public override Task<Journey?> GetAsync(string journeyId, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        PostgreSqlText.Check(journeyId, "The journey id", nameof(journeyId));
        return store.RunAsync("definitions.get", 
            async connection =>
            {
                string? json = await ReadAsync(connection, journeyId, version, cancellationToken).ConfigureAwait(false);
                return json is null ? null : JourneyJson.Load(json);
            },
            cancellationToken);
    }

    public override Task<IReadOnlyList<(string Id, int Version)>> ListAsync(CancellationToken cancellationToken = default) =>
        store.RunAsync<IReadOnlyList<(string Id, int Version)>>("definitions.list", 
            async connection =>
            {
                await using var command = new NpgsqlCommand(store.Sql.ListJourneys, connection);
                var result = new List<(string Id, int Version)>();
                await using NpgsqlDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result.Add((r.GetString(0), r.GetInt32(1)));
                }

                // The "C" collation orders by code point; the contract orders ids ordinally (UTF-16).
                result.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id) is var c && c != 0 ? c : a.Version.CompareTo(b.Version));
                return result;
            },
            cancellationToken);

    private async Task<string?> ReadAsync(NpgsqlConnection connection, string journeyId, int? version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(version is null ? store.Sql.ReadLatestJourney : store.Sql.ReadJourney, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = journeyId });
        if (version is { } v)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = v });
        }

        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
