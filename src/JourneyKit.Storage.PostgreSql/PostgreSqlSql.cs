namespace JourneyKit.Storage.PostgreSql;

/// <summary>
/// The store's SQL for one schema, built once. Values are always parameters (<c>$1</c>, <c>$2</c>, …); the schema name,
/// the only identifier spliced in, was validated to lower-case letters, digits and underscores, and is quoted.
/// </summary>
internal sealed class PostgreSqlSql
{
    public const string EventColumns = "customer, touchpoint, ts, channel, event_id, value, attributes";

    public const string StateColumns = "customer, journey, journey_version, state, etag, due";

    public PostgreSqlSql(string schema)
    {
        string s = "\"" + schema + "\"";
        Schema = s;

        // Ties on (customer, event id) within one append: the ON CONFLICT arbiter keeps the first row inserted, and rows
        // are inserted by (customer, event id, position) in byte order ("C", no locale cost): the first occurrence in the
        // batch wins. Inserting in key order also makes concurrent appends of overlapping ids take their index locks in
        // one order, so they cannot deadlock.
        const string Insert = "(customer, ts, append_no, append_pos, touchpoint, channel, event_id, value, attributes)";
        const string Conflict = "ON CONFLICT (customer, event_id) WHERE event_id IS NOT NULL DO NOTHING";
        InsertFromArrays =
            $"INSERT INTO {s}.events {Insert} " +
            "SELECT u.customer, u.ts, b.n, u.pos::integer, u.touchpoint, u.channel, u.event_id, u.value, u.attributes " +
            $"FROM (SELECT nextval('{s}.append_no') AS n) AS b, " +
            "unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::double precision[], $7::jsonb[]) " +
            "WITH ORDINALITY AS u(customer, ts, touchpoint, channel, event_id, value, attributes, pos) " +
            $"ORDER BY u.customer COLLATE \"C\", u.event_id COLLATE \"C\", u.pos {Conflict}";
        InsertFromStaging =
            $"INSERT INTO {s}.events {Insert} " +
            "SELECT t.customer, t.ts, b.n, t.pos, t.touchpoint, t.channel, t.event_id, t.value, t.attributes " +
            $"FROM (SELECT nextval('{s}.append_no') AS n) AS b, pg_temp.journeykit_append AS t " +
            $"ORDER BY t.customer COLLATE \"C\", t.event_id COLLATE \"C\", t.pos {Conflict}";
        NextAppendNo = $"SELECT nextval('{s}.append_no')";
        CopyEvents = $"COPY {s}.events (customer, ts, append_no, append_pos, touchpoint, channel, event_id, value, attributes) FROM STDIN (FORMAT BINARY)";
        ReadRange = $"SELECT {EventColumns} FROM {s}.events WHERE customer = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, append_no, append_pos";
        Scan = $"SELECT {EventColumns} FROM {s}.events ORDER BY customer, ts, append_no, append_pos";
        ScanTouchpoints = $"SELECT {EventColumns} FROM {s}.events WHERE touchpoint = ANY($1) ORDER BY customer, ts, append_no, append_pos";
        Count = $"SELECT count(*) FROM {s}.events";

        InsertJourney = $"INSERT INTO {s}.journeys (id, version, definition) VALUES ($1, $2, $3) ON CONFLICT (id, version) DO NOTHING";
        ReadJourney = $"SELECT definition FROM {s}.journeys WHERE id = $1 AND version = $2";
        ReadLatestJourney = $"SELECT definition FROM {s}.journeys WHERE id = $1 ORDER BY version DESC LIMIT 1";
        ListJourneys = $"SELECT id, version FROM {s}.journeys ORDER BY id, version";

        ReadState = $"SELECT {StateColumns} FROM {s}.states WHERE customer = $1 AND journey = $2";
        ReadStates = $"SELECT {StateColumns} FROM {s}.states WHERE journey = $1 AND customer = ANY($2)";
        InsertState = $"INSERT INTO {s}.states ({StateColumns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer, journey) DO NOTHING";
        UpdateState = $"UPDATE {s}.states SET journey_version = $3, state = $4, etag = $5, due = $6 WHERE customer = $1 AND journey = $2 AND etag = $7";
        ReadDue = $"SELECT {StateColumns} FROM {s}.states WHERE journey = $1 AND due IS NOT NULL AND due <= $2 ORDER BY due, customer LIMIT $3";

        Erase =
            $"WITH e AS (DELETE FROM {s}.events WHERE customer = $1 RETURNING 1), " +
            $"st AS (DELETE FROM {s}.states WHERE customer = $1 RETURNING 1) " +
            "SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM st)";

        VersionTable = $"{s}.schema_version";
        CreateVersionTable = $"CREATE TABLE IF NOT EXISTS {s}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";
        ReadVersion = $"SELECT COALESCE(MAX(version), 0) FROM {s}.schema_version";
        InsertVersion = $"INSERT INTO {s}.schema_version (version) VALUES ($1)";
        CreateSchema = $"CREATE SCHEMA {s}";
        UseSchema = $"SET LOCAL search_path TO {s}";
    }

    /// <summary>A temporary table for one COPY append, dropped at the end of its transaction.</summary>
    public static string CreateStaging =>
        "CREATE TEMP TABLE journeykit_append (customer text, ts bigint, touchpoint text, channel text, event_id text, " +
        "value double precision, attributes jsonb, pos integer) ON COMMIT DROP";

    /// <summary>The binary COPY into the staging table (columns in the order <c>CopyStagedAsync</c> writes them).</summary>
    public static string CopyStaging =>
        "COPY pg_temp.journeykit_append (customer, ts, pos, touchpoint, channel, event_id, value, attributes) FROM STDIN (FORMAT BINARY)";

    public string Schema { get; }

    public string InsertFromArrays { get; }

    public string InsertFromStaging { get; }

    /// <summary>Takes the next append number (one per append call).</summary>
    public string NextAppendNo { get; }

    /// <summary>The binary COPY straight into the events table (the bulk append's fast path).</summary>
    public string CopyEvents { get; }

    public string ReadRange { get; }

    public string Scan { get; }

    public string ScanTouchpoints { get; }

    public string Count { get; }

    public string InsertJourney { get; }

    public string ReadJourney { get; }

    public string ReadLatestJourney { get; }

    public string ListJourneys { get; }

    public string ReadState { get; }

    public string ReadStates { get; }

    public string InsertState { get; }

    public string UpdateState { get; }

    public string ReadDue { get; }

    public string Erase { get; }

    public string VersionTable { get; }

    public string CreateVersionTable { get; }

    public string ReadVersion { get; }

    public string InsertVersion { get; }

    public string CreateSchema { get; }

    public string UseSchema { get; }
}
